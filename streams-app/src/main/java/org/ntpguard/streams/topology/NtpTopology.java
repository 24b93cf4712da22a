package org.ntpguard.streams.topology;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
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
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.schema.registry.RegistrySerde;
import org.ntpguard.streams.allowlist.ChangeTopics;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.ecs.EcsAlertWriter;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.ntpguard.streams.serde.FlowBatchReader;
import org.ntpguard.streams.serde.StateSerdes;

/**
 * The detector's Kafka Streams topology, wiring only: every decision is in {@code detect}.
 *
 * <pre>
 * ntp.flows (NtpFlowBatch: one sensor, partition, interval; a client's flows in one partition)
 *     │                      ┌─ per client: every flow of a batch into its client's tumbling event-time window,
 * ntp.heartbeats ── gate ────┤  emitted on close ── ClientDetector ─────────────────────────────────────────┐
 *                            └─ a batch's flows grouped by their server's partition: one record per batch and │
 *                               partition (+ progress marks) ── repartition flows-by-server ──                 │
 *                               per server windows ── ServerDetector ─────────────────────────────────────────┤
 *                                                                                                             │
 *               repartition detections by TYPE/subject ── alert tracker (cool-down) ── ntp.alerts ───────────┤
 *                                                               └─ as ECS JSON ── ntp.alerts.json            │
 *                                                                                                             │
 *                                   repartition alerts by address ── blocklist (expiry) ── ntp.blocklist ────┤
 *                                                                                                             │
 *                 repartition alerts by victim (scanners to every partition) ── incidents ── ntp.incidents ───┘
 * </pre>
 *
 * <p>That is the {@link Layout#REPARTITIONED} layout, for any number of flows partitions: the three repartition topics
 * let several instances split the work. With one flows partition there is nothing to split, and {@link Layout#ONE_TASK}
 * joins the same processors directly in one task: no repartition topic, no progress mark, no transaction between
 * stages (each hop cost a record written, committed and fetched again).
 *
 * Windows close on event time only ({@link WindowAggregator}), so a capture replayed at full speed gives the alerts
 * live traffic gives; a flow counts in the window of its first datagram, and one whose window has closed is counted
 * as late and dropped. Heartbeats carry no flow; they move event time on every partition, once the flow batches they
 * follow have gone through ({@link HeartbeatGate}). Through the repartition by server, each upstream partition
 * sends {@link ProgressMarks} to every downstream partition, and the per-server windows close on the slowest
 * upstream partition. {@code ntp.packets}, the sensors' optional per-packet feed, is not read.
 */
public final class NtpTopology {

    /** The open per-client windows (see {@link OpenWindowStore}). */
    public static final String CLIENT_WINDOW_STORE = "client-open-windows";
    /** The open per-server windows. */
    public static final String SERVER_WINDOW_STORE = "server-open-windows";
    /** Summaries of the recent closed per-client windows (see {@link RecentWindows}). */
    public static final String CLIENT_RECENT_STORE = RecentWindows.CLIENT_STORE;
    /** Summaries of the recent closed per-server windows. */
    public static final String SERVER_RECENT_STORE = RecentWindows.SERVER_STORE;
    public static final String ALERT_STORE = AlertProcessor.STORE;
    /** Heartbeats held back until their flows have gone through (see {@link HeartbeatGate}). */
    public static final String HELD_HEARTBEAT_STORE = HeartbeatGate.STORE;
    public static final String BLOCKLIST_STORE = BlocklistProcessor.STORE;
    /** The site's learned upstream servers, by blocklist key, with when home clients last used them. */
    public static final String UPSTREAM_STORE = BlocklistProcessor.UPSTREAM_STORE;
    /** The open incidents, by victim. */
    public static final String INCIDENT_STORE = IncidentProcessor.STORE;
    /** Alerts waiting for an incident to join. */
    public static final String INCIDENT_HELD_STORE = IncidentProcessor.HELD_STORE;
    /** The operators' runtime allowlist and unblocks, the whole allowlist topic on every instance. */
    public static final String RUNTIME_ALLOWLIST_STORE = BlocklistProcessor.RUNTIME_ALLOWLIST_STORE;

    private NtpTopology() {
    }

    /** The topology for one input partition with stream-time blocklist expiry (replay and tests). */
    public static Topology build(final TopicNames topics, final DetectionConfig config) {
        return build(topics, config, 1, false);
    }

