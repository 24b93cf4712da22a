package org.ntpguard.streams.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.Severity;
import org.ntpguard.streams.detect.ClientWindow;

/**
 * The detector's meters ({@code ntpguard_alerts_total{type,severity}}, {@code ntpguard_client_byte_ratio} ...; the
 * README's "Metrics" lists them). The topology calls it where a window closes and where an alert is emitted; those
 * calls increment counters registered up front, so they cost an array read and an add. Tags are Avro enum symbols:
 * never an address.
 */
public final class DetectorMetrics implements AutoCloseable {

    /** Buckets of the response/request byte ratio: a sane client is about 1, a monlist reflection hundreds. */
    static final double[] BYTE_RATIO_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    private final MeterRegistry registry;
    private final Counter[][] alerts = new Counter[AlertType.values().length][Severity.values().length];
    private final Counter[] alertUpdates = new Counter[AlertType.values().length];
    /** The {@code side} tag of the per-client windows' meters. */
    public static final String CLIENT_SIDE = "client";
    /** The {@code side} tag of the per-server windows' meters. */
    public static final String SERVER_SIDE = "server";

    private final Counter clientWindows;
    private final Counter[] lateFlows = new Counter[2];
    private final Counter[] latePackets = new Counter[2];
    /** Most sensors shown by name; records of further ones still count, under {@link #OTHER_SENSORS}. */
    public static final int MAX_SENSORS = 256;
    /** The {@code sensor} tag of sensors beyond {@link #MAX_SENSORS}. */
    public static final String OTHER_SENSORS = "other";
    /** By sensor name, the latest capture time (ms) its flows and heartbeats have brought this instance. */
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> sensorProgress =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The same counts, readable whatever the registry (a report needs them; a no-op registry counts nothing). */
    private final AtomicLong[] lateFlowCounts = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong[] latePacketCounts = {new AtomicLong(), new AtomicLong()};
    private final Counter serverWindows;
    private final Counter blocklistRateLimited;
    private final Counter blocklistSiteUpstream;
    private final AtomicLong blocklistRateLimitedCount = new AtomicLong();
    private final AtomicLong blocklistSiteUpstreamCount = new AtomicLong();
    private final DistributionSummary byteRatio;
    private KafkaStreamsMetrics streamsMetrics;

    public DetectorMetrics(final MeterRegistry registry) {
        this.registry = registry;
        // UNKNOWN, the schemas' default symbol for records of a newer writer, is no alert this detector raises: not
        // shown up front (an alert with it would still be counted, under a meter registered then).
        for (final AlertType type : AlertType.values()) {
            if (type == AlertType.UNKNOWN) {
                continue;
            }
            for (final Severity severity : Severity.values()) {
                if (severity != Severity.UNKNOWN) {
                    alerts[type.ordinal()][severity.ordinal()] = raised(type, severity);
                }
            }
            alertUpdates[type.ordinal()] = updated(type);
        }
        clientWindows = windowsClosed(registry, CLIENT_SIDE);
        serverWindows = windowsClosed(registry, SERVER_SIDE);
        for (final String side : new String[] {CLIENT_SIDE, SERVER_SIDE}) {
            lateFlows[sideIndex(side)] = Counter.builder("ntpguard.late.flows")
                    .description("Flows that arrived after their window had closed and were not counted, per side "
                            + "(a flow late for its client's window is usually late for its server's too)")
                    .tag("side", side).register(registry);
            latePackets[sideIndex(side)] = Counter.builder("ntpguard.late.packets")
                    .description("Datagrams in the flows counted by ntpguard.late.flows")
                    .tag("side", side).register(registry);
        }
        blocklistRateLimited = refused(registry, "rate_limit");
        blocklistSiteUpstream = refused(registry, "site_upstream");
        byteRatio = DistributionSummary.builder("ntpguard.client.byte.ratio")
                .description("Response/request NTP byte ratio of each closed client window with request bytes")
                .serviceLevelObjectives(BYTE_RATIO_BUCKETS).register(registry);
    }

    private Counter raised(final AlertType type, final Severity severity) {
        return Counter.builder("ntpguard.alerts")
                .description("New alerts raised (not their updates), by type and severity")
                .tag("type", type.name()).tag("severity", severity.name()).register(registry);
    }

    private Counter updated(final AlertType type) {
        return Counter.builder("ntpguard.alert.updates")
                .description("Alerts published again with more evidence (same id, updates + 1), by type")
                .tag("type", type.name()).register(registry);
    }

    /** Meters that go nowhere: for topologies built without a registry. */
    public static DetectorMetrics none() {
        return new DetectorMetrics(new CompositeMeterRegistry());
    }

    private static Counter windowsClosed(final MeterRegistry registry, final String side) {
        return Counter.builder("ntpguard.windows.closed")
                .description("Event-time windows closed and evaluated, per client or per server")
                .tag("side", side).register(registry);
    }

    /** A client's window closed: counted, and its byte ratio recorded when it sent any request byte. */
    public void clientWindowClosed(final ClientWindow window) {
        clientWindows.increment();
        if (window != null && window.requestBytes() > 0) {
            byteRatio.record((double) window.responseBytes() / window.requestBytes());
        }
    }

    public void serverWindowClosed() {
        serverWindows.increment();
    }

