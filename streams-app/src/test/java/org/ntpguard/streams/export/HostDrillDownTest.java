package org.ntpguard.streams.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.topology.TestTraffic;

/**
 * {@code /hosts/{address}} on a running detector and the test broker: the open windows of a monlist victim and of a
 * reflector while the attack goes on; a blocklisted scanner's closed windows, alerts and entry once it has ended.
 */
class HostDrillDownTest {

    private static final String VICTIM = "203.0.113.66";
    private static final String SCANNER = "203.0.113.200";

    @TempDir
    Path stateDir;

    /** A detector on the test broker with /hosts served on a loopback port of its own. */
    private record Detector(DetectorApp app, HttpServer server) implements AutoCloseable {

        static Detector start(final TopicNames topics, final DetectionConfig config, final Path stateDir)
                throws Exception {
            final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
            final Properties kafka = new Properties();
            kafka.put("application.server", "127.0.0.1:" + server.getAddress().getPort());
            final DetectorApp.Settings settings = new DetectorApp.Settings(TestTraffic.bootstrapServers(),
                    "it-" + UUID.randomUUID(), stateDir, 1, topics, topics.packets() + ".dlq", 1, false, kafka);
            final DetectorApp app = new DetectorApp(settings, config);
            app.start(Duration.ofSeconds(60));
            server.createContext(HostDrillDown.ROUTE, new HostDrillDown(app.streams(), config,
                    new org.apache.kafka.streams.state.HostInfo("127.0.0.1", server.getAddress().getPort())));
            server.start();
            return new Detector(app, server);
        }

        @Override
        public void close() {
            server.stop(0);
            app.close();
        }
    }

    @Test
    void shouldShowTheOpenWindowsOfAVictimAndAReflectorFromTheStateStores() throws Exception {
        final DetectionConfig config = TestTraffic.scenarioConfig();
        // The capture up to the attack's last reply: what a detector holds while the attack goes on.
        final List<NtpPacket> all = TestTraffic.scenario("b_monlist_amplification.pcap");
        int end = all.size();
        while (end > 0 && !(all.get(end - 1).getMode() == 7 && all.get(end - 1).getRole().name().equals("RESPONSE"))) {
            end--;
        }
        final List<NtpPacket> packets = all.subList(0, end);
        final TopicNames topics = TestTraffic.uniqueTopics();
        try (Detector detector = Detector.start(topics, config, stateDir)) {
            final HttpServer server = detector.server();
            // No end-of-capture heartbeat: the attack's windows stay open, as they are while an attack goes on.
            try (KafkaProducer<byte[], byte[]> producer = TestTraffic.producer()) {
                TestTraffic.sendScenarioPrefix(producer, topics, "b_monlist_amplification.pcap", end);
            }
            assertThat(detector.app().awaitCaughtUp(Duration.ofSeconds(120))).isTrue();
            final long victimRequests = packets.stream().filter(p -> TestTraffic.text(p.getClientAddr()).equals(VICTIM)
                    && p.getMode() == 7 && p.getRole().name().equals("REQUEST")).count();

            final JsonNode victim = get(server, "/hosts/" + VICTIM);
            assertThat(victim.get("address").asText()).isEqualTo(VICTIM);
            long requests = 0;
            long monlistResponses = 0;
            for (final JsonNode window : victim.get("client")) {
                requests += window.get("requests").asLong();
                monlistResponses += window.get("monlistResponses").asLong();
            }
            // The open windows hold the attack's tail, at most all of it.
            assertThat(requests).isPositive();
            assertThat(monlistResponses).isGreaterThan(requests);
            assertThat(victim.get("client").get(0).get("byteRatio").asDouble()).isGreaterThan(10);
            assertThat(requests).isLessThanOrEqualTo(victimRequests + packets.size());

            final String reflector = packets.stream().filter(p -> p.getMode() == 7
                    && p.getRole().name().equals("RESPONSE")).map(p -> TestTraffic.text(p.getServerAddr()))
                    .reduce((a, b) -> b).orElseThrow();
            final JsonNode reflectorView = get(server, "/hosts/" + reflector);
            assertThat(reflectorView.get("server")).isNotEmpty();
            assertThat(reflectorView.get("server").get(reflectorView.get("server").size() - 1)
                    .get("monlistResponses").asLong()).isPositive();

            final HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base(server) + "/hosts/not-an-address")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
        }
    }

    @Test
    void shouldShowABlocklistedAddressesAlertsEntryAndClosedWindowsOnceNoWindowIsOpen() throws Exception {
        // given: the whole mode 6 scan replayed, its end-of-replay heartbeat closing every window
        final DetectionConfig config = TestTraffic.scenarioConfig();
        final List<NtpPacket> packets = TestTraffic.scenario("d_mode6_scan.pcap");
        final long scannerRequests = packets.stream().filter(p -> TestTraffic.text(p.getClientAddr())
                .equals(SCANNER) && p.getRole().name().equals("REQUEST")).count();
        final TopicNames topics = TestTraffic.uniqueTopics();
        try (Detector detector = Detector.start(topics, config, stateDir)) {
            try (KafkaProducer<byte[], byte[]> producer = TestTraffic.producer()) {
                TestTraffic.sendScenario(producer, topics, "d_mode6_scan.pcap");
            }
            assertThat(detector.app().awaitCaughtUp(Duration.ofSeconds(120))).isTrue();

            // when
            final JsonNode scanner = get(detector.server(), "/hosts/" + SCANNER);

            // then: no open window, but the windows it closed, its alert and its blocklist entry
            assertThat(scanner.get("client")).isEmpty();
            assertThat(scanner.get("closedWindowsKeptMs").asLong()).isEqualTo(config.alertCooldown().toMillis());
            long requests = 0;
            for (final JsonNode window : scanner.get("closedClient")) {
                requests += window.get("requests").asLong();
                assertThat(window.get("distinctControlServersAsked").asLong()).isPositive();
            }
            assertThat(requests).isEqualTo(scannerRequests).isPositive();
            assertThat(scanner.get("alerts")).isNotEmpty().allSatisfy(alert -> {
                assertThat(alert.get("subject").asText()).isEqualTo(SCANNER);
                assertThat(alert.get("id").asText()).isNotBlank();
            });
            assertThat(scanner.get("alerts")).anySatisfy(alert ->
                    assertThat(alert.get("type").asText()).isEqualTo("SCANNER"));
            assertThat(scanner.get("blocklist").get("address").asText()).isEqualTo(SCANNER);
            assertThat(scanner.get("blocklist").get("alertIds")).isNotEmpty();

            // and an address it never saw: all empty
            final JsonNode unknown = get(detector.server(), "/hosts/192.0.2.254");
            assertThat(unknown.get("closedClient")).isEmpty();
            assertThat(unknown.get("alerts")).isEmpty();
            assertThat(unknown.get("blocklist").isNull()).isTrue();
        }
    }

    private static String base(final HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static JsonNode get(final HttpServer server, final String path) throws Exception {
        final HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base(server) + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body());
    }
}
