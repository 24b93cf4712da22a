package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * The real captures of {@code shared/captures} are benign background traffic, with one exception: the in-the-wild
 * monlist reflection packet of {@code ndpi/NTPv2.pcap}. With the default configuration they raise no alert.
 *
 * <p>Decision for NTPv2.pcap, one 368-byte MON_GETLIST_1 response (5 MRU entries) from 208.104.95.10 to
 * 78.46.76.2: a server that answers monlist at all is a reflector (CVE-2013-5211), so it raises MONLIST_ABUSE on
 * the server, role REFLECTOR, at MEDIUM severity (one packet, below the count that makes it HIGH). The receiving
 * address gets nothing: 368 bytes are far below what makes a victim, and one reply proves no attack on it.
 */
class RealCapturesTest {

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
        final List<NtpPacket> packets = SharedMaterial.decode(SharedMaterial.captures().resolve(file)).packets()
                .stream().sorted(Comparator.comparingLong(NtpPacket::getTs)).toList();
        try (DetectorDriver driver = new DetectorDriver(DetectionConfig.defaults(), stateDir)) {
            packets.forEach(driver::pipe);
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

        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.getType().name()).isEqualTo("MONLIST_ABUSE");
            assertThat(DetectorDriver.text(alert.getSubject())).isEqualTo("208.104.95.10");
            assertThat(alert.getRole().name()).isEqualTo("REFLECTOR");
            assertThat(alert.getSeverity().name()).isEqualTo("MEDIUM");
            assertThat(alert.getResponseBytes()).isEqualTo(368);
        });
    }
}
