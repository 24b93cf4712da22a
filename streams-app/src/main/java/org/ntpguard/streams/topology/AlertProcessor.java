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

/**
 * Turns detections into alerts: one per subject and type per cool-down, re-published with the same id while the
 * abuse goes on. The open alerts live in a key-value store; those quiet for longer than the cool-down are dropped
 * as stream time passes, so the store holds only what is current.
 */
final class AlertProcessor implements Processor<String, NtpAlert, String, NtpAlert> {

    static final String STORE = "alert-store";

    private final Duration cooldown;
    private ProcessorContext<String, NtpAlert> context;
    private KeyValueStore<String, NtpAlert> alerts;

    AlertProcessor(final Duration cooldown) {
        this.cooldown = cooldown;
    }

    @Override
    public void init(final ProcessorContext<String, NtpAlert> context) {
        this.context = context;
        this.alerts = context.getStateStore(STORE);
        context.schedule(cooldown, PunctuationType.STREAM_TIME, this::forgetQuietAlerts);
    }

    @Override
    public void process(final Record<String, NtpAlert> detection) {
        final NtpAlert previous = alerts.get(detection.key());
        final Alert next = AlertTracker.apply(previous == null ? null : AlertRecords.toAlert(previous),
                AlertRecords.toDetection(detection.value()), cooldown);
        final NtpAlert record = AlertRecords.alert(next);
        alerts.put(detection.key(), record);
        context.forward(detection.withValue(record).withTimestamp(Math.max(detection.timestamp(), next.lastSeen())));
    }

    private void forgetQuietAlerts(final long streamTime) {
        final List<String> quiet = new ArrayList<>();
        try (KeyValueIterator<String, NtpAlert> all = alerts.all()) {
            while (all.hasNext()) {
                final KeyValue<String, NtpAlert> entry = all.next();
                if (entry.value.getLastSeen() < streamTime - cooldown.toMillis()) {
                    quiet.add(entry.key);
                }
            }
        }
        quiet.forEach(alerts::delete);
    }
}
