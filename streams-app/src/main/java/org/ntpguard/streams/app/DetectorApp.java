package org.ntpguard.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.ntpguard.streams.topology.NtpTopology;

/**
 * Runs the detector topology on a Kafka cluster: topics checked and created ({@link TopicSetup}), exactly-once
 * processing, undecodable records to a dead-letter topic ({@link DeadLetterHandler}), and
 * {@link #awaitCaughtUp(Duration)} for a replay that must know when every record is processed.
 */
public final class DetectorApp implements AutoCloseable {

    public static final String DEFAULT_APPLICATION_ID = "ntpguard-detector";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "ntp.dead-letters";
    public static final int DEFAULT_PARTITIONS = 3;
    /** How long a readiness check ({@link #notReady(long)}) waits for the broker: under a health check's timeout. */
    public static final Duration READY_BROKER_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_TASK_IDLE = Duration.ZERO;
    static final int BUFFERED_RECORDS_PER_PARTITION = 1_000;
    static final int MAX_POLL_RECORDS = 1_000;

    /**
     * @param kafka           extra Kafka Streams / client settings (SASL, TLS...), applied over ours
     * @param wallClockExpiry expire blocklist entries on the wall clock (live) rather than stream time (replay)
     */
    public record Settings(String bootstrapServers, String applicationId, Path stateDir, int streamThreads,
                           TopicNames topics, String deadLetterTopic, int partitions, boolean wallClockExpiry,
                           Properties kafka) {

        /** Defaults for everything but the cluster and the state directory. */
        public static Settings of(final String bootstrapServers, final Path stateDir) {
            return new Settings(bootstrapServers, DEFAULT_APPLICATION_ID, stateDir, 1, TopicNames.defaults(),
                    DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_PARTITIONS, false, new Properties());
        }

        public Settings withApplicationId(final String id) {
            return new Settings(bootstrapServers, id, stateDir, streamThreads, topics, deadLetterTopic, partitions,
                    wallClockExpiry, kafka);
        }

        public Settings withPartitions(final int count) {
            return new Settings(bootstrapServers, applicationId, stateDir, streamThreads, topics, deadLetterTopic,
                    count, wallClockExpiry, kafka);
        }

        /** These settings with one more pass-through Kafka Streams setting. */
        public Settings withKafka(final String key, final Object value) {
            final Properties more = new Properties();
            more.putAll(kafka);
            more.put(key, value);
            return new Settings(bootstrapServers, applicationId, stateDir, streamThreads, topics, deadLetterTopic,
                    partitions, wallClockExpiry, more);
        }

        public Settings withWallClockExpiry(final boolean wallClock) {
            return new Settings(bootstrapServers, applicationId, stateDir, streamThreads, topics, deadLetterTopic,
                    partitions, wallClock, kafka);
        }
    }

    private final Settings settings;
    private final NtpTopology.Outputs outputs;
    private final Topology topology;
    private final AtomicLong deadLetters = new AtomicLong();
    private final KafkaStreams streams;
    private final Admin admin;
    private final DetectorMetrics metrics;

    /** An app whose meters go nowhere. */
    public DetectorApp(final Settings settings, final DetectionConfig config) {
        this(settings, config, DetectorMetrics.none());
    }

    /** An app with its meters, Kafka Streams' and its clients' on {@code registry}. */
    public DetectorApp(final Settings settings, final DetectionConfig config, final MeterRegistry registry) {
        this(settings, config, new DetectorMetrics(registry));
    }

    private DetectorApp(final Settings settings, final DetectionConfig config, final DetectorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.outputs = NtpTopology.Outputs.forKafka(settings.kafka());
        this.topology = NtpTopology.build(settings.topics(), config, settings.partitions(), settings.wallClockExpiry(),
                metrics, outputs);
        final Properties props = streamsConfig(settings);
        props.put(DeadLetterHandler.COUNTER_CONFIG, deadLetters);
        this.admin = Admin.create(adminConfig(settings));
        this.streams = new KafkaStreams(topology, props);
        metrics.bindDeadLetters(deadLetters);
        metrics.bindBlocklistEntries(this::blocklistEntries);
        metrics.bindStreams(streams);
    }

