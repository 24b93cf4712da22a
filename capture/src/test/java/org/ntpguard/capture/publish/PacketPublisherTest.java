package org.ntpguard.capture.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.LateListener;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;

/** The publisher against a real single-node KRaft broker ({@link TestBroker}), and against none. */
class PacketPublisherTest {

    private static final Path KOD_STORM = Path.of("c_kod_storm.pcap");

    @Test
    void shouldPublishEveryDecodedPacketKeyedByClientAtCaptureTimeThenAHeartbeatOnEveryPartition() throws IOException {
        final Path file = SharedMaterial.scenarios().resolve(KOD_STORM);
        final SensorTopics topics = topics(4, 3);
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();

        final PacketPublisher publisher = PacketPublisher.create(config(TestBroker.bootstrapServers()), "test",
                topics, PacketPublisher.DEFAULT_QUEUE_CAPACITY, PacketPublisher.Overflow.WAIT, null);
        replay(file, publisher);
        final long endTs = publisher.heartbeatAfterReplay();
        publisher.close();

        assertThat(decoded).isNotEmpty();
        assertThat(publisher.stats()).isEqualTo(new PublishStats(decoded.size(), 0, Map.of(), 0, 3, 0));
        final List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readAll(topics.packets());
        assertThat(records).hasSize(decoded.size());
        final List<NtpPacket> published = records.stream()
                .sorted(Comparator.comparingLong(ConsumerRecord::timestamp))
                .map(r -> {
                    final NtpPacket packet = SingleObjectSerde.ntpPacket().deserializer().deserialize(r.topic(), r.value());
                    assertThat(ByteBuffer.wrap(r.key())).isEqualTo(packet.getClientAddr());
                    assertThat(r.key().length).isIn(4, 16);
                    assertThat(r.timestamp()).isEqualTo(Math.floorDiv(packet.getTs(), 1_000_000L));
                    return packet;
                })
                .sorted(Comparator.comparingLong(NtpPacket::getTs).thenComparingLong(NtpPacket::getFrame))
                .toList();
        assertThat(published).containsExactlyElementsOf(decoded.stream()
                .sorted(Comparator.comparingLong(NtpPacket::getTs).thenComparingLong(NtpPacket::getFrame)).toList());
        final long lastTs = decoded.stream().mapToLong(NtpPacket::getTs).max().orElseThrow();
        assertThat(endTs).isEqualTo(lastTs + Duration.ofHours(1).toNanos());
        // Each heartbeat names the last packet on every packets partition (-1 where none went).
        final List<Long> lastOffsets = new java.util.ArrayList<>(List.of(-1L, -1L, -1L, -1L));
        records.forEach(r -> lastOffsets.set(r.partition(), Math.max(lastOffsets.get(r.partition()), r.offset())));
        while (lastOffsets.get(lastOffsets.size() - 1) == -1L) {
            lastOffsets.remove(lastOffsets.size() - 1);
        }
        final List<ConsumerRecord<byte[], byte[]>> beats = TestBroker.readAll(topics.heartbeats());
        assertThat(beats).extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(beats).allSatisfy(r -> {
            final SensorHeartbeat beat =
                    SingleObjectSerde.sensorHeartbeat().deserializer().deserialize(r.topic(), r.value());
            assertThat(beat.getTs()).isEqualTo(endTs);
            assertThat(beat.getPacketOffsets()).isNotEmpty().isEqualTo(lastOffsets);
            assertThat(beat.getSensor()).isEqualTo("test");
            assertThat(r.timestamp()).isEqualTo(endTs / 1_000_000L);
        });
    }

    @Test
    void shouldDropAndCountWhenTheQueueIsFullInsteadOfBlockingTheCaptureThread() throws Exception {
        final int capacity = 1_000;
        final Properties config = config(closedPort());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
        final PacketPublisher publisher = PacketPublisher.create(config, "test", topics(1, 1), capacity,
                PacketPublisher.Overflow.DROP, null);
        final NtpPacket event = SharedMaterial.decode(SharedMaterial.scenarios().resolve(KOD_STORM)).packets().get(0);
        // The first event goes into the publisher thread's hands, where it waits for metadata that never comes.
        publisher.offer(event);
        awaitEmptyQueue(publisher);

        final int offered = 5 * capacity;
        long slowest = 0;
        int accepted = 0;
        for (int i = 0; i < offered; i++) {
            final long start = System.nanoTime();
            accepted += publisher.offer(event) ? 1 : 0;
            slowest = Math.max(slowest, System.nanoTime() - start);
        }

        assertThat(accepted).isEqualTo(capacity);
        assertThat(publisher.stats().dropped()).isEqualTo(offered - capacity);
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(100));
        publisher.close(Duration.ofMillis(200));
        assertThat(publisher.stats().unsent()).isEqualTo(capacity + 1);
        assertThat(publisher.stats().published()).isZero();
    }

    @Test
    void shouldPublishEverythingQueuedWhileTheBrokerWasUnreachableOnceItIsUp() throws Exception {
        final Path file = SharedMaterial.scenarios().resolve(KOD_STORM);
        final SensorTopics topics = topics(2, 2);
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();
        try (LateListener broker = new LateListener()) {
            final Properties config = config(broker.bootstrapServers());
            // Metadata waits time out and are retried several times while nothing listens.
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300");
            config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
            assertThat(BrokerProbe.reachable(config, Duration.ofMillis(500))).isFalse();
            final PacketPublisher publisher = PacketPublisher.create(config, "test", topics,
                    PacketPublisher.DEFAULT_QUEUE_CAPACITY, PacketPublisher.Overflow.DROP, null);

            replay(file, publisher);
            publisher.heartbeatAfterReplay();
            Thread.sleep(2_000);
            assertThat(publisher.stats().published()).isZero();
            assertThat(publisher.queued()).isEqualTo(decoded.size() - 1 + 1); // one in hand, the heartbeat queued
            broker.open();
            assertThat(BrokerProbe.reachable(config, Duration.ofSeconds(5))).isTrue();
            publisher.close(Duration.ofSeconds(60));

            assertThat(publisher.stats()).isEqualTo(new PublishStats(decoded.size(), 0, Map.of(), 0, 2, 0));
            assertThat(TestBroker.readAll(topics.packets())).hasSize(decoded.size());
        }
    }

    private static void replay(final Path file, final PacketPublisher publisher) throws IOException {
        final ProblemLog problems = new ProblemLog(new PrintWriter(new StringWriter(), true));
        try (CaptureReader reader = CaptureFiles.open(file, problems)) {
            new CaptureSession(new DecodeStats(), problems).run(reader, publisher, Long.MAX_VALUE);
        }
    }

    private static SensorTopics topics(final int packetPartitions, final int heartbeatPartitions) {
        final SensorTopics topics = new SensorTopics(TestBroker.uniqueTopic("ntp.packets"),
                TestBroker.uniqueTopic("ntp.heartbeats"));
        if (packetPartitions > 0) {
            TestBroker.createTopics(topics.packets(), packetPartitions, topics.heartbeats(), heartbeatPartitions);
        }
        return topics;
    }

    private static Properties config(final String bootstrap) {
        return PacketPublisher.producerConfig(bootstrap, new Properties());
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static void awaitEmptyQueue(final PacketPublisher publisher) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (publisher.queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(publisher.queued()).isZero();
    }
}
