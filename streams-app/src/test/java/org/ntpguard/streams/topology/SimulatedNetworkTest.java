package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.simulate.Scenario;
import org.ntpguard.capture.simulate.TrafficSimulator;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.Networks;

/**
 * The issue 11 scenarios of {@code ntpguard simulate}, captured by the sensor's flow combiner and fed to the
 * production topology: a NAT, a monlist prober, a mode 3 flood spoofed from a victim, an administrator's ntpq
 * mrulist with the server's nonce, the site's own fleet monitoring, ntpq over loopback. Home networks are the
 * simulator's clients (192.0.2.0/24), as a site would set them.
 */
class SimulatedNetworkTest {

    private static final DetectionConfig HOME = DetectionConfig.defaults().toBuilder()
            .trustedNetworks(Networks.parse("192.0.2.0/24")).build();

    @TempDir
    Path dir;

    @Test
    void shouldRaiseNothingOnFourHundredHostsBehindOneNatAddress() throws IOException {
        final Result result = run(Scenario.NAT, 300);

        assertThat(result.alerts()).extracting(NtpAlert::getSummary).isEmpty();
        assertThat(result.blocklist()).isEmpty();
    }

    @Test
    void shouldRaiseAMonlistProberThatIsNotBlocklisted() throws IOException {
        final Result result = run(Scenario.MONLIST_PROBE, 60);

        // The classic ntpd answering it is a monlist reflector and exposes mode 7, as before.
        assertThat(result.alerts()).extracting(a -> a.getType().name() + " " + a.getRole().name() + " "
                + DetectorDriver.text(a.getSubject())).containsExactlyInAnyOrder(
                "MONLIST_ABUSE PROBER 198.51.100.66", "MONLIST_ABUSE REFLECTOR 203.0.113.50",
                "EXPOSED_CONTROL SERVER 203.0.113.50");
        assertThat(result.blocklist()).isEmpty();
    }

    @Test
    void shouldNotBlocklistTheVictimOfASpoofedMode3Flood() throws IOException {
        final Result result = run(Scenario.SPOOFED_FLOOD, 60);

        assertThat(result.alerts()).extracting(a -> a.getType().name() + " " + DetectorDriver.text(a.getSubject()))
                .containsExactly("SPOOFED_SOURCE 198.51.100.8");
        assertThat(result.blocklist()).isEmpty();
    }

    @Test
    void shouldRaiseNothingWhenAnAdministratorsMrulistEchoesTheServersNonce() throws IOException {
        final Result result = run(Scenario.ADMIN_MRULIST, 60);

        assertThat(result.alerts()).extracting(NtpAlert::getSummary).isEmpty();
        assertThat(result.blocklist()).isEmpty();
    }

    @Test
    void shouldStillCallItReflectionWhenTheReadMruCarriesAnotherNonce() throws IOException {
        // The same traffic, but the READ_MRU does not carry the nonce the server handed out: its source may be
        // spoofed, and the 32 answers of 468 bytes are reflection and exposure, as before nonces were checked (and
        // three runs in a window, 45,000 bytes, make the requester a victim).
        final Result result = run("forged-mrulist", 60, s -> s.normalPolling().mrulist(6 * TrafficSimulator.SECOND,
                52 * TrafficSimulator.SECOND, 0.1, false));

        assertThat(result.alerts()).extracting(a -> a.getType().name() + " " + DetectorDriver.text(a.getSubject()))
                .containsOnly("AMPLIFICATION_VICTIM 198.51.100.20", "REFLECTOR 192.0.2.1", "EXPOSED_CONTROL 192.0.2.1");
    }

    @Test
    void shouldRaiseNothingOnTheSitesOwnMonitoringOnceItsNetworksAreHome() throws IOException {
        final Result home = run(Scenario.FLEET_MONITORING, 180);
        final Result defaults = run(Scenario.FLEET_MONITORING.name(), 180, s -> Scenario.FLEET_MONITORING.addTo(s,
                180 * TrafficSimulator.SECOND, 0), DetectionConfig.defaults());

        assertThat(home.alerts()).extracting(NtpAlert::getSummary).isEmpty();
        assertThat(home.blocklist()).isEmpty();
        // The same traffic judged against the default private ranges (192.0.2.0/24 is not one of them): a scanner
        // of mode 6, and blocked.
        assertThat(defaults.alerts()).extracting(a -> a.getType().name() + " " + DetectorDriver.text(a.getSubject()))
                .contains("SCANNER 192.0.2.5");
        assertThat(defaults.blocklist()).containsKey("192.0.2.5/32");
    }

    @Test
    void shouldRaiseNothingOnNtpqOverLoopbackWhateverTheHomeNetworks() throws IOException {
        final Result result = run(Scenario.LOCAL_NTPQ, 60);

        assertThat(result.alerts()).extracting(NtpAlert::getSummary).isEmpty();
        assertThat(result.blocklist()).isEmpty();
    }

    private record Result(List<NtpAlert> alerts, Map<String, ?> blocklist) {
    }

    private Result run(final Scenario scenario, final long seconds) throws IOException {
        return run(scenario.name(), seconds, s -> scenario.addTo(s, seconds * TrafficSimulator.SECOND,
                scenario.defaultRate()));
    }

    private Result run(final String name, final long seconds, final Consumer<TrafficSimulator> traffic)
            throws IOException {
        return run(name, seconds, traffic, HOME);
    }

    private Result run(final String name, final long seconds, final Consumer<TrafficSimulator> traffic,
                       final DetectionConfig config) throws IOException {
        final long duration = seconds * TrafficSimulator.SECOND;
        final TrafficSimulator simulator = new TrafficSimulator(60, TrafficSimulator.DEFAULT_START_NANOS, duration);
        traffic.accept(simulator);
        final Path pcap = dir.resolve(name.toLowerCase() + ".pcap");
        simulator.write(pcap);
        try (DetectorDriver driver = new DetectorDriver(config, dir.resolve("state" + config.hashCode()))) {
            driver.pipeAll(SensorFlows.batches(SensorFlows.capture(pcap, "test")));
            driver.endOfCapture();
            return new Result(driver.alertRecords(), driver.blocklist());
        }
    }
}
