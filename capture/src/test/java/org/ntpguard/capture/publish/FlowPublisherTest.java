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
import java.util.ArrayList;
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
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.flow.FlowInterval;
import org.ntpguard.capture.flow.Packets;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;

/** The publisher against a real single-node KRaft broker ({@link TestBroker}), and against none. */
class FlowPublisherTest {

    private static final Path KOD_STORM = Path.of("c_kod_storm.pcap");

    @Test
    void shouldPublishTheFlowsOfEveryPacketOnTheirClientsPartitionThenAHeartbeatOnEveryPartition()
            throws IOException {
        final Path file = SharedMaterial.scenarios().resolve(KOD_STORM);
        final SensorTopics topics = topics(4, 3);
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();
        final List<FlowInterval> expected = new ArrayList<>();
        final FlowCombiner reference = new FlowCombiner(Duration.ofSeconds(1), 100_000, expected::add);
        replay(file, reference);
        reference.flush(expected::add);

        final FlowPublisher publisher = FlowPublisher.create(config(TestBroker.bootstrapServers()), "test",
                topics, FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null,
                FlowOptions.defaults());
        replay(file, publisher);
        final long endTs = publisher.heartbeatAfterReplay();
        publisher.close();

        final long flows = expected.stream().mapToLong(i -> i.flows().size()).sum();
        assertThat(decoded).isNotEmpty();
        // The storm's client asks once a second: a request and its answer make one flow of each interval.
        assertThat(flows).isLessThan(decoded.size());
        final List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readAll(topics.flows());
        assertThat(publisher.stats()).isEqualTo(new PublishStats(decoded.size(), 0, Map.of(), 0, 3, 0, flows,
                records.size(), 0));
        final List<NtpFlow> published = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            final NtpFlowBatch batch = SingleObjectSerde.ntpFlowBatch().deserializer().deserialize(record.topic(),
                    record.value());
            assertThat(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("test");
            assertThat(batch.getSensor()).isEqualTo("test");
            assertThat(record.timestamp()).isEqualTo(FlowBatches.timestamp(batch));
            assertThat(batch.getFlows()).allSatisfy(flow -> {
                assertThat(FlowBatches.partition(flow.getClient(), 4)).isEqualTo(record.partition());
                assertThat(flow.getFirstSeen()).isGreaterThanOrEqualTo(batch.getIntervalStart())
                        .isLessThan(batch.getIntervalStart() + batch.getIntervalMillis());
            });
            published.addAll(batch.getFlows());
        }
        final Comparator<NtpFlow> order = Comparator.comparingLong(NtpFlow::getFirstSeen)
                .thenComparing(f -> org.ntpguard.schema.text.IpText.append(new StringBuilder(), f.getClient())
                        .append(' ').append(org.ntpguard.schema.text.IpText.append(new StringBuilder(), f.getServer()))
                        .toString());
        assertThat(published.stream().sorted(order).toList()).containsExactlyElementsOf(
                expected.stream().flatMap(i -> i.flows().stream()).sorted(order).toList());
        assertThat(TestBroker.readAll(topics.packets())).isEmpty(); // the forensic feed is off by default
        final long lastTs = decoded.stream().mapToLong(NtpPacket::getTs).max().orElseThrow();
        assertThat(endTs).isEqualTo(lastTs + Duration.ofHours(1).toNanos());
        // Each heartbeat names the last batch on every flows partition (-1 where none went).
        final List<Long> lastOffsets = new ArrayList<>(List.of(-1L, -1L, -1L, -1L));
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
            assertThat(beat.getFlowOffsets()).isNotEmpty().isEqualTo(lastOffsets);
            assertThat(beat.getPacketOffsets()).isEmpty();
            assertThat(beat.getSensor()).isEqualTo("test");
            assertThat(r.timestamp()).isEqualTo(endTs / 1_000_000L);
        });
    }

    @Test
    void shouldAlsoPublishEveryPacketWhenAskedForTheForensicFeed() throws IOException {
        final Path file = SharedMaterial.scenarios().resolve(KOD_STORM);
        final SensorTopics topics = topics(2, 1);
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();
        final FlowPublisher publisher = FlowPublisher.create(config(TestBroker.bootstrapServers()), "test",
                topics, FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null,
                FlowOptions.defaults().withPublishPackets(true));
        replay(file, publisher);
        publisher.heartbeatAfterReplay();
        publisher.close();

        assertThat(publisher.stats().published()).isEqualTo(decoded.size());
        assertThat(publisher.stats().packetRecords()).isEqualTo(decoded.size());
        final List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readAll(topics.packets());
        final List<NtpPacket> published = records.stream()
                .map(r -> {
                    final NtpPacket packet = SingleObjectSerde.ntpPacket().deserializer().deserialize(r.topic(),
                            r.value());
                    assertThat(ByteBuffer.wrap(r.key())).isEqualTo(packet.getClientAddr());
                    assertThat(r.timestamp()).isEqualTo(Math.floorDiv(packet.getTs(), 1_000_000L));
                    return packet;
                })
                .sorted(Comparator.comparingLong(NtpPacket::getTs).thenComparingLong(NtpPacket::getFrame))
                .toList();
        assertThat(published).containsExactlyElementsOf(decoded.stream()
                .sorted(Comparator.comparingLong(NtpPacket::getTs).thenComparingLong(NtpPacket::getFrame)).toList());
        final SensorHeartbeat beat = SingleObjectSerde.sensorHeartbeat().deserializer().deserialize("",
                TestBroker.readAll(topics.heartbeats()).get(0).value());
        assertThat(beat.getPacketOffsets()).isNotEmpty();
    }

    @Test
    void shouldDropAndCountWhenTheQueueIsFullInsteadOfBlockingTheCaptureThread() throws Exception {
        final int capacity = 10;
        final Properties config = config(closedPort());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
        final FlowPublisher publisher = FlowPublisher.create(config, "test", topics(0, 0), capacity,
                FlowPublisher.Overflow.DROP, null, FlowOptions.defaults().withInterval(Duration.ofMillis(100)));
        final Packets packets = new Packets();
        // Each packet starts a new interval and closes the one before: one queued item each. The first goes into
        // the publisher thread's hands, where it waits for metadata that never comes.
        publisher.accept(packets.request("192.0.2.1", "198.51.100.1", 1_000));
        publisher.accept(packets.request("192.0.2.1", "198.51.100.1", 1_100));
        awaitEmptyQueue(publisher);

        final int offered = 5 * capacity;
        long slowest = 0;
        for (int i = 0; i < offered; i++) {
            final long start = System.nanoTime();
            publisher.accept(packets.request("192.0.2.1", "198.51.100.1", 1_200 + 100L * i));
            slowest = Math.max(slowest, System.nanoTime() - start);
        }

        // 1 in hand, 10 queued, 40 dropped, the last packet still held in its open interval.
        assertThat(publisher.stats().dropped()).isEqualTo(offered - capacity);
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(100));
        publisher.close(Duration.ofMillis(200));
        assertThat(publisher.stats().unsent()).isEqualTo(capacity + 2);
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
            final FlowPublisher publisher = FlowPublisher.create(config, "test", topics,
                    FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.DROP, null, FlowOptions.defaults());

            replay(file, publisher);
            publisher.heartbeatAfterReplay();
            Thread.sleep(2_000);
            assertThat(publisher.stats().published()).isZero();
            assertThat(publisher.queued()).isPositive();
            broker.open();
            assertThat(BrokerProbe.reachable(config, Duration.ofSeconds(5))).isTrue();
            publisher.close(Duration.ofSeconds(60));

            assertThat(publisher.stats().published()).isEqualTo(decoded.size());
            assertThat(publisher.stats().sendErrors()).isEmpty();
            assertThat(publisher.stats().heartbeats()).isEqualTo(2);
            assertThat(TestBroker.readAll(topics.flows()).stream()
                    .map(r -> SingleObjectSerde.ntpFlowBatch().deserializer().deserialize(r.topic(), r.value()))
                    .mapToLong(FlowBatches::packets).sum()).isEqualTo(decoded.size());
        }
    }

    private static void replay(final Path file, final org.ntpguard.capture.session.PacketSink sink)
            throws IOException {
        final ProblemLog problems = new ProblemLog(new PrintWriter(new StringWriter(), true));
        try (CaptureReader reader = CaptureFiles.open(file, problems)) {
            new CaptureSession(new DecodeStats(), problems).run(reader, sink, Long.MAX_VALUE);
        }
    }

    private static SensorTopics topics(final int flowPartitions, final int heartbeatPartitions) {
        final SensorTopics topics = new SensorTopics(TestBroker.uniqueTopic("ntp.flows"),
                TestBroker.uniqueTopic("ntp.packets"), TestBroker.uniqueTopic("ntp.heartbeats"));
        if (flowPartitions > 0) {
            TestBroker.createTopics(topics.flows(), flowPartitions, topics.heartbeats(), heartbeatPartitions);
            TestBroker.createTopics(topics.packets(), flowPartitions);
        }
        return topics;
    }

    private static Properties config(final String bootstrap) {
        return FlowPublisher.producerConfig(bootstrap, new Properties());
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static void awaitEmptyQueue(final FlowPublisher publisher) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (publisher.queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(publisher.queued()).isZero();
    }
}
