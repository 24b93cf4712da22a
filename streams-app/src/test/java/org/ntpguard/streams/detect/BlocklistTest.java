package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.detect.Traffic.T0;
import static org.ntpguard.streams.detect.Traffic.ip;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlocklistTest {

    private static final DetectionConfig DEFAULTS = DetectionConfig.defaults();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    static Stream<Arguments> defaults() {
        return Stream.of(
                Arguments.of(AlertType.SCANNER, AlertRole.SCANNER, false, "203.0.113.200", true),
                Arguments.of(AlertType.REFLECTOR, AlertRole.REFLECTOR, true, "198.18.0.1", true),
                Arguments.of(AlertType.REFLECTOR, AlertRole.REFLECTOR, false, "198.18.0.1", false),
                Arguments.of(AlertType.AMPLIFICATION_VICTIM, AlertRole.VICTIM, false, "203.0.113.66", false),
                Arguments.of(AlertType.MONLIST_ABUSE, AlertRole.VICTIM, false, "203.0.113.66", false),
                Arguments.of(AlertType.MONLIST_ABUSE, AlertRole.REFLECTOR, false, "198.18.0.1", false),
                Arguments.of(AlertType.KOD_IGNORED, AlertRole.CLIENT, false, "192.0.2.77", true),
                Arguments.of(AlertType.KOD_IGNORED, AlertRole.SERVER, false, "198.51.100.123", false),
                Arguments.of(AlertType.EXPOSED_CONTROL, AlertRole.SERVER, false, "198.18.0.1", false),
                Arguments.of(AlertType.UNSYNCHRONIZED_SERVER, AlertRole.SERVER, false, "198.18.0.1", false),
                Arguments.of(AlertType.FAST_POLL, AlertRole.CLIENT, false, "192.0.2.77", false),
                Arguments.of(AlertType.SPOOFED_SOURCE, AlertRole.VICTIM, false, "203.0.113.66", false),
                Arguments.of(AlertType.MONLIST_ABUSE, AlertRole.PROBER, false, "203.0.113.9", false));
    }

    @ParameterizedTest(name = "{0} {1} unsolicited={2} -> blocked={4}")
    @MethodSource("defaults")
    void shouldBlockOnlyWhatTheDefaultsBlockWhenGivenAnAlert(final AlertType type, final AlertRole role,
                                                             final boolean unsolicited, final String subject,
                                                             final boolean blocked) {
        assertThat(Blocklist.block(alert(type, role, unsolicited, subject, T0), null, DEFAULTS).isPresent())
                .isEqualTo(blocked);
    }

    @Test
    void shouldAlertButNotBlockHomeAddressesUnlessTheOperatorSaysSo() {
        final DetectionConfig site = DEFAULTS.toBuilder().trustedNetworks(Networks.parse("192.0.2.0/24")).build();
        final Alert homeScanner = alert(AlertType.SCANNER, AlertRole.SCANNER, false, "192.0.2.9", T0);
        final Alert outsideScanner = alert(AlertType.SCANNER, AlertRole.SCANNER, false, "203.0.113.200", T0);

        assertThat(Blocklist.block(homeScanner, null, site)).isEmpty();
        assertThat(Blocklist.block(outsideScanner, null, site)).isPresent();
        assertThat(Blocklist.block(homeScanner, null, site.toBuilder().blockHome(true).build())).isPresent();
        assertThat(Blocklist.block(alert(AlertType.SCANNER, AlertRole.SCANNER, false, "127.0.0.1", T0), null, site))
                .as("loopback is always local").isEmpty();
    }

    @Test
    void shouldNeverBlockAVictimWhenConfiguredToBlockItsType() {
        final DetectionConfig config = DEFAULTS.toBuilder()
                .blockedTypes(java.util.EnumSet.allOf(AlertType.class)).build();

        assertThat(Blocklist.block(alert(AlertType.AMPLIFICATION_VICTIM, AlertRole.VICTIM, false, "203.0.113.66",
                T0), null, config)).isEmpty();
    }

    @Test
    void shouldNeverBlockAnAllowlistedSubjectWhenItScans() {
        final DetectionConfig config = DEFAULTS.toBuilder().allowlist(Networks.parse("203.0.113.0/24")).build();

        assertThat(Blocklist.block(alert(AlertType.SCANNER, AlertRole.SCANNER, false, "203.0.113.200", T0), null,
                config)).isEmpty();
    }

    @Test
    void shouldBlockSolicitedReflectorsWhenConfiguredTo() {
        final DetectionConfig config = DEFAULTS.toBuilder().blockOnlyUnsolicitedReflectors(false).build();

        assertThat(Blocklist.block(alert(AlertType.REFLECTOR, AlertRole.REFLECTOR, false, "198.18.0.1", T0), null,
                config)).isPresent();
    }

    @Test
    void shouldExpireAnHourAfterTheLastAbuseWhenNotExtended() {
        final BlockEntry entry = Blocklist.block(alert(AlertType.SCANNER, AlertRole.SCANNER, false,
                "203.0.113.200", T0), null, DEFAULTS).orElseThrow();

        assertThat(entry.prefixLength()).isEqualTo(32);
        assertThat(entry.expiresAt()).isEqualTo(T0 + 29_000 + HOUR);
        assertThat(Blocklist.expired(entry, entry.expiresAt() - 1)).isFalse();
        assertThat(Blocklist.expired(entry, entry.expiresAt())).isTrue();
    }

    @Test
    void shouldExtendTheEntryAndKeepTheNewestAlertIdsWhenAbuseContinues() {
        BlockEntry entry = null;
        for (int i = 0; i < 20; i++) {
            final Alert alert = alert(AlertType.SCANNER, AlertRole.SCANNER, false, "203.0.113.200",
                    T0 + i * HOUR);
            entry = Blocklist.block(alert, entry, DEFAULTS).orElseThrow();
        }

        assertThat(entry.firstSeen()).isEqualTo(T0 + 1_000);
        assertThat(entry.lastSeen()).isEqualTo(T0 + 19 * HOUR + 29_000);
        assertThat(entry.expiresAt()).isEqualTo(entry.lastSeen() + HOUR);
        assertThat(entry.alertIds()).hasSize(Blocklist.MAX_ALERT_IDS)
                .endsWith(AlertTracker.idOf(AlertType.SCANNER, ip("203.0.113.200"), T0 + 19 * HOUR).toString());
    }

    @Test
    void shouldUse128BitsWhenTheSubjectIsIpv6() {
        final Optional<BlockEntry> entry = Blocklist.block(alert(AlertType.SCANNER, AlertRole.SCANNER, false,
                "2001:db8::66", T0), null, DEFAULTS);

        assertThat(entry).get().extracting(BlockEntry::prefixLength).isEqualTo(128);
    }

    @Test
    void shouldKeepTheHighestSeverityWhenALessSevereAlertExtendsTheEntry() {
        final BlockEntry scanned = Blocklist.block(alert(AlertType.SCANNER, AlertRole.SCANNER, false,
                "203.0.113.200", T0, Severity.MEDIUM), null, DEFAULTS).orElseThrow();
        final BlockEntry reflected = Blocklist.block(alert(AlertType.REFLECTOR, AlertRole.REFLECTOR, true,
                "203.0.113.200", T0 + HOUR, Severity.HIGH), scanned, DEFAULTS).orElseThrow();

        final BlockEntry scannedAgain = Blocklist.block(alert(AlertType.SCANNER, AlertRole.SCANNER, false,
                "203.0.113.200", T0 + 2 * HOUR, Severity.MEDIUM), reflected, DEFAULTS).orElseThrow();

        assertThat(scanned.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(reflected.severity()).isEqualTo(Severity.HIGH);
        assertThat(scannedAgain.severity()).isEqualTo(Severity.HIGH);
        assertThat(scannedAgain.reason()).startsWith("SCANNER");
    }

    private static Alert alert(final AlertType type, final AlertRole role, final boolean unsolicited,
                               final String subject, final long windowStart) {
        return alert(type, role, unsolicited, subject, windowStart, Severity.HIGH);
    }

    private static Alert alert(final AlertType type, final AlertRole role, final boolean unsolicited,
                               final String subject, final long windowStart, final Severity severity) {
        final Evidence evidence = new Evidence(1, 48, 1, 48, 1, 1, List.of(), Map.of());
        return new Alert(AlertTracker.idOf(type, ip(subject), windowStart), type, severity, ip(subject), role,
                unsolicited, windowStart, windowStart + 30_000, windowStart + 1_000, windowStart + 29_000, evidence,
                List.of("s"), "summary", 0);
    }
}
