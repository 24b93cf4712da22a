package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.topology.Packets.T0;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.metrics.DetectorMetrics;

/** What flow batches as input mean for the topology: several sensors' flows add up, late flows are counted. */
class FlowInputTest {

    private static final String VICTIM = "203.0.113.66";

    @TempDir
    Path stateDir;

    private record Outcome(List<NtpAlert> alerts, Map<String, BlocklistEntry> blocklist) {
    }

    private Outcome run(final List<SensorFlows.Interval> flows, final Path dir) {
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), dir)) {
            driver.pipeIntervals(flows);
            driver.endOfCapture();
            return new Outcome(driver.alertRecords(), driver.blocklist());
        }
    }

    /** The alert without the sensors that saw it: one sensor's name against two. */
    private static NtpAlert withoutSensors(final NtpAlert alert) {
        return NtpAlert.newBuilder(alert).setSensors(List.of()).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.ntpguard.streams.topology.ScenarioTest#scenarios")
    void shouldRaiseFromTwoSensorsSharingTheTrafficWhatOneSensorRaises(final String name) throws IOException {
        final Path file = SharedMaterial.scenarios().resolve(
                ScenarioTest.labels().get("scenarios").get(name).get("file").asText());
        final Outcome one = run(SensorFlows.capture(file, "s1"), stateDir.resolve("one"));

        // Every other datagram to each sensor: both send a flow for most pairs and intervals, each with half of it.
        final List<List<SensorFlows.Interval>> halves = SensorFlows.split(file, "s1", "s2");
        final Outcome two = run(SensorFlows.byTime(halves.get(0), halves.get(1)), stateDir.resolve("two"));

        // The same alerts, figure for figure, but for the sensors named in them.
        assertThat(two.alerts()).extracting(FlowInputTest::withoutSensors)
                .isEqualTo(one.alerts().stream().map(FlowInputTest::withoutSensors).toList());
        assertThat(two.alerts()).allSatisfy(a -> assertThat(a.getSensors()).isNotEmpty().isSubsetOf("s1", "s2"));
        if (!one.alerts().isEmpty()) {
            assertThat(two.alerts()).anySatisfy(a -> assertThat(a.getSensors()).containsExactly("s1", "s2"));
        }
        assertThat(two.blocklist()).isEqualTo(one.blocklist());
    }

    @Test
    void shouldCountAFlowThatArrivesAfterItsWindowClosedAsLate() {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir,
                new DetectorMetrics(registry))) {
            driver.pipe(Packets.clientRequest(T0, VICTIM, "198.51.100.1"));
            driver.heartbeat(T0 + 60_000); // closes the window at T0 (and the next)
            assertThat(late(registry, "flows")).isZero();

            // A sensor that lagged a minute behind: its flow (3 datagrams) is for a closed window.
            driver.pipe(Packets.clientRequest(T0 + 1_000, VICTIM, "198.51.100.2"));
            driver.pipe(Packets.serverResponse(T0 + 1_010, "198.51.100.2", VICTIM, null));
            driver.pipe(Packets.clientRequest(T0 + 1_020, VICTIM, "198.51.100.2"));
            driver.flush();

            assertThat(late(registry, "flows", "client")).isEqualTo(1);
            assertThat(late(registry, "packets", "client")).isEqualTo(3);
            assertThat(late(registry, "flows", "server")).isEqualTo(1);
            assertThat(late(registry, "packets", "server")).isEqualTo(3);
            // Not counted: the window store holds no open window for it.
            assertThat(OpenWindowQuery.clientWindows(windowStore(driver), org.ntpguard.streams.detect.IpAddress
                    .parse(VICTIM))).isEmpty();
        }
    }

    private static double late(final SimpleMeterRegistry registry, final String what, final String... side) {
        final var search = registry.find("ntpguard.late." + what);
        return (side.length == 0 ? search : search.tag("side", side[0])).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    @SuppressWarnings("unchecked")
    private static org.apache.kafka.streams.state.ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>
            windowStore(final DetectorDriver driver) {
        return (org.apache.kafka.streams.state.ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>)
                driver.driver().getAllStateStores().get(NtpTopology.CLIENT_WINDOW_STORE);
    }
}