    /**
     * @param upstreamPartitions how many partitions the flows and heartbeats topics have: the per-server windows
     *                           close when the slowest of them has moved past
     * @param wallClockExpiry    expire blocklist entries by the wall clock (live) rather than stream time (replay)
     */
    public static Topology build(final TopicNames topics, final DetectionConfig config, final int upstreamPartitions,
                                 final boolean wallClockExpiry) {
        return build(topics, config, upstreamPartitions, wallClockExpiry, DetectorMetrics.none());
    }

    /**
     * @param upstreamPartitions how many partitions the flows and heartbeats topics have (and the repartition by
     *                           server gets)
     * @param wallClockExpiry    expire blocklist entries by the wall clock (live) rather than stream time (replay)
     * @param metrics            told where windows close, flows come late and alerts are emitted
     */
    public static Topology build(final TopicNames topics, final DetectionConfig config, final int upstreamPartitions,
                                 final boolean wallClockExpiry, final DetectorMetrics metrics) {
        return build(topics, config, upstreamPartitions, wallClockExpiry, metrics, Layout.forPartitions(upstreamPartitions));
    }

    /** As {@link #build(TopicNames, DetectionConfig, int, boolean, DetectorMetrics)}, writing with {@code outputs}. */
    public static Topology build(final TopicNames topics, final DetectionConfig config, final int upstreamPartitions,
                                 final boolean wallClockExpiry, final DetectorMetrics metrics, final Outputs outputs) {
        return build(topics, config, upstreamPartitions, wallClockExpiry, metrics,
                Layout.forPartitions(upstreamPartitions), outputs);
    }

    /**
     * The serdes of the topics other programs read, alerts and blocklist: Avro's single-object encoding, or the
     * Confluent wire format when the Kafka settings name a schema registry ({@link RegistrySerde#URL_CONFIG}).
     */
    public record Outputs(Serde<NtpAlert> alerts, Serde<BlocklistEntry> blocklist) {

        public static Outputs singleObject() {
            return new Outputs(SingleObjectSerde.ntpAlert(), SingleObjectSerde.blocklistEntry());
        }

        public static Outputs forKafka(final Properties kafka) {
            return new Outputs(RegistrySerde.ntpAlert(kafka), RegistrySerde.blocklistEntry(kafka));
        }

        /** With a schema registry, registers the topics' schemas there; else nothing. */
        public void register(final TopicNames topics) {
            if (alerts instanceof RegistrySerde<?> registry) {
                registry.register(topics.alerts());
            }
            if (blocklist instanceof RegistrySerde<?> registry) {
                registry.register(topics.blocklist());
            }
        }
    }

    /** How the stages are joined. */
    public enum Layout {
        /** Every stage in one task: one flows partition only. */
        ONE_TASK,
        /** Repartition topics between the stages: any number of flows partitions, split among instances. */
        REPARTITIONED;

        /** {@link #ONE_TASK} for one flows partition, else {@link #REPARTITIONED}. */
        public static Layout forPartitions(final int flowsPartitions) {
            return flowsPartitions == 1 ? ONE_TASK : REPARTITIONED;
        }
    }

    /**
     * @param layout {@link Layout#ONE_TASK} needs {@code upstreamPartitions == 1}
     */
    static Topology build(final TopicNames topics, final DetectionConfig config, final int upstreamPartitions,
                          final boolean wallClockExpiry, final DetectorMetrics metrics, final Layout layout) {
        return build(topics, config, upstreamPartitions, wallClockExpiry, metrics, layout, Outputs.singleObject());
    }

