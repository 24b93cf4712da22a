package org.ntpguard.streams.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.ClientDetector;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.Detection;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PacketEvent;
import org.ntpguard.streams.detect.ServerDetector;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.ntpguard.streams.serde.StateSerdes;

/**
 * The detector's Kafka Streams topology, wiring only: every decision is in {@code detect}.
 *
 * <pre>
 * ntp.packets (key client) ──┬─ per client, tumbling event-time windows, emitted on close ── ClientDetector ─┐
 * ntp.heartbeats ────────────┤                                                                            │
 *                            └─ repartition by server ── per server windows ── ServerDetector ───────────┤
 *                                                                                                         │
 *               repartition detections by TYPE/subject ── alert tracker (cool-down) ── ntp.alerts ───────┤
 *                                                                                                         │
 *                                   repartition alerts by address ── blocklist (expiry) ── ntp.blocklist ┘
 * </pre>
 *
 * Windows close on event time only (emit on window close, no suppression buffer in memory), so a capture replayed at
 * full speed gives the alerts live traffic gives. Heartbeats carry no packet; they move event time on every
 * partition, including through the repartition by server, where they are sent to every partition.
 */
public final class NtpTopology {

    public static final String CLIENT_WINDOW_STORE = "client-window-store";
    public static final String SERVER_WINDOW_STORE = "server-window-store";
    public static final String ALERT_STORE = AlertProcessor.STORE;
    public static final String BLOCKLIST_STORE = BlocklistProcessor.STORE;

    private NtpTopology() {
    }

    /** The topology with stream-time blocklist expiry (replay and tests). */
    public static Topology build(final TopicNames topics, final DetectionConfig config) {
        return build(topics, config, false);
    }

    /**
     * @param wallClockExpiry expire blocklist entries by the wall clock (live) rather than stream time (replay)
     */
    public static Topology build(final TopicNames topics, final DetectionConfig config,
                                 final boolean wallClockExpiry) {
        return build(topics, config, wallClockExpiry, DetectorMetrics.none());
    }

