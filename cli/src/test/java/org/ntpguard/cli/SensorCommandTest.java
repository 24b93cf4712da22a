package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.LateListener;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import picocli.CommandLine;

/** {@code ntpguard sensor --read} against the shared single-node KRaft test broker. */
class SensorCommandTest {

    private final StringWriter err = new StringWriter();

    private int run(final String... args) {
        final CommandLine commandLine = NtpGuardCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String[] topics() {
        final String packets = TestBroker.uniqueTopic("ntp.packets");
        final String heartbeats = TestBroker.uniqueTopic("ntp.heartbeats");
        TestBroker.createTopics(packets, 3, heartbeats, 3);
        return new String[] {packets, heartbeats};
    }

    @Test
    void shouldPublishWhatDecodeEmitsKeyedByClientAtCaptureTimeAndAHeartbeatOnEveryPartition() throws Exception {
        final Path file = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();
        final String[] topics = topics();

        final int status = run("sensor", "--read", file.toString(), "--bootstrap-servers",
                TestBroker.bootstrapServers(), "--sensor", "test", "--packets-topic", topics[0],
                "--heartbeats-topic", topics[1]);

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(err.toString()).contains("NTP datagrams " + decoded.size(),
                "published " + decoded.size() + ", dropped (queue full) 0, send errors 0");
        final List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readAll(topics[0]);
        final List<NtpPacket> published = records.stream().map(r -> {
            final NtpPacket packet = SingleObjectSerde.ntpPacket().deserializer().deserialize(r.topic(), r.value());
            assertThat(ByteBuffer.wrap(r.key())).isEqualTo(packet.getClientAddr());
            assertThat(r.timestamp()).isEqualTo(packet.getTs() / 1_000_000L);
            return packet;
        }).toList();
        assertThat(published).containsExactlyInAnyOrderElementsOf(decoded);
        final long lastTs = decoded.stream().mapToLong(NtpPacket::getTs).max().orElseThrow();
        final List<ConsumerRecord<byte[], byte[]>> beats = TestBroker.readAll(topics[1]);
        assertThat(beats).extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(beats).extracting(r -> SingleObjectSerde.sensorHeartbeat().deserializer()
                .deserialize(r.topic(), r.value())).extracting(SensorHeartbeat::getTs)
                .containsOnly(lastTs + Duration.ofHours(1).toNanos());
    }

    @Test
    void shouldSayInOneLineThatTheBrokerIsUnreachableThenPublishEverythingOnceItIsUp() throws Exception {
        final Path file = SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap");
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();
        final String[] topics = topics();
        try (LateListener broker = new LateListener()) {
            final CompletableFuture<Integer> sensor = CompletableFuture.supplyAsync(() -> run("sensor", "--read",
                    file.toString(), "--bootstrap-servers", broker.bootstrapServers(), "--packets-topic", topics[0],
                    "--heartbeats-topic", topics[1]));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err.toString().contains("not reachable") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000);
            assertThat(sensor).isNotDone();
            broker.open();
            final int status = sensor.get(60, TimeUnit.SECONDS);

            assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
            assertThat(err.toString().lines().filter(line -> line.contains("not reachable")).toList())
                    .containsExactly("ntpguard sensor: broker " + broker.bootstrapServers()
                            + " not reachable; retrying (packets are queued, up to 65536)");
            assertThat(err.toString()).contains("published " + decoded.size() + ", dropped (queue full) 0");
            assertThat(TestBroker.readAll(topics[0])).hasSize(decoded.size());
        }
    }

    @Test
    void shouldRefuseAQueueOfNothing() {
        final int status = run("sensor", "--read", "x.pcap", "--bootstrap-servers", "127.0.0.1:9", "--queue", "0");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("--queue: 0 (expected: 1 or more)");
    }
}
