package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.simulate.Scenario;
import org.ntpguard.capture.simulate.TrafficSimulator;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.DetectionConfig;

/** What {@code ntpguard simulate} writes is detected as the scenario says, with the default configuration. */
class SimulatedScenarioTest {

    private static final Map<Scenario, Map<String, String>> EXPECTED = Map.ofEntries(
            Map.entry(Scenario.NORMAL, Map.of()),
            Map.entry(Scenario.MONLIST, Map.of("198.51.100.7", "VICTIM", "203.0.113.50", "REFLECTOR")),
            Map.entry(Scenario.KOD, Map.of("192.0.2.99", "CLIENT", "203.0.113.2", "SERVER")),
            Map.entry(Scenario.SCAN, Map.of("192.0.2.66", "SCANNER", "203.0.113.12", "SERVER", "203.0.113.28",
                    "SERVER")),
            Map.entry(Scenario.UNSOLICITED, Map.of("198.51.100.9", "VICTIM", "203.0.113.100", "REFLECTOR")),
            Map.entry(Scenario.MIX, Map.of("198.51.100.7", "VICTIM", "203.0.113.50", "REFLECTOR", "192.0.2.99",
                    "CLIENT", "192.0.2.66", "SCANNER")),
            Map.entry(Scenario.NAT, Map.of()),
            Map.entry(Scenario.MONLIST_PROBE, Map.of("198.51.100.66", "PROBER")),
            Map.entry(Scenario.SPOOFED_FLOOD, Map.of("198.51.100.8", "VICTIM")),
            Map.entry(Scenario.ADMIN_MRULIST, Map.of()),
            // The defaults' home networks are the private ranges: the site's 192.0.2.0/24 is outside them here.
            Map.entry(Scenario.FLEET_MONITORING, Map.of("192.0.2.5", "SCANNER")),
            Map.entry(Scenario.LOCAL_NTPQ, Map.of()));

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldBeDetectedAsTheScenarioSays(final Scenario scenario) throws IOException {
        final long duration = 120 * TrafficSimulator.SECOND;
        final TrafficSimulator simulator = new TrafficSimulator(7, TrafficSimulator.DEFAULT_START_NANOS, duration);
        scenario.addTo(simulator, duration, scenario == Scenario.MIX ? 0 : scenario.defaultRate());
        final Path file = dir.resolve(scenario + ".pcap");
        simulator.write(file);

        final SharedMaterial.Decoded decoded = SharedMaterial.decode(file);
        final List<NtpAlert> alerts;
        try (DetectorDriver driver = new DetectorDriver(DetectionConfig.defaults(), dir.resolve("state"))) {
            driver.pipeIntervals(SensorFlows.capture(file, "test"));
            driver.endOfCapture();
            alerts = driver.alertRecords();
        }

        assertThat(decoded.stats().malformedNtp()).isZero();
        final Map<String, Set<String>> raised = ScenarioTest.rolesBySubject(alerts);
        EXPECTED.get(scenario).forEach((subject, role) ->
                assertThat(raised.getOrDefault(subject, Set.of())).as("%s: %s", scenario, subject).contains(role));
        assertThat(raised.keySet()).as("%s: the polling clients raise nothing", scenario)
                .noneMatch(subject -> subject.matches("192\\.0\\.2\\.(1\\d|2\\d)"));
        if (EXPECTED.get(scenario).isEmpty()) {
            assertThat(alerts).as("%s raises nothing", scenario).isEmpty();
        }
    }
}
