package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.LateListener;
import org.ntpguard.capture.PrometheusText;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;

/** {@code ntpguard sensor}, replaying and live on {@code lo}, against the shared single-node KRaft test broker. */
class SensorCommandTest {

    private final CommandRun command = new CommandRun();
    private final StringWriter err = command.err;

    private int run(final String... args) {
        return command.run(args);
    }

    /** Packets, heartbeats and flows topics, three partitions each. */
    private static String[] topics() {
        final String packets = TestBroker.uniqueTopic("ntp.packets");
        final String heartbeats = TestBroker.uniqueTopic("ntp.heartbeats");
        final String flows = TestBroker.uniqueTopic("ntp.flows");
        TestBroker.createTopics(packets, 3, heartbeats, 3, flows, 3);
        return new String[] {packets, heartbeats, flows};
    }

    /** The datagrams in the flows on {@code topic}. */
    private static long flowPackets(final String topic) {
        return TestBroker.readAll(topic).stream()
                .map(r -> SingleObjectSerde.ntpFlowBatch().deserializer().deserialize(r.topic(), r.value()))
                .mapToLong(FlowBatches::packets).sum();
    }

    @Test
    void shouldPublishWhatDecodeEmitsKeyedByClientAtCaptureTimeAndAHeartbeatOnEveryPartition() throws Exception {
        final Path file = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final List<NtpPacket> decoded = SharedMaterial.decode(file).packets();
        final String[] topics = topics();

        final int status = run("sensor", "--read", file.toString(), "--bootstrap-servers",
                TestBroker.bootstrapServers(), "--sensor", "test", "--packets-topic", topics[0],
                "--heartbeats-topic", topics[1], "--flows-topic", topics[2], "--publish-packets", "--no-http");

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(err.toString()).contains("NTP datagrams " + decoded.size(), "published " + decoded.size() + " (",
                decoded.size() + " packet records), dropped (queue full) 0, send errors 0");
        assertThat(flowPackets(topics[2])).isEqualTo(decoded.size());
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
                    "--heartbeats-topic", topics[1], "--flows-topic", topics[2], "--no-http"));
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
            assertThat(err.toString()).contains("published " + decoded.size() + " (", "dropped (queue full) 0");
            assertThat(flowPackets(topics[2])).isEqualTo(decoded.size());
            assertThat(TestBroker.readAll(topics[0])).isEmpty(); // no forensic feed unless asked
        }
    }

    @Test
    void shouldPublishLiveDatagramsKeyedByClientAtCaptureTimeWithHeartbeatsAndFlushOnStop() throws Exception {
        final String[] topics = topics();
        final int burst = 200;
        try (LoopbackNtp ntp = new LoopbackNtp()) {
            final CompletableFuture<Integer> sensor = CompletableFuture.supplyAsync(() -> command.run("sensor",
                    "-i", "lo", "--filter", ntp.filter(), "--bootstrap-servers", TestBroker.bootstrapServers(),
                    "--sensor", "lo-test", "--packets-topic", topics[0], "--heartbeats-topic", topics[1],
                    "--flows-topic", topics[2], "--publish-packets", "--no-http"));
            LoopbackNtp.await("capture start", () -> err.toString().contains("capturing on lo"), sensor,
                    Duration.ofSeconds(30), err);
            final long before = System.currentTimeMillis();
            ntp.send(LoopbackNtp.CLIENT_REQUEST);
            ntp.send(LoopbackNtp.MONLIST_REQUEST);
            final long after = System.currentTimeMillis();

            LoopbackNtp.await("both datagrams in " + topics[0], () -> TestBroker.readAll(topics[0]).size() == 2,
                    sensor, Duration.ofSeconds(30), err);
            LoopbackNtp.await("a heartbeat", () -> !TestBroker.readAll(topics[1]).isEmpty(), sensor,
                    Duration.ofSeconds(30), err);
            final List<ConsumerRecord<byte[], byte[]>> first = TestBroker.readAll(topics[0]);
            assertThat(first).allSatisfy(record -> {
                final NtpPacket packet = SingleObjectSerde.ntpPacket().deserializer()
                        .deserialize(record.topic(), record.value());
                assertThat(record.key()).containsExactly(127, 0, 0, 1);
                assertThat(packet.getSport()).isEqualTo(ntp.sourcePort());
                assertThat(record.timestamp()).isEqualTo(Math.floorDiv(packet.getTs(), 1_000_000L))
                        .isBetween(before, after);
            });
            assertThat(first).extracting(record -> SingleObjectSerde.ntpPacket().deserializer()
                    .deserialize(record.topic(), record.value()).getMode()).containsExactlyInAnyOrder(3, 7);
            assertThat(TestBroker.readAll(topics[1])).allSatisfy(record -> assertThat(SingleObjectSerde
                    .sensorHeartbeat().deserializer().deserialize(record.topic(), record.value()).getSensor())
                    .isEqualTo("lo-test"));

            // A burst, then at once what SIGTERM does: whatever the capture took before it stopped is published.
            for (int i = 0; i < burst; i++) {
                ntp.send(LoopbackNtp.CLIENT_REQUEST);
            }
            command.<SensorCommand>command("sensor").stop();
            assertThat(sensor.get(60, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
        }
        final Matcher decoded = Pattern.compile("NTP datagrams (\\d+) ").matcher(err.toString());
        assertThat(decoded.find()).as(err.toString()).isTrue();
        final long datagrams = Long.parseLong(decoded.group(1));
        assertThat(datagrams).isBetween(2L, 2L + burst);
        assertThat(err.toString())
                .contains("published " + datagrams + " (", "dropped (queue full) 0, send errors 0")
                .doesNotContain("unsent");
        assertThat(TestBroker.readAll(topics[0])).hasSize((int) datagrams);
        assertThat(flowPackets(topics[2])).isEqualTo(datagrams);
    }

    @Test
    void shouldServeItsMetricsWhileItRunsAndStopServingWhenItEnds() throws Exception {
        final Path file = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final SharedMaterial.Decoded decoded = SharedMaterial.decode(file);
        final String[] topics = topics();
        final CommandRun command = new CommandRun();
        final HttpClient client = HttpClient.newHttpClient();
        try (LateListener broker = new LateListener()) {
            // The broker comes up late: the sensor holds its packets, and runs, until it does.
            final CompletableFuture<Integer> sensor = CompletableFuture.supplyAsync(() -> command.run("sensor",
                    "--read", file.toString(), "--bootstrap-servers", broker.bootstrapServers(), "--packets-topic",
                    topics[0], "--heartbeats-topic", topics[1], "--flows-topic", topics[2], "--http-port", "0"));
            final URI metrics = URI.create(awaitLine(command, "ntpguard sensor: metrics at ")
                    .substring("ntpguard sensor: metrics at ".length()));
            PrometheusText scrape = PrometheusText.parse("");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (scrape.sum("ntpguard_packets_total") < decoded.packets().size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                scrape = PrometheusText.parse(client.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            final boolean runningWhileScraped = !sensor.isDone();
            broker.open();
            final int status = sensor.get(60, TimeUnit.SECONDS);

            assertThat(status).as(command.err.toString()).isEqualTo(ExitCodes.OK);
            assertThat(runningWhileScraped).isTrue();
            assertThat(metrics.getHost()).isEqualTo("127.0.0.1");
            assertThat(scrape.sum("ntpguard_frames_total")).isEqualTo(decoded.stats().frames());
            assertThat(scrape.sum("ntpguard_packets_total")).isEqualTo(decoded.packets().size());
            assertThat(scrape.sum("ntpguard_kod_total", "code", "RATE")).isPositive();
            assertThat(scrape.sum("ntpguard_published_total")).isZero();
            assertThat(scrape.types()).containsKeys("kafka_producer_record_retry_total",
                    "kafka_producer_record_error_total", "jvm_memory_used_bytes", "process_cpu_usage");
            assertThat(scrape.allLabelValues()).noneMatch(value -> PrometheusText.ADDRESS.matcher(value).find());
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString())).as("no HTTP once the sensor ended")
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldBeLiveAndReadyOnlyWhileItsBrokerAnswers() throws Exception {
        final String[] topics = topics();
        try (LoopbackNtp ntp = new LoopbackNtp(); LateListener broker = new LateListener()) {
            // given: a live sensor whose broker is down
            final CompletableFuture<Integer> sensor = CompletableFuture.supplyAsync(() -> run("sensor", "-i", "lo",
                    "--filter", ntp.filter(), "--bootstrap-servers", broker.bootstrapServers(), "--packets-topic",
                    topics[0], "--heartbeats-topic", topics[1], "--flows-topic", topics[2], "--http-port", "0"));
            final String metrics = awaitLine(command, "ntpguard sensor: metrics at ")
                    .substring("ntpguard sensor: metrics at ".length());
            final Health health = new Health(metrics.replace("/metrics", "/health/"), sensor);
            final String down = "503 not ready: broker " + broker.bootstrapServers() + " did not answer within 2 s\n";

            // then: live, and not ready, saying why, once it captures
            assertThat(health.get("live")).isEqualTo("200 live\n");
            health.await(down);

            // when the broker comes up, then it is ready
            broker.open();
            health.await("200 ready\n");

            // when the broker goes away again, then it is not
            broker.close();
            health.await(down);
            assertThat(health.get("live")).isEqualTo("200 live\n");
            command.<SensorCommand>command("sensor").stop();
            sensor.get(60, TimeUnit.SECONDS);
        }
    }

    /** The health checks of a running command, asked until they give the answer awaited. */
    private final class Health {
        private final String base;
        private final CompletableFuture<Integer> running;
        private final HttpClient client = HttpClient.newHttpClient();
        private String last;

        Health(final String base, final CompletableFuture<Integer> running) {
            this.base = base;
            this.running = running;
        }

        /** "status body" of GET /health/{check}. */
        String get(final String check) throws IOException, InterruptedException {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + check))
                    .build(), HttpResponse.BodyHandlers.ofString());
            last = response.statusCode() + " " + response.body();
            return last;
        }

        /** Asks /health/ready until it answers {@code expected}; fails showing the last answer and stderr. */
        void await(final String expected) throws InterruptedException {
            LoopbackNtp.await("/health/ready answering " + expected.strip(), () -> {
                try {
                    return get("ready").equals(expected);
                } catch (final IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, running, Duration.ofSeconds(60), new Object() {
                @Override
                public String toString() {
                    return "last answer " + last + "; stderr: " + err;
                }
            });
        }
    }

    @Test
    void shouldSayInOneLineThatItsHttpPortIsTakenBeforeConnecting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int status = run("sensor", "--read", "x.pcap", "--bootstrap-servers", "127.0.0.1:9",
                    "--http-port", String.valueOf(taken.getLocalPort()));

            assertThat(status).isEqualTo(ExitCodes.FAILED);
            assertThat(err.toString()).startsWith("ntpguard sensor: cannot serve HTTP on 127.0.0.1:"
                    + taken.getLocalPort() + ": ").hasLineCount(1);
        }
    }

    private static String awaitLine(final CommandRun command, final String prefix) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            final var line = command.err.toString().lines().filter(l -> l.startsWith(prefix)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line starting with '" + prefix + "' in: " + command.err);
    }

    @Test
    void shouldRefuseAQueueOfNothing() {
        final int status = run("sensor", "--read", "x.pcap", "--bootstrap-servers", "127.0.0.1:9", "--queue", "0");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("--queue: 0 (expected: 1 or more)");
    }
}