    private static Counter refused(final MeterRegistry registry, final String reason) {
        return Counter.builder("ntpguard.blocklist.refused")
                .description("Alerts of blocking types whose subject was kept off the blocklist, by reason: "
                        + "rate_limit (the window's quota of new entries, ntpguard.blocklist.max.new.per.window, was "
                        + "used up), site_upstream (a server the site's clients use, learned from the traffic)")
                .tag("reason", reason).register(registry);
    }

    /** An alert's subject was not blocked: the window's quota of new blocklist entries was used up. */
    public void blocklistRateLimited() {
        blocklistRateLimited.increment();
        blocklistRateLimitedCount.incrementAndGet();
    }

    /** How many subjects {@link #blocklistRateLimited()} kept off the blocklist, whatever the registry. */
    public long blocklistRateLimitedCount() {
        return blocklistRateLimitedCount.get();
    }

    /** An alert's subject, or an entry already made, was kept off the blocklist: a learned upstream of the site. */
    public void blocklistSiteUpstream() {
        blocklistSiteUpstream.increment();
        blocklistSiteUpstreamCount.incrementAndGet();
    }

    /** How many times {@link #blocklistSiteUpstream()} kept an upstream off the blocklist, whatever the registry. */
    public long blocklistSiteUpstreamCount() {
        return blocklistSiteUpstreamCount.get();
    }

    /** A flow of {@code packets} datagrams came after its window on {@code side} had closed, and was dropped. */
    public void lateFlow(final String side, final long packets) {
        lateFlows[sideIndex(side)].increment();
        latePackets[sideIndex(side)].increment(packets);
        lateFlowCounts[sideIndex(side)].incrementAndGet();
        latePacketCounts[sideIndex(side)].addAndGet(packets);
    }

    /**
     * A sensor's flows or heartbeat reached this instance, stamped with capture time {@code captureMillis}: its
     * event-time progress, shown per sensor ({@code ntpguard_sensor_event_time_seconds}), so that a sensor whose
     * clock is behind or ahead of the others, or a replay in the wrong namespace, can be seen.
     */
    public void sensorProgress(final String sensor, final long captureMillis) {
        AtomicLong progress = sensorProgress.get(sensor);
        if (progress == null) {
            final String name = sensorProgress.size() < MAX_SENSORS ? sensor : OTHER_SENSORS;
            progress = sensorProgress.computeIfAbsent(name, this::registerSensor);
        }
        progress.accumulateAndGet(captureMillis, Math::max);
    }

    private AtomicLong registerSensor(final String sensor) {
        final AtomicLong progress = new AtomicLong(Long.MIN_VALUE);
        Gauge.builder("ntpguard.sensor.event.time", progress,
                        p -> p.get() == Long.MIN_VALUE ? Double.NaN : p.get() / 1000.0)
                .description("Latest capture time a sensor's flows and heartbeats brought this instance (seconds "
                        + "since the epoch): per sensor, so that a clock behind or ahead of the others shows")
                .baseUnit("seconds").tag("sensor", sensor).register(registry);
        return progress;
    }

    /** Each sensor's latest capture time (ms) seen by this instance. */
    public java.util.Map<String, Long> sensorProgress() {
        final java.util.Map<String, Long> copy = new java.util.TreeMap<>();
        sensorProgress.forEach((sensor, progress) -> copy.put(sensor, progress.get()));
        return copy;
    }

    /** Flows dropped as late on {@code side} since this instance started. */
    public long lateFlows(final String side) {
        return lateFlowCounts[sideIndex(side)].get();
    }

    /** Datagrams in those flows. */
    public long latePackets(final String side) {
        return latePacketCounts[sideIndex(side)].get();
    }

    private static int sideIndex(final String side) {
        return switch (side) {
            case CLIENT_SIDE -> 0;
            case SERVER_SIDE -> 1;
            default -> throw new IllegalArgumentException("side: " + side + " (expected: client or server)");
        };
    }

    /** An alert record left the alert tracker: a new alert ({@code updates} 0) or an update of one. */
    public void alertEmitted(final NtpAlert alert) {
        final Counter upFront = alert.getUpdates() == 0
                ? alerts[alert.getType().ordinal()][alert.getSeverity().ordinal()]
                : alertUpdates[alert.getType().ordinal()];
        if (upFront != null) {
            upFront.increment();
        } else if (alert.getUpdates() == 0) {
            raised(alert.getType(), alert.getSeverity()).increment();
        } else {
            updated(alert.getType()).increment();
        }
    }

    /** Records sent to the dead-letter topic: the app's own count (held by the app; Micrometer keeps it weakly). */
    public void bindDeadLetters(final AtomicLong deadLetters) {
        FunctionCounter.builder("ntpguard.dead.letters", deadLetters, AtomicLong::get)
                .description("Undecodable records sent to the dead-letter topic").register(registry);
    }

    /** @param entries entries in this instance's blocklist stores now; NaN while they cannot be read */
    public void bindBlocklistEntries(final Supplier<Number> entries) {
        Gauge.builder("ntpguard.blocklist.entries", entries).strongReference(true)
                .description("Entries in the blocklist stores of this instance").register(registry);
    }

    /** Kafka Streams' meters: kafka_stream_*, its clients' kafka_consumer_* (lag included) and kafka_producer_*. */
    public void bindStreams(final KafkaStreams streams) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    /** Stops the Kafka Streams binder's refresh thread. */
    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
    }
}
