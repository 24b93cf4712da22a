package org.ntpguard.streams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.AlertTracker;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * Turns detections into alerts: one per subject and type per cool-down, re-published with the same id while the
 * abuse goes on. The open alerts live in a key-value store; those quiet for longer than the cool-down are dropped,
 * so the store holds only what is current. "Quiet" is measured against the newest evidence seen, not stream time:
 * heartbeats and ticks move stream time ahead of detections still on their way from other partitions, and an
 * alert must not be forgotten just before its next detection arrives.
 *
 * <p>Merging is idempotent: the fingerprints of the last detections merged into each alert are kept, and a
 * detection seen again (a window emitted a second time after a restart that lost the aggregate's emit position,
 * or at-least-once redelivery) is ignored instead of being counted twice.
 */
final class AlertProcessor implements Processor<String, NtpAlert, String, NtpAlert> {

    static final String STORE = "alert-store";
    static final String MERGED_STORE = "alert-merged-store";
    /** Detections remembered per alert: more than one cool-down's worth of windows from several sources. */
    static final int REMEMBERED_DETECTIONS = 64;

    private final Duration cooldown;
    private final DetectorMetrics metrics;
    private ProcessorContext<String, NtpAlert> context;
    private KeyValueStore<String, NtpAlert> alerts;
    private KeyValueStore<String, byte[]> merged;
    private long newestEvidence = Long.MIN_VALUE;

    AlertProcessor(final Duration cooldown, final DetectorMetrics metrics) {
        this.cooldown = cooldown;
        this.metrics = metrics;
    }

    @Override
    public void init(final ProcessorContext<String, NtpAlert> context) {
        this.context = context;
        this.alerts = context.getStateStore(STORE);
        this.merged = context.getStateStore(MERGED_STORE);
        newestEvidence = Long.MIN_VALUE; // a revived task (same instance) rewinds its input
        context.schedule(cooldown, PunctuationType.STREAM_TIME, this::forgetQuietAlerts);
    }

    @Override
    public void process(final Record<String, NtpAlert> detection) {
        if (detection.value() == null) {
            context.forward(detection); // a tick or an upstream mark: passed on to the blocklist
            return;
        }
        final long fingerprint = DetectionFingerprints.of(detection.value());
        final byte[] seen = merged.get(detection.key());
        if (DetectionFingerprints.contains(seen, fingerprint)) {
            return;
        }
        newestEvidence = Math.max(newestEvidence, detection.value().getLastSeen());
        final NtpAlert previous = alerts.get(detection.key());
        final Alert next = AlertTracker.apply(previous == null ? null : AlertRecords.toAlert(previous),
                AlertRecords.toDetection(detection.value()), cooldown);
        final NtpAlert record = AlertRecords.alert(next);
        alerts.put(detection.key(), record);
        merged.put(detection.key(), DetectionFingerprints.add(previous == null || next.updates() == 0 ? null : seen,
                fingerprint, REMEMBERED_DETECTIONS));
        metrics.alertEmitted(record);
        context.forward(detection.withValue(record).withTimestamp(Math.max(detection.timestamp(), next.lastSeen())));
    }

    private void forgetQuietAlerts(final long streamTime) {
        if (newestEvidence == Long.MIN_VALUE) {
            return;
        }
        final List<String> quiet = new ArrayList<>();
        try (KeyValueIterator<String, NtpAlert> all = alerts.all()) {
            while (all.hasNext()) {
                final KeyValue<String, NtpAlert> entry = all.next();
                if (entry.value.getLastSeen() < newestEvidence - cooldown.toMillis()) {
                    quiet.add(entry.key);
                }
            }
        }
        quiet.forEach(key -> {
            alerts.delete(key);
            merged.delete(key);
        });
    }
}