    /**
     * @param wallClockExpiry expire blocklist entries by the wall clock (live) rather than stream time (replay)
     * @param metrics         told where windows close and alerts are emitted
     */
    public static Topology build(final TopicNames topics, final DetectionConfig config,
                                 final boolean wallClockExpiry, final DetectorMetrics metrics) {
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<PacketEvent> eventSerde = StateSerdes.packetEvent();
        final SingleObjectSerde<NtpAlert> alertSerde = SingleObjectSerde.ntpAlert();
        final TimeWindows windows = TimeWindows.ofSizeAndGrace(config.windowSize(), config.grace());

        final KStream<Bytes, PacketEvent> packets = builder
                .stream(topics.packets(), Consumed.with(Serdes.Bytes(), SingleObjectSerde.ntpPacket())
                        .withName("packets"))
                .filter((client, packet) -> client != null && packet != null, Named.as("drop-tombstones"))
                .mapValues(PacketEvents::from, Named.as("packet-events"));
        final KStream<Bytes, PacketEvent> heartbeats = builder
                .stream(topics.heartbeats(), Consumed.with(Serdes.Bytes(), SingleObjectSerde.sensorHeartbeat())
                        .withName("heartbeats"))
                .filter((key, heartbeat) -> heartbeat != null, Named.as("drop-empty-heartbeats"))
                .map((key, heartbeat) -> KeyValue.pair(Bytes.wrap(PacketEvents.HEARTBEAT_KEY),
                        PacketEvents.from(heartbeat)), Named.as("heartbeat-events"));
        final long closeDelay = config.windowSize().plus(config.grace()).toMillis();
        final KStream<Bytes, PacketEvent> events = packets.merge(heartbeats, Named.as("events"))
                .process(() -> new GapTicks(closeDelay), Named.as("client-gap-ticks"));

        final KStream<String, NtpAlert> clientDetections = events
                .groupByKey(Grouped.with("events-by-client", Serdes.Bytes(), eventSerde))
                .windowedBy(windows)
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(ClientWindow::new,
                        (client, event, window) -> PacketEvents.isHeartbeat(client.get()) ? window : window.add(event),
                        Named.as("client-windows"),
                        Materialized.<Bytes, ClientWindow, WindowStore<Bytes, byte[]>>as(CLIENT_WINDOW_STORE)
                                .withKeySerde(Serdes.Bytes()).withValueSerde(StateSerdes.clientWindow())
                                .withRetention(retention(config))
                                .withCachingDisabled())
                .toStream(Named.as("closed-client-windows"))
                .peek((window, stats) -> countClosed(window, () -> metrics.clientWindowClosed(stats)),
                        Named.as("client-window-metrics"))
                .flatMap((window, stats) -> isHeartbeatWindow(window) ? List.of(tick()) : detections(stats == null
                        ? List.of() : ClientDetector.evaluate(subject(window), window.window().start(),
                                window.window().end(), stats, config)), Named.as("client-detector"));

        final KStream<String, NtpAlert> serverDetections = events
                .selectKey((client, event) -> PacketEvents.isHeartbeat(client.get()) ? client
                        : Bytes.wrap(event.server().toBytes()), Named.as("key-by-server"))
                .repartition(Repartitioned.<Bytes, PacketEvent>as("events-by-server")
                        .withKeySerde(Serdes.Bytes()).withValueSerde(eventSerde)
                        .withStreamPartitioner(new HeartbeatsToEveryPartition()))
                .process(() -> new GapTicks(closeDelay), Named.as("server-gap-ticks"))
                .groupByKey(Grouped.with("events-by-server-grouped", Serdes.Bytes(), eventSerde))
                .windowedBy(windows)
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(ServerWindow::new,
                        (server, event, window) -> PacketEvents.isHeartbeat(server.get()) ? window : window.add(event),
                        Named.as("server-windows"),
                        Materialized.<Bytes, ServerWindow, WindowStore<Bytes, byte[]>>as(SERVER_WINDOW_STORE)
                                .withKeySerde(Serdes.Bytes()).withValueSerde(StateSerdes.serverWindow())
                                .withRetention(retention(config))
                                .withCachingDisabled())
                .toStream(Named.as("closed-server-windows"))
                .peek((window, stats) -> countClosed(window, metrics::serverWindowClosed),
                        Named.as("server-window-metrics"))
                .flatMap((window, stats) -> isHeartbeatWindow(window) ? List.of() : detections(stats == null
                        ? List.of() : ServerDetector.evaluate(subject(window), window.window().start(),
                                window.window().end(), stats, config)), Named.as("server-detector"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_STORE),
                Serdes.String(), alertSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                AlertProcessor.MERGED_STORE), Serdes.String(), Serdes.ByteArray()));
        final KStream<String, NtpAlert> alerts = clientDetections
                .merge(serverDetections, Named.as("detections"))
                .repartition(Repartitioned.<String, NtpAlert>as("detections-by-subject")
                        .withKeySerde(Serdes.String()).withValueSerde(alertSerde)
                        .withStreamPartitioner(new TicksToEveryPartition()))
                .process(() -> new AlertProcessor(config.alertCooldown(), metrics), Named.as("alert-tracker"),
                        ALERT_STORE, AlertProcessor.MERGED_STORE);
        alerts.filter((key, alert) -> !isTick(key), Named.as("drop-ticks"))
                .to(topics.alerts(), Produced.with(Serdes.String(), alertSerde).withName("alerts"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BLOCKLIST_STORE),
                Serdes.String(), SingleObjectSerde.blocklistEntry()));
        alerts.selectKey((key, alert) -> isTick(key) ? key : blocklistKey(alert), Named.as("key-by-address"))
                .repartition(Repartitioned.<String, NtpAlert>as("alerts-by-address")
                        .withKeySerde(Serdes.String()).withValueSerde(alertSerde)
                        .withStreamPartitioner(new TicksToEveryPartition()))
                .process(() -> new BlocklistProcessor(config, wallClockExpiry ? BlocklistProcessor.Clock.WALL_CLOCK
                        : BlocklistProcessor.Clock.STREAM_TIME), Named.as("blocklist"), BLOCKLIST_STORE)
                .to(topics.blocklist(), Produced.with(Serdes.String(), SingleObjectSerde.blocklistEntry())
                        .withName("blocklist-out"));
        return builder.build();
    }

    /**
     * Twice what a window needs (size plus grace): a tick's own write must not drop a window it is about to close.
     * Caching stays off: a caching window store walks its whole time range segment by segment on the first emission
     * (decades for event time), and on-close emission gains nothing from a cache.
     */
    private static java.time.Duration retention(final DetectionConfig config) {
        return config.windowSize().plus(config.grace()).multipliedBy(2);
    }

    /** Heartbeat windows only move time on: not counted. */
    private static void countClosed(final Windowed<Bytes> window, final Runnable count) {
        if (!isHeartbeatWindow(window)) {
            count.run();
        }
    }

    private static boolean isHeartbeatWindow(final Windowed<Bytes> window) {
        return PacketEvents.isHeartbeat(window.key().get());
    }

    private static IpAddress subject(final Windowed<Bytes> window) {
        return IpAddress.of(window.key().get());
    }

    /**
     * A tick: no detection, only time. Closing a heartbeat window sends one down to the alert tracker and the
     * blocklist on every partition, so that their stream-time punctuations (forgetting quiet alerts, expiring
     * blocklist entries) run even when no alert arrives.
     */
    static KeyValue<String, NtpAlert> tick() {
        return KeyValue.pair(TICK, null);
    }

    static boolean isTick(final String key) {
        return TICK.equals(key);
    }

    private static final String TICK = "";

    private static List<KeyValue<String, NtpAlert>> detections(final List<Detection> found) {
        final List<KeyValue<String, NtpAlert>> records = new ArrayList<>(found.size());
        for (final Detection detection : found) {
            records.add(KeyValue.pair(AlertRecords.key(detection.type(), detection.subject()),
                    AlertRecords.detection(detection)));
        }
        return records;
    }

    private static String blocklistKey(final NtpAlert alert) {
        final IpAddress subject = IpAddress.of(alert.getSubject());
        return subject + "/" + (subject.ipv6() ? 128 : 32);
    }

    /** Packets go to their server's partition; a heartbeat goes to every partition, to move time on in each. */
    static final class HeartbeatsToEveryPartition implements StreamPartitioner<Bytes, PacketEvent> {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final Bytes key, final PacketEvent value,
                                                 final int partitions) {
            if (PacketEvents.isHeartbeat(key.get())) {
                return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
            }
            return Optional.empty(); // the default: by key hash
        }
    }

    /** Detections and alerts go to their key's partition; a tick goes to every partition. */
    static final class TicksToEveryPartition implements StreamPartitioner<String, NtpAlert> {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final String key, final NtpAlert value,
                                                 final int partitions) {
            if (isTick(key)) {
                return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
            }
            return Optional.empty();
        }
    }
}
