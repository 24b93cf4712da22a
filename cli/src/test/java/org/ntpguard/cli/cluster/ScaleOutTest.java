package org.ntpguard.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.capture.flow.Packets;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.cli.serve.TestKeystore;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * Scale-out on the real broker: two {@code ntpguard detect} JVMs with one application id split four partitions and
 * publish the alerts one detector publishes; two sensors, each seeing every other datagram of the same attacks, are
 * combined into the alerts one sensor seeing them all would give; and {@code /hosts} answers from either JVM, served
 * over TLS to holders of the token, as a deployment beyond one host serves it: the instance that does not own the
 * address asks the other over HTTPS with the caller's token.
 */
class ScaleOutTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int PARTITIONS = 4;
    private static final String APPLICATION_ID = "ntpguard-detector";
    /** The last datagram of e_unsolicited_responses.pcap, the later of the two scenarios replayed. */
    private static final long LAST_SCENARIO_PACKET_MILLIS = 1_740_844_893_009L;

    private static final String TOKEN = "9e3f1b7c5a2d4e6f8a0b1c2d3e4f5a6b";

    @TempDir
    Path dir;
    private TestKeystore keystore;
    private HttpClient client;

    @Test
    void shouldFindWithTwoDetectorJvmsAndTwoSensorsWhatOneDetectorFinds() throws Exception {
        final String bootstrap = TestBroker.bootstrapServers();
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String reference = "one-" + run;
        final String scaled = "two-" + run;
        final Path monlist = SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap");
        final Path unsolicited = SharedMaterial.scenarios().resolve("e_unsolicited_responses.pcap");
        final int[] ports = {freePort(), freePort()};
        // One keystore for both JVMs: each trusts the other's certificate, its own.
        keystore = TestKeystore.create(dir);
        client = HttpClient.newBuilder().sslContext(keystore.trustingIt()).build();
        final List<Process> jvms = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (int i = 0; i < 2; i++) {
                // The JVMs' logs stay in target/ for a failure's post-mortem.
                final Path logs = Files.createDirectories(Path.of("target", "scale-out-logs"));
                jvms.add(detectJvm(bootstrap, scaled, ports[i], dir.resolve("state-" + i), logs.resolve(scaled
                        + "-jvm-" + i + ".log")));
            }
            final TopicNames referenceTopics = TopicNames.defaults().inNamespace(reference);
            final DetectorApp.Settings settings = new DetectorApp.Settings(bootstrap, reference + "."
                    + APPLICATION_ID, dir.resolve("reference"), 1, referenceTopics, reference + ".ntp.dead-letters",
                    PARTITIONS, true, new Properties());
            try (DetectorApp one = new DetectorApp(settings, DetectionConfig.defaults())) {
                one.start(WAIT);
                awaitMembers(admin, scaled + "." + APPLICATION_ID, 2);

                final SensorTopics sensorTopics = SensorTopics.defaults();
                final long[] dealt;
                try (InterleavedSensors sensors = new InterleavedSensors(bootstrap,
                        sensorTopics.inNamespace(reference), "s1", "s2")) {
                    sensors.replay(monlist, unsolicited).finish();
                    dealt = sensors.dealt();
                }
                try (InterleavedSensors sensors = new InterleavedSensors(bootstrap,
                        sensorTopics.inNamespace(scaled), "s1", "s2")) {
                    sensors.replay(monlist, unsolicited).finish();
                }
                assertThat(dealt[0]).isPositive();
                assertThat(Math.abs(dealt[0] - dealt[1])).isLessThanOrEqualTo(1);

                assertThat(one.awaitCaughtUp(WAIT)).isTrue();
                final Map<String, String> expected = alerts(bootstrap, referenceTopics.alerts());
                // One victim of each attack, its reflectors, the monlist servers: dozens of alerts; the victims' were
                // seen by both sensors (every other datagram each), and combined.
                assertThat(expected).hasSizeGreaterThan(50);
                assertThat(expected.values()).filteredOn(alert -> alert.startsWith("AMPLIFICATION_VICTIM"))
                        .hasSize(2).allMatch(alert -> alert.contains("sensors=[s1, s2]"));

                final Map<String, String> found = awaitAlerts(bootstrap,
                        TopicNames.defaults().inNamespace(scaled).alerts(), expected);
                assertThat(found).isEqualTo(expected);
                // Both JVMs held partitions: the work was split, not done by one while the other idled.
                final ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(scaled + "."
                        + APPLICATION_ID)).all().get().get(scaled + "." + APPLICATION_ID);
                assertThat(group.members()).hasSize(2)
                        .allSatisfy(member -> assertThat(sourcePartitions(member, scaled)).isNotEmpty());
                assertThat(group.members().stream().mapToInt(m -> sourcePartitions(m, scaled).size()).sum())
                        .isEqualTo(PARTITIONS);

                // Open windows of one client, asked of each JVM: the one that does not own it asks the other. Its
                // requests come a minute after the end-of-replay heartbeats, and no heartbeat follows them.
                try (FlowPublisher sensor = FlowPublisher.create(FlowPublisher.producerConfig(bootstrap,
                        new Properties()), "s3", sensorTopics.inNamespace(scaled), FlowPublisher.DEFAULT_QUEUE_CAPACITY,
                        FlowPublisher.Overflow.WAIT, null, FlowOptions.defaults())) {
                    final Packets packets = new Packets();
                    final long later = LAST_SCENARIO_PACKET_MILLIS + Duration.ofHours(1).plusMinutes(1).toMillis();
                    for (int i = 0; i < 5; i++) {
                        sensor.accept(packets.request("192.0.2.77", "198.51.100.123", later + 1_000L * i));
                    }
                    sensor.heartbeat(0); // closes its flows without moving event time
                }
                final String first = awaitHosts(ports[0], "192.0.2.77");
                final String second = awaitHosts(ports[1], "192.0.2.77");
                // Both instances run and have caught up: each says it is live and ready.
                for (final int port : ports) {
                    assertThat(get(port, "/health/live")).isEqualTo("200 live\n");
                    assertThat(get(port, "/health/ready")).isEqualTo("200 ready\n");
                }
                assertThat(first).isEqualTo(second).contains("\"address\":\"192.0.2.77\"")
                        .contains("\"requests\":5");
                assertThat(get(ports[1], "/hosts/192.0.2.77")).startsWith("401 ");
            }
        } finally {
            for (final Process jvm : jvms) {
                jvm.destroy();
            }
            for (final Process jvm : jvms) {
                if (!jvm.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    jvm.destroyForcibly();
                }
            }
        }
    }

    /** {@code ntpguard detect} in a JVM of its own, with this test's classpath. */
    /** "status body" of a GET on one instance. */
    private String get(final int port, final String path) throws Exception {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private Process detectJvm(final String bootstrap, final String namespace, final int port,
                              final Path state, final Path log) throws IOException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), "org.ntpguard.cli.NtpGuardCommand", "detect",
                "--bootstrap-servers", bootstrap, "--namespace", namespace, "--partitions",
                Integer.toString(PARTITIONS), "--state-dir", state.toString(), "--http-port", Integer.toString(port),
                "--application-server", "127.0.0.1:" + port, "--http-token-file",
                Files.writeString(dir.resolve("token"), TOKEN).toString()));
        command.addAll(keystore.options());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The partitions of the namespace's flows topic a member of the group was given. */
    private static List<Integer> sourcePartitions(final MemberDescription member, final String namespace) {
        return member.assignment().topicPartitions().stream()
                .filter(p -> p.topic().equals(namespace + ".ntp.flows")).map(p -> p.partition()).toList();
    }

    private static void awaitMembers(final Admin admin, final String group, final int members) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                final ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get()
                        .get(group);
                if (description.members().size() == members && description.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
            } catch (final java.util.concurrent.ExecutionException e) {
                // the group does not exist yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the group " + group + " never had " + members + " members with partitions");
    }

    /** The alert table (latest update per key), each alert reduced to what must not depend on the deployment. */
    private static Map<String, String> alerts(final String bootstrap, final String topic) {
        final Map<String, String> table = new TreeMap<>();
        TopicReader.table(TopicReader.readAll(bootstrap, topic, SingleObjectSerde.ntpAlert().deserializer(),
                Duration.ofSeconds(30))).forEach((key, alert) -> table.put(key, describe(alert)));
        return table;
    }

    private static String describe(final NtpAlert alert) {
        return alert.getType() + " " + IpText.append(new StringBuilder(), alert.getSubject()) + " " + alert.getRole() + " " + alert.getSeverity()
                + " requests=" + alert.getRequests() + "/" + alert.getRequestBytes() + " responses="
                + alert.getResponses() + "/" + alert.getResponseBytes() + " peers=" + alert.getDistinctPeers()
                + " updates=" + alert.getUpdates() + " sensors=" + new java.util.TreeSet<>(alert.getSensors());
    }

    private static Map<String, String> awaitAlerts(final String bootstrap, final String topic,
                                                   final Map<String, String> expected) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, String> found = Map.of();
        while (System.nanoTime() < deadline) {
            found = alerts(bootstrap, topic);
            if (found.equals(expected)) {
                return found;
            }
            Thread.sleep(1_000);
        }
        return found;
    }

    private String awaitHosts(final int port, final String address) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        String body = null;
        while (System.nanoTime() < deadline) {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + port + "/hosts/" + address)).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = response.body();
            if (response.statusCode() == 200 && body.contains("\"requests\":")) {
                return body;
            }
            Thread.sleep(500);
        }
        return body;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
