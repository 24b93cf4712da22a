package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.topology.Packets.T0;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.schema.NtpAlert;

/**
 * Every detection through the production topology, each next to its near miss just below the threshold, with the
 * default thresholds and the scenarios' trusted networks (192.0.2.0/24, 198.51.100.0/24). The detectors' own
 * table-driven tests go through every rule without Kafka; this checks that each one is wired to the topic.
 */
class DetectionWiringTest {

    private static final String CLIENT = "192.0.2.77";
    private static final String ADMIN = "192.0.2.5";
    private static final String SERVER = "198.51.100.123";
    private static final String OUTSIDER = "203.0.113.200";
    private static final String VICTIM = "203.0.113.99";

    @TempDir
    Path stateDir;

    private static Arguments row(final String name, final Consumer<DetectorDriver> traffic, final String... raised) {
        return Arguments.of(name, traffic, new TreeSet<>(List.of(raised)));
    }

    /** {@code responses} responses spread over {@code servers} reflectors that the victim never asked. */
    private static Consumer<DetectorDriver> unsolicited(final int responses, final int servers) {
        return driver -> {
            for (int i = 0; i < responses; i++) {
                driver.pipe(Packets.serverResponse(T0 + 100L * i, "198.18.0." + (1 + i % servers), VICTIM, null));
            }
        };
    }

    /** One request a second for 30 s; the server answers the first 3, then kisses every other request. */
    private static Consumer<DetectorDriver> kodStorm(final boolean kisses) {
        return driver -> {
            for (int s = 0; s < 30; s++) {
                driver.pipe(Packets.clientRequest(T0 + 1_000L * s, CLIENT, SERVER));
                if (s < 3 || !kisses) {
                    driver.pipe(Packets.serverResponse(T0 + 1_000L * s + 10, SERVER, CLIENT, null));
                } else if (s % 2 == 1) {
                    driver.pipe(Packets.serverResponse(T0 + 1_000L * s + 10, SERVER, CLIENT, "RATE"));
                }
            }
        };
    }

    /** ntpd's iburst: 8 requests 2 s apart, answered, then nothing faster than 64 s. */
    private static void iburst(final DetectorDriver driver) {
        for (int i = 0; i < 8; i++) {
            driver.pipe(Packets.clientRequest(T0 + 2_000L * i, CLIENT, SERVER));
            driver.pipe(Packets.serverResponse(T0 + 2_000L * i + 10, SERVER, CLIENT, null));
        }
    }

    private static Consumer<DetectorDriver> scan(final int targets) {
        return driver -> {
            for (int t = 1; t <= targets; t++) {
                driver.pipe(Packets.readvar(T0 + 10L * t, OUTSIDER, "198.18.1." + t, false));
            }
        };
    }

    private static Consumer<DetectorDriver> unsynchronized(final int answers) {
        return driver -> {
            for (int i = 0; i < answers; i++) {
                driver.pipe(Packets.clientRequest(T0 + 5_000L * i, CLIENT, SERVER));
                driver.pipe(Packets.unsynchronizedResponse(T0 + 5_000L * i + 10, SERVER, CLIENT));
            }
        };
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("unsolicited responses: 50 from 20 servers", unsolicited(50, 20),
                        "AMPLIFICATION_VICTIM/" + VICTIM + "/VICTIM", "REFLECTOR/198.18.0.1/REFLECTOR",
                        "REFLECTOR/198.18.0.20/REFLECTOR"),
                row("near miss: 49 unsolicited responses", unsolicited(49, 20)),
                row("a client polling 1 Hz through RATE kisses", kodStorm(true),
                        "KOD_IGNORED/" + CLIENT + "/CLIENT", "KOD_IGNORED/" + SERVER + "/SERVER"),
                row("near miss: an iburst of 8", DetectionWiringTest::iburst),
                row("mode 6 requests to 20 servers", scan(20), "SCANNER/" + OUTSIDER + "/SCANNER"),
                row("near miss: 19 servers", scan(19)),
                row("mode 6 answered to the outside", driver -> {
                    driver.pipe(Packets.readvar(T0, OUTSIDER, SERVER, false));
                    driver.pipe(Packets.readvar(T0 + 5, SERVER, OUTSIDER, true));
                }, "EXPOSED_CONTROL/" + SERVER + "/SERVER"),
                row("near miss: mode 6 answered to a trusted admin", driver -> {
                    driver.pipe(Packets.readvar(T0, ADMIN, SERVER, false));
                    driver.pipe(Packets.readvar(T0 + 5, SERVER, ADMIN, true));
                }),
                row("monlist answered to the outside", driver -> {
                    driver.pipe(Packets.monlistProbe(T0, OUTSIDER, SERVER));
                    driver.pipe(Packets.monlistReply(T0 + 5, SERVER, OUTSIDER, 0));
                }, "MONLIST_ABUSE/" + SERVER + "/REFLECTOR", "EXPOSED_CONTROL/" + SERVER + "/SERVER"),
                row("near miss: monlist answered to a trusted admin", driver -> {
                    driver.pipe(Packets.monlistProbe(T0, ADMIN, SERVER));
                    driver.pipe(Packets.monlistReply(T0 + 5, SERVER, ADMIN, 0));
                }),
                row("3 unsynchronized answers", unsynchronized(3), "UNSYNCHRONIZED_SERVER/" + SERVER + "/SERVER"),
                row("near miss: 2 unsynchronized answers", unsynchronized(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRaiseExactlyTheseAlerts(final String name, final Consumer<DetectorDriver> traffic,
                                       final Set<String> expected) {
        final List<NtpAlert> alerts;
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir)) {
            traffic.accept(driver);
            driver.endOfCapture();
            alerts = driver.alertRecords();
        }

        final Set<String> raised = new TreeSet<>();
        alerts.forEach(a -> raised.add(a.getType() + "/" + DetectorDriver.text(a.getSubject()) + "/" + a.getRole()));
        if (expected.isEmpty()) {
            assertThat(raised).as(name).isEmpty();
        } else {
            assertThat(raised).as(name).containsAll(expected);
            assertThat(raised).as(name + ": nothing about other subjects")
                    .allMatch(key -> expected.stream().anyMatch(e -> e.split("/")[0].equals(key.split("/")[0]))
                            || key.startsWith("REFLECTOR/198.18.0."));
        }
    }
}
