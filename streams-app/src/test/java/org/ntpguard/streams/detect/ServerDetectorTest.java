package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.detect.Traffic.T0;
import static org.ntpguard.streams.detect.Traffic.WINDOW_END;
import static org.ntpguard.streams.detect.Traffic.ip;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerDetectorTest {

    private static final String SERVER = "198.18.0.7";
    private static final String OUTSIDER = "203.0.113.200";
    private static final String ADMIN = "10.0.0.5";

    static Stream<Arguments> cases() {
        return Stream.of(
                row("normal mode 3/4 with trusted and untrusted clients", t -> {
                    t.iburstThenPolling(T0, WINDOW_END, ADMIN, SERVER);
                    t.iburstThenPolling(T0, WINDOW_END, OUTSIDER, SERVER);
                }),
                row("a single unanswered monlist probe", t -> t.monlistRequest(T0, OUTSIDER, SERVER, 8)),
                row("one monlist response packet: a reflector already", t -> {
                    t.monlistRequest(T0, OUTSIDER, SERVER, 8).monlistResponse(T0 + 5, OUTSIDER, SERVER);
                }, "MONLIST_ABUSE REFLECTOR MEDIUM " + SERVER, "EXPOSED_CONTROL SERVER INFO " + SERVER),
                row("20 monlist response packets to the outside", t -> {
                    t.monlistRequest(T0, OUTSIDER, SERVER, 8);
                    for (int i = 0; i < 20; i++) {
                        t.monlistResponse(T0 + 5 + i, OUTSIDER, SERVER);
                    }
                }, "MONLIST_ABUSE REFLECTOR HIGH " + SERVER, "EXPOSED_CONTROL SERVER INFO " + SERVER),
                row("near miss: 19 monlist response packets to the outside", t -> {
                    t.monlistRequest(T0, OUTSIDER, SERVER, 8);
                    for (int i = 0; i < 19; i++) {
                        t.monlistResponse(T0 + 5 + i, OUTSIDER, SERVER);
                    }
                }, "MONLIST_ABUSE REFLECTOR MEDIUM " + SERVER, "EXPOSED_CONTROL SERVER INFO " + SERVER),
                row("monlist answered to a trusted admin's ntpdc: not abuse", t -> {
                    t.monlistRequest(T0, ADMIN, SERVER, 8);
                    for (int i = 0; i < 20; i++) {
                        t.monlistResponse(T0 + 5 + i, ADMIN, SERVER);
                    }
                }),
                row("mode 6 answered to an outside scanner", t -> {
                    t.readvar(T0, OUTSIDER, SERVER).readvarResponse(T0 + 5, OUTSIDER, SERVER, 468);
                }, "EXPOSED_CONTROL SERVER INFO " + SERVER),
                row("a trusted admin's mode-6 query", t -> {
                    t.readvar(T0, ADMIN, SERVER).readvarResponse(T0 + 5, ADMIN, SERVER, 468);
                }),
                row("mode 6 asked from outside but not answered", t -> t.readvar(T0, OUTSIDER, SERVER)),
                row("3 unsynchronized answers", t -> {
                    for (int i = 0; i < 3; i++) {
                        t.request(T0 + i * 2_000L, ADMIN, SERVER).unsynchronized(T0 + i * 2_000L + 5, ADMIN, SERVER);
                    }
                }, "UNSYNCHRONIZED_SERVER SERVER LOW " + SERVER),
                row("one stray unsynchronized answer at start-up", t -> {
                    t.request(T0, ADMIN, SERVER).unsynchronized(T0 + 5, ADMIN, SERVER);
                    t.iburstThenPolling(T0 + 2_000, WINDOW_END, ADMIN, SERVER);
                }),
                row("near miss: 2 unsynchronized answers", t -> {
                    for (int i = 0; i < 2; i++) {
                        t.request(T0 + i * 2_000L, ADMIN, SERVER).unsynchronized(T0 + i * 2_000L + 5, ADMIN, SERVER);
                    }
                }),
                row("RATE KoDs are not unsynchronized answers", t -> {
                    for (int i = 0; i < 10; i++) {
                        t.request(T0 + i * 1_000L, OUTSIDER, SERVER).kod(T0 + i * 1_000L + 5, OUTSIDER, SERVER,
                                "RATE");
                    }
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRaiseExactlyTheExpectedDetectionsWhenGivenTheCase(final String name, final Traffic traffic,
                                                                  final Set<String> expected) {
        final List<Detection> detections = ServerDetector.evaluate(ip(SERVER), T0, WINDOW_END,
                traffic.serverWindow(SERVER), DetectionConfig.defaults());

        assertThat(Traffic.keys(detections)).as(name).isEqualTo(expected);
    }

    @Test
    void shouldNameUntrustedClientsAndModesWhenControlIsExposed() {
        final Traffic traffic = new Traffic();
        traffic.readvar(T0, OUTSIDER, SERVER).readvarResponse(T0 + 5, OUTSIDER, SERVER, 468);
        traffic.readvar(T0, "203.0.113.201", SERVER).readvarResponse(T0 + 5, "203.0.113.201", SERVER, 400);
        traffic.readvar(T0, ADMIN, SERVER).readvarResponse(T0 + 5, ADMIN, SERVER, 468);

        final Detection exposed = ServerDetector.evaluate(ip(SERVER), T0, WINDOW_END, traffic.serverWindow(SERVER),
                DetectionConfig.defaults()).get(0);

        assertThat(exposed.summary()).isEqualTo("198.18.0.7 answered mode 6 queries from 2 clients outside the "
                + "home networks (2 responses, first 203.0.113.200) in 30 s");
        assertThat(exposed.evidence().distinctPeers()).isEqualTo(2);
        assertThat(exposed.evidence().topPeers()).extracting(PeerEvidence::peer)
                .containsExactly(ip(OUTSIDER), ip("203.0.113.201"));
    }

    @Test
    void shouldTrustWhatTheConfigTrustsWhenDecidingExposure() {
        final Traffic traffic = new Traffic();
        traffic.readvar(T0, OUTSIDER, SERVER).readvarResponse(T0 + 5, OUTSIDER, SERVER, 468);
        final DetectionConfig config = DetectionConfig.defaults().toBuilder()
                .trustedNetworks(Networks.parse("203.0.113.0/24")).build();

        assertThat(ServerDetector.evaluate(ip(SERVER), T0, WINDOW_END, traffic.serverWindow(SERVER), config))
                .isEmpty();
    }

    @Test
    void shouldKeepLoopbackLocalWhenTheHomeNetworksAreTheSitesOwnRanges() {
        final Traffic traffic = new Traffic();
        traffic.readvar(T0, "127.0.0.1", "127.0.0.1").readvarResponse(T0 + 5, "127.0.0.1", "127.0.0.1", 468);
        traffic.readvar(T0, "::1", "::1").readvarResponse(T0 + 5, "::1", "::1", 468);
        traffic.readvar(T0, "fe80::1", "fe80::2").readvarResponse(T0 + 5, "fe80::1", "fe80::2", 468);
        final DetectionConfig site = DetectionConfig.defaults().toBuilder()
                .trustedNetworks(Networks.parse("192.0.2.0/24")).build();

        for (final String server : new String[] {"127.0.0.1", "::1", "fe80::2"}) {
            assertThat(ServerDetector.evaluate(ip(server), T0, WINDOW_END, traffic.serverWindow(server), site))
                    .as(server).isEmpty();
        }
        assertThat(site.isHome(ip("127.0.0.53"))).isTrue();
        assertThat(site.isHome(ip("169.254.1.1"))).isTrue();
        assertThat(site.isHome(ip("10.0.0.1"))).as("private, but not the site's").isFalse();
    }

    private static Arguments row(final String name, final Consumer<Traffic> shape, final String... expected) {
        final Traffic traffic = new Traffic();
        shape.accept(traffic);
        return Arguments.of(name, traffic, Set.of(expected));
    }
}
