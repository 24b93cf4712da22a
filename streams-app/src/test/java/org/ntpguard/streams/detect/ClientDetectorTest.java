package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.detect.Traffic.T0;
import static org.ntpguard.streams.detect.Traffic.WINDOW_END;
import static org.ntpguard.streams.detect.Traffic.ip;
import static org.ntpguard.streams.detect.Traffic.reflector;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientDetectorTest {

    private static final String CLIENT = "203.0.113.66";
    private static final String OWN_SERVER = "198.51.100.10";

    /** Each rule's firing case and the near misses just below each threshold, against the default config. */
    static Stream<Arguments> cases() {
        return Stream.of(
                row("a well-behaved client asking 10 pool servers", t -> {
                    for (int i = 0; i < 10; i++) {
                        t.iburstThenPolling(T0, WINDOW_END, CLIENT, reflector(i));
                    }
                }),
                row("iburst of 8 requests 2 s apart then 64 s polling", t ->
                        t.iburstThenPolling(T0, WINDOW_END, CLIENT, OWN_SERVER)),
                row("large responses matched by large requests (NTS-sized, ratio 1)", t -> {
                    for (int i = 0; i < 50; i++) {
                        t.add(T0 + i * 100L, CLIENT, reflector(i % 10), PacketEvent.Kind.REQUEST, 3, 1_000, -1, -1,
                                null, false);
                        t.response(T0 + i * 100L + 10, CLIENT, reflector(i % 10), 1_000);
                    }
                }),
                rowOf("victim by volume: 40,000 bytes at 83×, and each answering server a reflector",
                        t -> volume(t, 40_000, 10), victim(), reflectors(0, 10)),
                row("near miss: 39,999 response bytes at 83×", t -> volume(t, 39_999, 10)),
                row("near miss: 48,000 response bytes at 9.8×", t -> {
                    volume(t, 48_000, 10);
                    t.add(T0 + 20_000, CLIENT, OWN_SERVER, PacketEvent.Kind.REQUEST, 3, 4_400, -1, -1, null, false);
                }),
                rowOf("victim without requests: 50 responses from 20 servers never asked", t -> {
                    unsolicited(t, 50, 20);
                    t.exchange(T0, CLIENT, OWN_SERVER);
                }, victim(), unsolicitedReflectors(20)),
                row("near miss: 49 unsolicited responses from 20 servers", t -> unsolicited(t, 49, 20)),
                row("near miss: 50 unsolicited responses from 19 servers", t -> unsolicited(t, 50, 19)),
                row("reflector alone: 10,000 bytes to one client at ratio >= 10", t -> {
                    t.request(T0, CLIENT, reflector(0));
                    t.response(T0 + 10, CLIENT, reflector(0), 5_000).response(T0 + 20, CLIENT, reflector(0), 5_000);
                }, "REFLECTOR REFLECTOR HIGH " + reflector(0)),
                row("near miss: 9,999 bytes from one server", t -> {
                    t.request(T0, CLIENT, reflector(0));
                    t.response(T0 + 10, CLIENT, reflector(0), 5_000).response(T0 + 20, CLIENT, reflector(0), 4_999);
                }),
                rowOf("monlist victim: 20 MON_GETLIST_1 responses in its name", t -> monlist(t, 20, 2),
                        new String[] {"MONLIST_ABUSE VICTIM HIGH " + CLIENT}, reflectors(0, 2)),
                row("near miss for a victim, but 2 monlist requests: a prober", t -> monlist(t, 19, 2),
                        "MONLIST_ABUSE PROBER MEDIUM " + CLIENT),
                row("a single unanswered monlist probe", t -> t.monlistRequest(T0, CLIENT, reflector(0), 8)),
                row("scanner: requests to 100 servers", t -> sweep(t, 100, false),
                        "SCANNER SCANNER MEDIUM " + CLIENT),
                row("near miss: requests to 99 servers", t -> sweep(t, 99, false)),
                row("mode-6 scanner: READVAR to 20 servers", t -> sweep(t, 20, true),
                        "SCANNER SCANNER MEDIUM " + CLIENT),
                row("near miss: READVAR to 19 servers", t -> sweep(t, 19, true)),
                row("KoD ignored: 5 requests after a RATE KoD", t -> kodThenRequests(t, 5),
                        "KOD_IGNORED CLIENT MEDIUM " + CLIENT, "KOD_IGNORED SERVER INFO " + OWN_SERVER),
                row("near miss: 4 requests after a RATE KoD", t -> kodThenRequests(t, 4)),
                row("fast poll: 20 requests to one server, no KoD: not KoD ignored", t -> {
                    for (int i = 0; i < 20; i++) {
                        t.exchange(T0 + i * 1_400L, CLIENT, OWN_SERVER);
                    }
                }, "FAST_POLL CLIENT LOW " + CLIENT),
                row("near miss: 19 requests to one server", t -> {
                    for (int i = 0; i < 19; i++) {
                        t.exchange(T0 + i * 1_400L, CLIENT, OWN_SERVER);
                    }
                }),
                rowOf("a spoofed-source sweep that amplifies makes a victim, not a scanner", t -> {
                    for (int i = 0; i < 120; i++) {
                        t.monlistRequest(T0 + i, CLIENT, reflector(i), 8).monlistResponse(T0 + i + 5, CLIENT,
                                reflector(i));
                    }
                }, victim(), new String[] {"MONLIST_ABUSE VICTIM HIGH " + CLIENT}, reflectors(0, 120)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRaiseExactlyTheExpectedDetectionsWhenGivenTheCase(final String name, final Traffic traffic,
                                                                  final Set<String> expected) {
        final List<Detection> detections = ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END,
                traffic.clientWindow(CLIENT), DetectionConfig.defaults());

        assertThat(Traffic.keys(detections)).as(name).isEqualTo(expected);
    }

    @Test
    void shouldNotCallAMonitoringHostPollingTheSitesOwnServersAScanner() {
        final DetectionConfig site = DetectionConfig.defaults().toBuilder()
                .trustedNetworks(Networks.parse("192.0.2.0/24, 198.51.100.0/24")).build();
        final Traffic traffic = new Traffic();
        for (int i = 0; i < 150; i++) {
            final String server = "198.51.100." + (i + 1);
            traffic.readvar(T0 + i * 10L, "192.0.2.5", server).readvarResponse(T0 + i * 10L + 5, "192.0.2.5", server,
                    28);
            traffic.exchange(T0 + i * 10L, "192.0.2.5", server);
        }

        assertThat(ClientDetector.evaluate(ip("192.0.2.5"), T0, WINDOW_END, traffic.clientWindow("192.0.2.5"), site))
                .isEmpty();
        assertThat(Traffic.keys(ClientDetector.evaluate(ip("192.0.2.5"), T0, WINDOW_END,
                traffic.clientWindow("192.0.2.5"), DetectionConfig.defaults())))
                .as("the same host with the site's servers outside its home networks")
                .containsExactly("SCANNER SCANNER MEDIUM 192.0.2.5");
    }

    @Test
    void shouldRaiseNoReflectorWhenBothEndsAreHome() {
        final DetectionConfig site = DetectionConfig.defaults().toBuilder()
                .trustedNetworks(Networks.parse("192.0.2.0/24, 198.51.100.0/24")).build();
        final Traffic traffic = new Traffic();
        // ntpq -c mrulist against the site's own server: a small request, up to 32 fragments of 468 bytes.
        traffic.readvar(T0, "192.0.2.5", "198.51.100.10");
        for (int i = 0; i < 32; i++) {
            traffic.readvarResponse(T0 + 5 + i, "192.0.2.5", "198.51.100.10", 468);
        }

        assertThat(ClientDetector.evaluate(ip("192.0.2.5"), T0, WINDOW_END, traffic.clientWindow("192.0.2.5"), site))
                .isEmpty();
        assertThat(Traffic.keys(ClientDetector.evaluate(ip("192.0.2.5"), T0, WINDOW_END,
                traffic.clientWindow("192.0.2.5"), DetectionConfig.defaults())))
                .as("outside the defaults' private ranges, the same traffic is reflection")
                .contains("REFLECTOR REFLECTOR HIGH 198.51.100.10");
    }

    @Test
    void shouldNotCallTheVictimsOwnServerAReflectorWhenItAnswersNormally() {
        final Traffic traffic = new Traffic();
        volume(traffic, 60_000, 10);
        traffic.iburstThenPolling(T0, WINDOW_END, CLIENT, OWN_SERVER);

        final List<Detection> detections = ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END,
                traffic.clientWindow(CLIENT), DetectionConfig.defaults());

        assertThat(detections).extracting(Detection::subject).doesNotContain(ip(OWN_SERVER));
        assertThat(detections).extracting(Detection::type).contains(AlertType.AMPLIFICATION_VICTIM);
    }

    @Test
    void shouldSummariseTheVictimInOneLineWhenAmplified() {
        final Traffic traffic = new Traffic();
        for (int i = 0; i < 50; i++) {
            traffic.monlistRequest(T0 + i, CLIENT, reflector(i), 8);
            for (int j = 0; j < 10; j++) {
                traffic.monlistResponse(T0 + i + j, CLIENT, reflector(i));
            }
        }

        final Detection victim = ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END, traffic.clientWindow(CLIENT),
                DetectionConfig.defaults()).get(0);

        assertThat(victim.summary()).isEqualTo("203.0.113.66 received 220,000 bytes in 500 NTP responses from 50 "
                + "servers for 400 bytes of requests (550×) in 30 s");
        assertThat(victim.evidence().topPeers()).hasSize(10);
        assertThat(victim.evidence().byteRatio()).isEqualTo(550.0);
        assertThat(victim.sensors()).containsExactly(Traffic.SENSOR);
    }

    @Test
    void shouldListTopPeersByBytesThenAddressWhenTied() {
        final Traffic traffic = new Traffic();
        unsolicited(traffic, 60, 20);

        final Detection victim = ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END, traffic.clientWindow(CLIENT),
                DetectionConfig.defaults()).get(0);

        final List<IpAddress> peers = victim.evidence().topPeers().stream().map(PeerEvidence::peer).toList();
        assertThat(peers).isSorted();
        assertThat(victim.evidence().topPeers()).allSatisfy(p -> assertThat(p.responses()).isEqualTo(3));
    }

    @Test
    void shouldMarkReflectorsUnsolicitedOnlyWhenNeverAsked() {
        final Traffic traffic = new Traffic();
        unsolicited(traffic, 50, 20);
        volume(traffic, 0, 0);

        final List<Detection> reflectors = ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END,
                traffic.clientWindow(CLIENT), DetectionConfig.defaults()).stream()
                .filter(d -> d.type() == AlertType.REFLECTOR).toList();

        assertThat(reflectors).hasSize(20).allSatisfy(d -> {
            assertThat(d.unsolicited()).isTrue();
            assertThat(d.evidence().topPeers()).extracting(PeerEvidence::peer).containsExactly(ip(CLIENT));
        });
    }

    @Test
    void shouldNameTheClientAsTheTopPeerOfTheKissingServer() {
        // given: a client polling on after a RATE KoD
        final Traffic traffic = new Traffic();
        kodThenRequests(traffic, 5);

        // when
        final Detection server = ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END, traffic.clientWindow(CLIENT),
                DetectionConfig.defaults()).stream().filter(d -> d.role() == AlertRole.SERVER).findFirst()
                .orElseThrow();

        // then: the server's alert names its client, never the server itself
        assertThat(server.subject()).isEqualTo(ip(OWN_SERVER));
        assertThat(server.evidence().topPeers()).extracting(PeerEvidence::peer).containsExactly(ip(CLIENT));
        assertThat(server.evidence().topPeers().get(0).requests()).isEqualTo(server.evidence().requests());
    }

    @Test
    void shouldNameTheMonlistRequestTheVictimsAttackersSent() {
        // given: MON_GETLIST_1 (42) probes in the victim's name, answered 20 times
        final Traffic v1 = new Traffic();
        monlist(v1, 20, 2);
        // and the older MON_GETLIST (20), answered as often
        final Traffic v0 = new Traffic();
        for (int i = 0; i < 20; i++) {
            v0.add(T0 + i, CLIENT, reflector(0), PacketEvent.Kind.REQUEST, 7, 8, -1, PacketEvent.MON_GETLIST, null,
                    false);
            v0.add(T0 + 100 + i, CLIENT, reflector(0), PacketEvent.Kind.RESPONSE, 7, 440, -1,
                    PacketEvent.MON_GETLIST, null, false);
        }

        // when
        final String summary1 = monlistVictim(v1).summary();
        final String summary0 = monlistVictim(v0).summary();

        // then
        assertThat(summary1).contains("received 20 MON_GETLIST_1 responses");
        assertThat(summary0).contains("received 20 MON_GETLIST responses");
    }

    private static Detection monlistVictim(final Traffic traffic) {
        return ClientDetector.evaluate(ip(CLIENT), T0, WINDOW_END, traffic.clientWindow(CLIENT),
                DetectionConfig.defaults()).stream()
                .filter(d -> d.type() == AlertType.MONLIST_ABUSE && d.role() == AlertRole.VICTIM).findFirst()
                .orElseThrow();
    }

    // ---- traffic shapes --------------------------------------------------------------------------------------

    /** {@code bytes} of responses spread over {@code servers} servers, each asked once (48 bytes). */
    private static void volume(final Traffic t, final int bytes, final int servers) {
        for (int i = 0; i < servers; i++) {
            t.request(T0 + i, CLIENT, reflector(i));
            final int share = bytes / servers + (i < bytes % servers ? 1 : 0);
            t.response(T0 + 100 + i, CLIENT, reflector(i), share);
        }
    }

    private static void unsolicited(final Traffic t, final int responses, final int servers) {
        for (int i = 0; i < responses; i++) {
            t.response(T0 + i * 10L, CLIENT, reflector(100 + i % servers));
        }
    }

    private static void monlist(final Traffic t, final int responses, final int servers) {
        for (int i = 0; i < servers; i++) {
            t.monlistRequest(T0 + i, CLIENT, reflector(i), 8);
        }
        for (int i = 0; i < responses; i++) {
            t.monlistResponse(T0 + 100 + i, CLIENT, reflector(i % servers));
        }
    }

    private static void sweep(final Traffic t, final int servers, final boolean mode6) {
        for (int i = 0; i < servers; i++) {
            if (mode6) {
                t.readvar(T0 + i * 10L, CLIENT, reflector(i));
            } else {
                t.request(T0 + i * 10L, CLIENT, reflector(i));
            }
        }
    }

    /** Three answered requests, a RATE KoD, then {@code after} more requests 1 s apart. */
    private static void kodThenRequests(final Traffic t, final int after) {
        for (int i = 0; i < 3; i++) {
            t.exchange(T0 + i * 1_000L, CLIENT, OWN_SERVER);
        }
        t.request(T0 + 3_000, CLIENT, OWN_SERVER).kod(T0 + 3_010, CLIENT, OWN_SERVER, "RATE");
        for (int i = 0; i < after; i++) {
            t.request(T0 + 4_000 + i * 1_000L, CLIENT, OWN_SERVER);
        }
    }

    // ---- expectations ----------------------------------------------------------------------------------------

    private static String[] victim() {
        return new String[] {"AMPLIFICATION_VICTIM VICTIM HIGH " + CLIENT};
    }

    private static String[] reflectors(final int from, final int to) {
        final String[] keys = new String[to - from];
        for (int i = from; i < to; i++) {
            keys[i - from] = "REFLECTOR REFLECTOR HIGH " + reflector(i);
        }
        return keys;
    }

    private static String[] unsolicitedReflectors(final int servers) {
        final String[] keys = new String[servers];
        for (int i = 0; i < servers; i++) {
            keys[i] = "REFLECTOR REFLECTOR HIGH " + reflector(100 + i);
        }
        return keys;
    }

    private static String[] merge(final String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }

    private static Arguments rowOf(final String name, final Consumer<Traffic> shape, final String[]... expected) {
        final Traffic traffic = new Traffic();
        shape.accept(traffic);
        final Set<String> keys = new TreeSet<>(List.of(merge(expected)));
        return Arguments.of(name, traffic, keys);
    }

    private static Arguments row(final String name, final Consumer<Traffic> shape, final String... expected) {
        return rowOf(name, shape, new String[][] {expected});
    }
}
