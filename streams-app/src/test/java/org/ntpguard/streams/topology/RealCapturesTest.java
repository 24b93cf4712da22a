package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.Networks;

/**
 * The real captures of {@code shared/captures} are benign background traffic, with one exception: the in-the-wild
 * monlist reflection packet of {@code ndpi/NTPv2.pcap}. With the default configuration they raise no alert.
 *
 * <p>Decision for NTPv2.pcap, one 368-byte MON_GETLIST_1 response (5 MRU entries) from 208.104.95.10 to
 * 78.46.76.2 port 80: a server that answers monlist to the outside is a reflector (CVE-2013-5211), so it raises
 * MONLIST_ABUSE on the server, role REFLECTOR, at MEDIUM severity (one packet, below the count that makes it HIGH),
 * and EXPOSED_CONTROL (INFO), since it answers mode 7 from outside. The receiving address gets nothing: 368 bytes
 * are far below what makes a victim, and one reply proves no attack on it.
 *
 * <p>The trusted networks are the default private and loopback ranges plus 192.0.2.0/24 and 198.51.100.0/24:
 * the scapy test vectors were wrapped in IPv4 with those documentation addresses as the home network (an ntpdc
 * and ntpq administrator at 192.0.2.10 querying its own server 198.51.100.20), as the scenarios use them.
 */
class RealCapturesTest {

    static final DetectionConfig CONFIG = DetectionConfig.defaults().toBuilder()
            .trustedNetworks(Networks.parse(Networks.privateAndLoopback() + ", 192.0.2.0/24, 198.51.100.0/24"))
            .build();

    @TempDir
    Path stateDir;

    static Stream<String> benignCaptures() throws IOException {
        final Path captures = SharedMaterial.captures();
        try (Stream<Path> files = Files.walk(captures)) {
            return files.filter(file -> file.toString().endsWith(".pcap"))
                    .map(file -> captures.relativize(file).toString())
                    .filter(file -> !file.equals("ndpi/NTPv2.pcap"))
                    .sorted().toList().stream();
        }
    }

    private List<NtpAlert> alerts(final String file) throws IOException {
        final List<SensorFlows.Interval> flows = SensorFlows.capture(SharedMaterial.captures().resolve(file), "test");
        try (DetectorDriver driver = new DetectorDriver(CONFIG, stateDir)) {
            driver.pipeIntervals(flows);
            driver.endOfCapture();
            return driver.alertRecords();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benignCaptures")
    void shouldRaiseNothingOnBenignRealTraffic(final String file) throws IOException {
        assertThat(alerts(file)).extracting(NtpAlert::getSummary).isEmpty();
    }

    @Test
    void shouldFlagTheServerOfTheRealMonlistReflectionOnly() throws IOException {
        final List<NtpAlert> alerts = alerts("ndpi/NTPv2.pcap");

        assertThat(alerts).extracting(a -> a.getType() + " " + DetectorDriver.text(a.getSubject()) + " "
                + a.getRole() + " " + a.getSeverity())
                .containsExactlyInAnyOrder("MONLIST_ABUSE 208.104.95.10 REFLECTOR MEDIUM",
                        "EXPOSED_CONTROL 208.104.95.10 SERVER INFO");
        assertThat(alerts).allSatisfy(alert -> assertThat(alert.getResponseBytes()).isEqualTo(368));
    }
}
