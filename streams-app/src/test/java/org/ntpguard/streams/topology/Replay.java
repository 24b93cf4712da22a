package org.ntpguard.streams.topology;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.config.TopicNames;

/**
 * Publishes capture files through the sensor's own code ({@link FlowPublisher}), or flow batches made by it
 * ({@link SensorFlows}) as a sensor publishes them (key sensor name, partition by client, timestamp the batch's
 * latest lastSeen), and reads topics back.
 */
final class Replay {

    private Replay() {
    }

    static TopicNames uniqueTopics() {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        return new TopicNames("ntp.flows-" + run, "ntp.packets-" + run, "ntp.heartbeats-" + run,
                "ntp.alerts-" + run, "ntp.blocklist-" + run,
                "ntp.incidents-" + run);
    }

    static KafkaProducer<byte[], byte[]> producer(final String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static ProducerRecord<byte[], byte[]> record(final String topic, final FlowBatches.Partitioned batch) {
        return new ProducerRecord<>(topic, batch.partition(), FlowBatches.timestamp(batch.batch()),
                batch.batch().getSensor().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                SingleObjectSerde.ntpFlowBatch().serializer().serialize(topic, batch.batch()));
    }

    /**
     * Replays a capture file into the topics as {@code ntpguard sensor --read} does: the capture module's session
     * decodes it and its flow publisher sends the flow batches, then the end-of-replay heartbeat.
     */
    static PublishStats sensorReplay(final String bootstrap, final TopicNames topics, final Path file)
            throws IOException {
        final StringWriter problems = new StringWriter();
        final ProblemLog log = new ProblemLog(new PrintWriter(problems, true));
        final FlowPublisher publisher = FlowPublisher.create(FlowPublisher.producerConfig(bootstrap,
                        new Properties()), "test", new SensorTopics(topics.flows(), topics.packets(),
                        topics.heartbeats()), FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null,
                FlowOptions.defaults());
        try (CaptureReader reader = CaptureFiles.open(file, log)) {
            new CaptureSession(new DecodeStats(), log).run(reader, publisher, Long.MAX_VALUE);
            publisher.heartbeatAfterReplay();
        } finally {
            publisher.close();
        }
        return publisher.stats();
    }

    /**
     * Publishes the flows of one or several sensors (merged in time, see {@link SensorFlows#byTime}) as the
     * sensors would, then a heartbeat one hour after the last on every heartbeat partition.
     */
    static void publish(final String bootstrap, final TopicNames topics, final List<SensorFlows.Interval> flows)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            send(producer, topics, flows);
            endOfCapture(producer, topics, lastMillis(flows));
        }
    }

    /** Sends the flows' batches, each to its client's partition. */
    static void send(final KafkaProducer<byte[], byte[]> producer, final TopicNames topics,
                     final List<SensorFlows.Interval> flows) {
        final int partitions = producer.partitionsFor(topics.flows()).size();
        for (final FlowBatches.Partitioned batch : SensorFlows.batches(flows, partitions)) {
            producer.send(record(topics.flows(), batch));
        }
    }

    static long lastMillis(final List<SensorFlows.Interval> flows) {
        return flows.stream().flatMap(i -> i.flows().flows().stream()).mapToLong(f -> f.getLastSeen()).max()
                .orElse(0);
    }

    static void endOfCapture(final KafkaProducer<byte[], byte[]> producer, final TopicNames topics,
                             final long lastMillis) throws Exception {
        final long end = lastMillis + 3_600_000L;
        producer.flush();
        // As a sensor does: the last batch's offset on each flows partition (all acknowledged after the flush).
        final List<Long> flowOffsets = new ArrayList<>();
        for (final long endOffset : endOffsets(topics.flows())) {
            flowOffsets.add(endOffset - 1);
        }
        for (final PartitionInfo partition : producer.partitionsFor(topics.heartbeats())) {
            producer.send(new ProducerRecord<>(topics.heartbeats(), partition.partition(), end, new byte[] {0},
                    SingleObjectSerde.sensorHeartbeat().serializer().serialize(topics.heartbeats(),
                            new SensorHeartbeat("test", end * 1_000_000L, List.of(), flowOffsets)))).get();
        }
    }

    /** Every committed record of the topic, from the beginning to its current end. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(final String bootstrap, final String topic) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** The end offset of each partition of the topic, by partition number. */
    private static List<Long> endOffsets(final String topic) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedBroker.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            return partitions.stream().map(ends::get).toList();
        }
    }

    static Properties none() {
        return new Properties();
    }
}