    private static Topology build(final TopicNames topics, final DetectionConfig config, final int upstreamPartitions,
                                  final boolean wallClockExpiry, final DetectorMetrics metrics, final Layout layout,
                                  final Outputs outputs) {
        if (layout == Layout.ONE_TASK && upstreamPartitions != 1) {
            throw new IllegalArgumentException("one task reads one flows partition, not " + upstreamPartitions);
        }
        final boolean oneTask = layout == Layout.ONE_TASK;
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<List<PairFlow>> flowsSerde = StateSerdes.flowList();
        final SingleObjectSerde<NtpAlert> alertSerde = SingleObjectSerde.ntpAlert();

        final KStream<Bytes, List<PairFlow>> flows = builder
                .stream(topics.flows(), Consumed.with(Serdes.Bytes(), FlowBatchReader.serde())
                        .withName("flow-batches"))
                .filter((sensor, batch) -> batch != null, Named.as("drop-tombstones"))
                .process(() -> new FlowEvents.Read(metrics), Named.as("flow-events"));
        final KStream<Bytes, List<PairFlow>> heartbeats = builder
                .stream(topics.heartbeats(), Consumed.with(Serdes.Bytes(), SingleObjectSerde.sensorHeartbeat())
                        .withName("heartbeats"))
                .filter((key, heartbeat) -> heartbeat != null, Named.as("drop-empty-heartbeats"))
                .process(() -> new HeartbeatGate.Stamp(metrics), Named.as("heartbeat-events"));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HeartbeatGate.STORE),
                Serdes.Long(), Serdes.Long()));
        final KStream<Bytes, List<PairFlow>> events = flows.merge(heartbeats, Named.as("events"))
                .process(HeartbeatGate::new, Named.as("heartbeats-after-their-flows"), HeartbeatGate.STORE);
        final long size = config.windowSize().toMillis();
        final long grace = config.grace().toMillis();

        final WindowSide<ClientWindow> clients = WindowSide.clients(config, metrics);
        builder.addStateStore(OpenWindowStore.builder(CLIENT_WINDOW_STORE, clients));
        builder.addStateStore(RecentWindows.builder(CLIENT_RECENT_STORE, config));
        final KStream<String, NtpAlert> clientDetections = events.process(
                () -> new WindowAggregator<>(clients, CLIENT_WINDOW_STORE, CLIENT_RECENT_STORE, size, grace,
                        Watermark::ownStreamTime, true), Named.as("client-windows"), CLIENT_WINDOW_STORE,
                CLIENT_RECENT_STORE);

        final WindowSide<ServerWindow> servers = WindowSide.servers(config, metrics);
        builder.addStateStore(OpenWindowStore.builder(SERVER_WINDOW_STORE, servers));
        builder.addStateStore(RecentWindows.builder(SERVER_RECENT_STORE, config));
        final KStream<String, NtpAlert> serverDetections = oneTask
                ? events.process(() -> new WindowAggregator<>(servers, SERVER_WINDOW_STORE, SERVER_RECENT_STORE, size,
                        grace, Watermark::ownStreamTime, false), Named.as("server-windows"), SERVER_WINDOW_STORE,
                        SERVER_RECENT_STORE)
                : events.process(() -> new ProgressMarks(upstreamPartitions), Named.as("group-by-server"))
                .repartition(Repartitioned.<Bytes, List<PairFlow>>as("flows-by-server")
                        .withKeySerde(Serdes.Bytes()).withValueSerde(flowsSerde)
                        .withNumberOfPartitions(upstreamPartitions)
                        .withStreamPartitioner(new ByServerPartition()))
                .process(() -> new WindowAggregator<>(servers, SERVER_WINDOW_STORE, SERVER_RECENT_STORE, size,
                        grace, () -> Watermark.slowestOf(upstreamPartitions), false), Named.as("server-windows"),
                        SERVER_WINDOW_STORE, SERVER_RECENT_STORE);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_STORE),
                Serdes.String(), alertSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                AlertProcessor.MERGED_STORE), Serdes.String(), Serdes.ByteArray()));
        final KStream<String, NtpAlert> detections = clientDetections.merge(serverDetections, Named.as("detections"));
        final KStream<String, NtpAlert> alerts = (oneTask ? detections : detections
                .repartition(Repartitioned.<String, NtpAlert>as("detections-by-subject")
                        .withKeySerde(Serdes.String()).withValueSerde(alertSerde)
                        .withStreamPartitioner(new TicksToEveryPartition())))
                .process(() -> new AlertProcessor(config.alertCooldown(), metrics), Named.as("alert-tracker"),
                        ALERT_STORE, AlertProcessor.MERGED_STORE);
        final KStream<String, NtpAlert> published = alerts.filter((key, alert) -> alert != null,
                Named.as("drop-ticks-and-marks"));
        published.to(topics.alerts(), Produced.with(Serdes.String(), outputs.alerts()).withName("alerts"));
        // The same updates for SIEMs, in the same transaction: ECS JSON keyed by the subject's address.
        published.map((key, alert) -> KeyValue.pair(IpAddress.of(alert.getSubject()).toString(),
                        EcsAlertWriter.json(AlertRecords.toAlert(alert))), Named.as("alerts-as-ecs-json"))
                .to(topics.alertsJson(), Produced.with(Serdes.String(), Serdes.String()).withName("alerts-json"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BLOCKLIST_STORE),
                Serdes.String(), SingleObjectSerde.blocklistEntry()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(UPSTREAM_STORE),
                Serdes.String(), Serdes.Long()));
        runtimeAllowlist(builder, ChangeTopics.beside(topics));
        // Ticks keep their key; upstream marks are keyed by address already.
        final KStream<String, NtpAlert> byAddress = alerts.selectKey(
                (key, alert) -> alert == null ? key : blocklistKey(alert), Named.as("key-by-address"));
        (oneTask ? byAddress : byAddress
                .repartition(Repartitioned.<String, NtpAlert>as("alerts-by-address")
                        .withKeySerde(Serdes.String()).withValueSerde(alertSerde)
                        .withStreamPartitioner(new TicksToEveryPartition())))
                .process(() -> new BlocklistProcessor(config, wallClockExpiry ? BlocklistProcessor.Clock.WALL_CLOCK
                        : BlocklistProcessor.Clock.STREAM_TIME, metrics), Named.as("blocklist"), BLOCKLIST_STORE, UPSTREAM_STORE)
                .to(topics.blocklist(), Produced.with(Serdes.String(), outputs.blocklist())
                        .withName("blocklist-out"));

        // Cached: an attack's hundreds of alerts rewrite its incident (its reflector list) hundreds of times in a
        // commit; the changelog needs the last version only.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENT_STORE),
                Serdes.String(), SingleObjectSerde.ntpIncident()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENT_HELD_STORE),
                Serdes.String(), alertSerde));
        final KStream<String, NtpAlert> byVictim = alerts.flatMap(IncidentProcessor::route,
                Named.as("route-to-incidents"));
        (oneTask ? byVictim : byVictim
                .repartition(Repartitioned.<String, NtpAlert>as("alerts-by-incident")
                        .withKeySerde(Serdes.String()).withValueSerde(alertSerde)
                        .withStreamPartitioner(new TicksToEveryPartition())))
                .process(() -> new IncidentProcessor(config.incidentQuiet(), config.windowSize()),
                        Named.as("incidents"), INCIDENT_STORE, INCIDENT_HELD_STORE)
                .to(topics.incidents(), Produced.with(Serdes.String(), SingleObjectSerde.ntpIncident())
                        .withName("incidents-out"));
        return builder.build();
    }

    /**
     * The allowlist topic as a global table: every instance holds every change, whichever partition of the
     * blocklist it keeps ({@link BlocklistProcessor} reads it).
     */
    static void runtimeAllowlist(final StreamsBuilder builder, final ChangeTopics topics) {
        builder.globalTable(topics.allowlist(), Consumed.with(Serdes.String(), Serdes.String())
                        .withName("runtime-allowlist"),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(RUNTIME_ALLOWLIST_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
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

    /**
     * An upstream mark: a closed server window showed the server serving the site's clients
     * ({@link org.ntpguard.streams.detect.SiteUpstreams}). Keyed by the server's blocklist key, with no value: it
     * passes the alert tracker and reaches the blocklist of that address, which then never blocks it.
     */
    static Record<String, NtpAlert> upstreamMark(final IpAddress server, final long time) {
        return new Record<>(blocklistKey(server), null, time);
    }

    /** A record with no alert that is not a tick. */
    static boolean isUpstreamMark(final String key, final NtpAlert value) {
        return value == null && !isTick(key);
    }

    private static String blocklistKey(final NtpAlert alert) {
        return blocklistKey(IpAddress.of(alert.getSubject()));
    }

    private static String blocklistKey(final IpAddress subject) {
        return AlertRecords.blocklistKey(subject);
    }

    /**
     * Flows go to the partition {@link ProgressMarks} grouped them for (their servers'); a progress mark goes to
     * every partition, to move time on in each.
     */
    static final class ByServerPartition implements StreamPartitioner<Bytes, List<PairFlow>> {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final Bytes key, final List<PairFlow> value,
                                                 final int partitions) {
            if (ProgressMarks.isMark(key.get())) {
                return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
            }
            final int partition = ProgressMarks.downstreamPartition(key.get());
            if (partition >= 0) {
                // The topic has the partitions it was created with (withNumberOfPartitions): the modulo only
                // keeps a server's flows together if it ever had fewer.
                return Optional.of(Set.of(partition % partitions));
            }
            return Optional.empty();
        }
    }

    /**
     * Detections and alerts go to their key's partition; a tick, and a scanner on its way to the incidents (which it
     * joins by the servers it asked, wherever their victims' incidents are), go to every partition.
     */
    static final class TicksToEveryPartition implements StreamPartitioner<String, NtpAlert> {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final String key, final NtpAlert value,
                                                 final int partitions) {
            if (isTick(key) || IncidentProcessor.BY_SERVERS_ASKED.equals(key)) {
                return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
            }
            return Optional.empty();
        }
    }
}
