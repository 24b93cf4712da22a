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
import org.ntpguard.capture.publish.PacketPublisher;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.config.TopicNames;

/**
 * Publishes capture files through the sensor's own code, or single records as a sensor does (key client address,
 * timestamp capture time), and reads topics back.
 */
final class Replay {

    private Replay() {
    }

    static TopicNames uniqueTopics() {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        return new TopicNames("ntp.packets-" + run, "ntp.heartbeats-" + run, "ntp.alerts-" + run,
                "ntp.blocklist-" + run);
    }

    static KafkaProducer<byte[], byte[]> producer(final String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static ProducerRecord<byte[], byte[]> record(final String topic, final NtpPacket packet) {
        return new ProducerRecord<>(topic, null, millis(packet), bytes(packet.getClientAddr()),
                SingleObjectSerde.ntpPacket().serializer().serialize(topic, packet));
    }

    static long millis(final NtpPacket packet) {
        return Math.floorDiv(packet.getTs(), 1_000_000L);
    }

    /**
     * Replays a capture file into the topics as {@code ntpguard sensor --read} does: the capture module's session
     * decodes it and its publisher sends every datagram, then the end-of-replay heartbeat.
     */
    static PublishStats sensorReplay(final String bootstrap, final TopicNames topics, final Path file)
            throws IOException {
        final StringWriter problems = new StringWriter();
        final ProblemLog log = new ProblemLog(new PrintWriter(problems, true));
        final PacketPublisher publisher = PacketPublisher.create(PacketPublisher.producerConfig(bootstrap,
                        new Properties()), "test", new SensorTopics(topics.packets(), topics.heartbeats()),
                PacketPublisher.DEFAULT_QUEUE_CAPACITY, PacketPublisher.Overflow.WAIT, null);
        try (CaptureReader reader = CaptureFiles.open(file, log)) {
            new CaptureSession(new DecodeStats(), log).run(reader, publisher, Long.MAX_VALUE);
            publisher.heartbeatAfterReplay();
        } finally {
            publisher.close();
        }
        return publisher.stats();
    }

    /**
     * Publishes packets merged from several captures as a sensor would (key, timestamp), then a heartbeat one hour
     * after the last on every heartbeat partition. For one capture file, {@link #sensorReplay} uses the sensor's code.
     */
    static void publish(final String bootstrap, final TopicNames topics, final List<NtpPacket> packets)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (final NtpPacket packet : packets) {
                producer.send(record(topics.packets(), packet));
            }
            producer.flush();
            endOfCapture(producer, topics, packets.stream().mapToLong(Replay::millis).max().orElse(0));
        }
    }

    static void endOfCapture(final KafkaProducer<byte[], byte[]> producer, final TopicNames topics,
                             final long lastMillis) throws Exception {
        final long end = lastMillis + 3_600_000L;
        producer.flush();
        // As a sensor does: the last packet's offset on each packets partition (all acknowledged after the flush).
        final List<Long> packetOffsets = new ArrayList<>();
        for (final long endOffset : endOffsets(topics.packets())) {
            packetOffsets.add(endOffset - 1);
        }
        for (final PartitionInfo partition : producer.partitionsFor(topics.heartbeats())) {
            producer.send(new ProducerRecord<>(topics.heartbeats(), partition.partition(), end, new byte[] {0},
                    SingleObjectSerde.sensorHeartbeat().serializer().serialize(topics.heartbeats(),
                            new SensorHeartbeat("test", end * 1_000_000L, packetOffsets)))).get();
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

    private static byte[] bytes(final java.nio.ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