    /** The Kafka Streams settings: ours, then the user's pass-through ones. */
    static Properties streamsConfig(final Settings settings) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Exactly-once commits a transaction per interval and waits for it (tens of ms on a busy machine): 100 ms,
        // the exactly-once default, spent a third of a replay's time waiting. A second still alerts within seconds.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL.toMillis());
        // A task reads a flows and a heartbeats partition, and may take a heartbeat before flows sent ahead of it
        // are fetched (the lag it goes by can be stale). Waiting for the other partition (2 s) kept the order but
        // cost two thirds of a replay's time, in waits re-armed again and again; the topology holds such a
        // heartbeat back itself (HeartbeatGate), so no task waits.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE.toMillis());
        // A flow batch holds up to a few thousand flows (up to ~400 KB): the 20,000 buffered records a partition and
        // 5,000 a poll that paid off for one small record per packet could hold gigabytes of batches now. Kafka's
        // defaults bound a partition's buffer to 1,000 batches.
        props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, BUFFERED_RECORDS_PER_PARTITION);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS);
        // Records are flow batches of 100-400 KB and their per-server groups: with the defaults (1 MB a partition a
        // fetch, 16 KB producer batches) the stream thread waited on fetch round trips most of a replay. 1M mixed
        // packets, the detector after the replay: 9.2 s with the defaults, 6.0-7.3 s with these (bench/README.md).
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 16 << 20);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 1 << 20);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, settings.deadLetterTopic());
        // Internal topics get the broker's default replication factor (3 on a production cluster, 1 embedded).
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.putAll(settings.kafka());
        return props;
    }

    private static Map<String, Object> adminConfig(final Settings settings) {
        final Map<String, Object> config = new HashMap<>();
        settings.kafka().forEach((k, v) -> config.put(k.toString(), v));
        config.keySet().retainAll(AdminClientConfig.configNames());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return config;
    }

    /**
     * Checks and creates the topics, then starts processing and waits until the app is running.
     *
     * @throws TopicSetup.TopicSetupException if an existing topic does not fit
     * @throws org.ntpguard.schema.registry.SchemaRegistryException if a schema registry is configured and the
     *                                                             schemas cannot be registered there
     */
    public void start(final Duration timeout) throws InterruptedException {
        TopicSetup.ensure(admin, new TopicSetup.Plan(settings.topics(), settings.deadLetterTopic(),
                settings.partitions(), TopicSetup.DEFAULT_RETENTION_BYTES));
        final int flowPartitions = TopicSetup.partitions(admin, settings.topics().flows());
        if (flowPartitions != settings.partitions()) {
            // The per-server windows wait for the progress of every flows partition: they must know how many.
            throw new TopicSetup.TopicSetupException(settings.topics().flows() + " has " + flowPartitions
                    + " partitions, the detector was configured for " + settings.partitions()
                    + " (start it with --partitions " + flowPartitions + ")");
        }
        // A schema registry that cannot be reached stops the start with its reason, not the first alert.
        outputs.register(settings.topics());
        streams.start();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
                    || streams.state() == KafkaStreams.State.PENDING_ERROR) {
                throw new IllegalStateException("the detector stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the detector is not running after " + timeout + ": "
                        + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /** Records sent to the dead-letter topic since start. */
    public long deadLetters() {
        return deadLetters.get();
    }

    /**
     * Entries in this instance's blocklist stores (every partition it holds), or NaN while they cannot be read
     * (starting, rebalancing).
     */
    /** Whether a task of this instance holds a heartbeat back (or the stores cannot be read yet). */
    private boolean holdsHeartbeats() {
        try {
            final ReadOnlyKeyValueStore<Long, ?> held = streams.store(StoreQueryParameters
                    .fromNameAndType(NtpTopology.HELD_HEARTBEAT_STORE, QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<Long, ?> all = held.all()) {
                return all.hasNext();
            }
        } catch (final InvalidStateStoreException e) {
            return true;
        }
    }

    public double blocklistEntries() {
        try {
            final ReadOnlyKeyValueStore<String, BlocklistEntry> store = streams.store(StoreQueryParameters
                    .fromNameAndType(NtpTopology.BLOCKLIST_STORE, QueryableStoreTypes.keyValueStore()));
            long count = 0;
            try (KeyValueIterator<String, BlocklistEntry> all = store.all()) {
                for (; all.hasNext(); all.next()) {
                    count++;
                }
            }
            return count;
        } catch (final InvalidStateStoreException | IllegalStateException notQueryable) {
            // Not running (yet, or any more: stopping): no count rather than a made-up 0.
            return Double.NaN;
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Why this detector should not be relied on yet, or empty when it can: its stream threads run (not starting,
     * rebalancing or failed), its broker answers (within {@link #READY_BROKER_TIMEOUT}: the stream threads stay
     * RUNNING while they retry a broker that is gone) and no input partition lags by more than {@code maxLagRecords}
     * records (the main consumer's {@code records-lag-max}; a flow batch record holds up to 4,096 flows).
     */
    public java.util.Optional<String> notReady(final long maxLagRecords) {
        final KafkaStreams.State state = streams.state();
        final boolean brokerAnswers = state != KafkaStreams.State.RUNNING || brokerAnswers();
        return notReady(state, brokerAnswers, settings.bootstrapServers(), inputLag(), maxLagRecords);
    }

    static java.util.Optional<String> notReady(final KafkaStreams.State state, final boolean brokerAnswers,
                                               final String bootstrapServers, final double lag,
                                               final long maxLagRecords) {
        if (state != KafkaStreams.State.RUNNING) {
            return java.util.Optional.of("stream threads " + state);
        }
        if (!brokerAnswers) {
            return java.util.Optional.of("broker " + bootstrapServers + " did not answer within "
                    + READY_BROKER_TIMEOUT.toSeconds() + " s");
        }
        if (lag > maxLagRecords) {
            return java.util.Optional.of("input lag " + Math.round(lag) + " records (ready at " + maxLagRecords
                    + " or less)");
        }
        return java.util.Optional.empty();
    }

    /** Whether a broker of the cluster answers a request now, within {@link #READY_BROKER_TIMEOUT}. */
    private boolean brokerAnswers() {
        final int millis = (int) READY_BROKER_TIMEOUT.toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
                    .get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (final ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The largest lag of any input partition in records, from the stream threads' consumers (not restoration). */
    private double inputLag() {
        double lag = 0;
        for (final org.apache.kafka.common.Metric metric : streams.metrics().values()) {
            final org.apache.kafka.common.MetricName name = metric.metricName();
            if (name.name().equals("records-lag-max") && name.group().equals("consumer-fetch-manager-metrics")
                    && !name.tags().getOrDefault("client-id", "").contains("restore")
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                lag = Math.max(lag, value);
            }
        }
        return lag;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * The topics the app consumes, upstream first: the input topics, then its repartition topics in topology order.
     * A record the app writes to a repartition topic is committed in the same transaction as the input offset that
     * caused it, so checking in this order sees every consequence of what was checked before.
     */
    List<String> sourceTopics() {
        return topologyTopics(node -> node instanceof TopologyDescription.Source source && source.topicSet() != null
                ? source.topicSet() : Set.of());
    }

    /** The topics the app's sinks write: its outputs and its repartition topics. */
    List<String> writtenTopics() {
        return topologyTopics(node -> node instanceof TopologyDescription.Sink sink && sink.topic() != null
                ? Set.of(sink.topic()) : Set.of());
    }

    /** The topics that nodes name, in topology order, repartition topics under their full (application id) name. */
    private List<String> topologyTopics(final Function<TopologyDescription.Node, Set<String>> topicsOfNode) {
        final Set<String> topics = new LinkedHashSet<>();
        for (final TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (final TopologyDescription.Node node : sub.nodes()) {
                for (final String topic : topicsOfNode.apply(node)) {
                    topics.add(topic.endsWith("-repartition") ? settings.applicationId() + "-" + topic : topic);
                }
            }
        }
        return new ArrayList<>(topics);
    }

    /**
     * Waits until no consumable record is left beyond the app's committed offsets on any topic it reads (input and
     * repartition topics), in one pass upstream to downstream, and no task holds a heartbeat back. With exactly-once
     * the output of a processed record is committed with its offset, so at that point every alert and blocklist
     * entry of the input is readable. A heartbeat read (its offset committed) but held for packets not read yet has
     * not closed its windows: that happens only after a task started over, and it is let go within a minute.
     *
     * @return whether it caught up before the timeout
     */
    public boolean awaitCaughtUp(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final List<String> topics = sourceTopics();
        final Map<String, Object> config = adminConfig(settings);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A partition whose last offsets are transaction markers has nothing to fetch: with the default 500 ms the
        // broker holds each such probe that long, and a check of every topic took over a second.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        config.keySet().retainAll(ConsumerConfig.configNames());
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            // With transactions, the group's committed offsets can be readable an instant before the markers that
            // make the same transaction's output readable downstream, and for that instant a downstream topic looks
            // consumed to its end (seen in CI: a report read with 1 of 72 alerts counted). So the topics written
            // must also have no open transaction: every marker is down.
            final List<String> written = writtenTopics();
            while (System.nanoTime() < deadline) {
                if (caughtUp(topics, probe, deadline) && !holdsHeartbeats() && settled(written, deadline)) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        } catch (final ExecutionException e) {
            throw new IllegalStateException("reading offsets: " + e.getCause().getMessage(), e.getCause());
        } catch (final java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Whether no transaction is open on any partition of the topics: the last stable offset has reached the end
     * of the log, so a read-committed reader sees everything written there.
     */
    private boolean settled(final List<String> topics, final long deadline)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> stable =
                endOffsets(topics, IsolationLevel.READ_COMMITTED, deadline);
        for (final var end : endOffsets(topics, IsolationLevel.READ_UNCOMMITTED, deadline).entrySet()) {
            if (stable.get(end.getKey()).offset() < end.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    /** Every partition's end as a reader of that isolation level sees it: the last stable offset, or the log end. */
    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> endOffsets(final List<String> topics,
            final IsolationLevel isolation, final long deadline)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        final long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (final var description : admin.describeTopics(topics).allTopicNames().get(wait, TimeUnit.MILLISECONDS)
                .values()) {
            for (int p = 0; p < description.partitions().size(); p++) {
                latest.put(new TopicPartition(description.name(), p), OffsetSpec.latest());
            }
        }
        return admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get(wait, TimeUnit.MILLISECONDS);
    }

    private boolean caughtUp(final List<String> topics, final KafkaConsumer<byte[], byte[]> probe,
                             final long deadline)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        final long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        final Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(settings.applicationId()).partitionsToOffsetAndMetadata()
                .get(wait, TimeUnit.MILLISECONDS);
        for (final String topic : topics) {
            for (final var end : endOffsets(List.of(topic), IsolationLevel.READ_COMMITTED, deadline).entrySet()) {
                final OffsetAndMetadata done = committed.get(end.getKey());
                final long from = done == null ? 0 : done.offset();
                if (from < end.getValue().offset() && hasRecords(probe, end.getKey(), from,
                        end.getValue().offset(), deadline)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether a read-committed consumer finds a record in [from, end): offsets there may be only transaction
     * markers, which the app never commits past until it reads a record after them.
     */
    private static boolean hasRecords(final KafkaConsumer<byte[], byte[]> probe, final TopicPartition partition,
                                      final long from, final long end, final long deadline) {
        probe.assign(List.of(partition));
        probe.seek(partition, from);
        while (System.nanoTime() < deadline) {
            if (!probe.poll(Duration.ofMillis(10)).isEmpty()) {
                return true;
            }
            if (probe.position(partition) >= end) {
                return false;
            }
        }
        return true;
    }

    /** The detector's meters, for what a report reads of them (late flows). */
    public DetectorMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(final Duration timeout) {
        try {
            streams.close(timeout);
        } finally {
            metrics.close();
            admin.close(Duration.ofSeconds(5));
        }
    }
}
