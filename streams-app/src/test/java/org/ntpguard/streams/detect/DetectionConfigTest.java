package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ntpguard.streams.detect.Traffic.ip;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectionConfigTest {

    @Test
    void shouldHoldTheDocumentedDefaultsWhenNothingIsConfigured() {
        final DetectionConfig c = DetectionConfig.defaults();

        assertThat(c.windowSize()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.alertCooldown()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.blocklistExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(c.peerTableCap()).isEqualTo(1024);
        assertThat(c.topPeers()).isEqualTo(10);
        assertThat(c.trustedNetworks()).isEqualTo(Networks.privateAndLoopback());
        assertThat(c.allowlist().isEmpty()).isTrue();
        assertThat(c.blockedTypes()).containsExactlyInAnyOrder(AlertType.SCANNER, AlertType.REFLECTOR,
                AlertType.KOD_IGNORED);
        assertThat(c.blockOnlyUnsolicitedReflectors()).isTrue();
        assertThat(c.victimMinResponseBytes()).isEqualTo(40_000);
        assertThat(c.victimMinRatio()).isEqualTo(10.0);
        assertThat(c.victimMinUnsolicitedResponses()).isEqualTo(50);
        assertThat(c.victimMinUnsolicitedServers()).isEqualTo(20);
        assertThat(c.reflectorMinResponseBytes()).isEqualTo(10_000);
        assertThat(c.monlistMinResponses()).isEqualTo(20);
        assertThat(c.scannerMinServers()).isEqualTo(100);
        assertThat(c.scannerMinControlServers()).isEqualTo(20);
        assertThat(c.kodIgnoredMinRequests()).isEqualTo(5);
        assertThat(c.fastPollMinRequests()).isEqualTo(20);
        assertThat(c.unsynchronizedMinResponses()).isEqualTo(3);
    }

    @Test
    void shouldReadEveryKnownKeyWhenGivenProperties() {
        final Properties p = new Properties();
        p.setProperty("ntpguard.window.size", "1m");
        p.setProperty("ntpguard.window.grace", "500ms");
        p.setProperty("ntpguard.alert.cooldown", "2h");
        p.setProperty("ntpguard.incident.quiet", "45m");
        p.setProperty("ntpguard.blocklist.expiry", "1d");
        p.setProperty("ntpguard.peer.table.cap", "256");
        p.setProperty("ntpguard.top.peers", "5");
        p.setProperty("ntpguard.trusted.networks", "192.0.2.0/24, 2001:db8::/32");
        p.setProperty("ntpguard.allowlist", "198.51.100.10");
        p.setProperty("ntpguard.blocklist.types", "scanner, KOD_IGNORED");
        p.setProperty("ntpguard.blocklist.only.unsolicited.reflectors", "false");
        p.setProperty("ntpguard.victim.min.ratio", "12.5");
        p.setProperty("ntpguard.victim.min.response.bytes", "80_000");
        p.setProperty("ntpguard.fast.poll.min.requests", "30");
        p.setProperty("bootstrap.servers", "ignored:9092");

        final DetectionConfig c = DetectionConfig.fromProperties(p);

        assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.grace()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.alertCooldown()).isEqualTo(Duration.ofHours(2));
        assertThat(c.incidentQuiet()).isEqualTo(Duration.ofMinutes(45));
        assertThat(c.blocklistExpiry()).isEqualTo(Duration.ofDays(1));
        assertThat(c.peerTableCap()).isEqualTo(256);
        assertThat(c.topPeers()).isEqualTo(5);
        assertThat(c.trustedNetworks().contains(ip("192.0.2.5"))).isTrue();
        assertThat(c.trustedNetworks().contains(ip("10.0.0.1"))).isFalse();
        assertThat(c.allowlist().contains(ip("198.51.100.10"))).isTrue();
        assertThat(c.blockedTypes()).isEqualTo(Set.of(AlertType.SCANNER, AlertType.KOD_IGNORED));
        assertThat(c.blockOnlyUnsolicitedReflectors()).isFalse();
        assertThat(c.victimMinRatio()).isEqualTo(12.5);
        assertThat(c.victimMinResponseBytes()).isEqualTo(80_000);
        assertThat(c.fastPollMinRequests()).isEqualTo(30);
        assertThat(c.scannerMinServers()).isEqualTo(100);
    }

    @Test
    void shouldListEverySettingAsTextThatReadsBackToTheSameConfiguration() {
        final Properties p = new Properties();
        p.setProperty("ntpguard.window.grace", "500ms");
        p.setProperty("ntpguard.alert.cooldown", "2h");
        p.setProperty("ntpguard.trusted.networks", "192.0.2.0/24, 2001:db8::/32");
        p.setProperty("ntpguard.blocklist.types", "scanner, KOD_IGNORED");
        p.setProperty("ntpguard.victim.min.ratio", "12.5");
        final DetectionConfig c = DetectionConfig.fromProperties(p);

        final java.util.Map<String, String> settings = c.settings();

        // Every key but the home networks' older name, which reads back under the new one.
        assertThat(settings.keySet()).containsExactlyElementsOf(DetectionConfig.propertyKeys().stream()
                .filter(key -> !key.equals(DetectionConfig.TRUSTED_NETWORKS)).toList());
        assertThat(settings).containsEntry("ntpguard.window.size", "30s")
                .containsEntry("ntpguard.window.grace", "500ms")
                .containsEntry("ntpguard.alert.cooldown", "2h")
                .containsEntry("ntpguard.victim.min.ratio", "12.5")
                .containsEntry("ntpguard.blocklist.types", "SCANNER,KOD_IGNORED");
        assertThat(settings.get("ntpguard.home.networks")).isEqualTo("192.0.2.0/24, 2001:db8::/32");
        final Properties again = new Properties();
        again.putAll(settings);
        assertThat(DetectionConfig.fromProperties(again).settings()).isEqualTo(settings);
        assertThat(DetectionConfig.fromProperties(again).trustedNetworks()).isEqualTo(c.trustedNetworks());
    }

    @Test
    void shouldListTheKnownKeysWhenAKeyIsUnknown() {
        final Properties p = new Properties();
        p.setProperty("ntpguard.window.sise", "30s");

        assertThatThrownBy(() -> DetectionConfig.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ntpguard.window.sise'")
                .hasMessageContaining("ntpguard.window.size, ntpguard.window.grace");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "ntpguard.window.size | 30 | a duration like 30s",
        "ntpguard.window.size | 30x | a duration like 30s",
        "ntpguard.peer.table.cap | many | a whole number",
        "ntpguard.victim.min.ratio | ten | a positive number",
        "ntpguard.trusted.networks | 10.0.0.0/8, nope | comma-separated addresses or CIDR prefixes",
        "ntpguard.blocklist.types | SCANNER, VILLAIN | comma-separated alert types",
        "ntpguard.blocklist.only.unsolicited.reflectors | yes | true or false"})
    void shouldNameKeyValueAndExpectationWhenAValueIsBad(final String key, final String value,
                                                         final String expected) {
        final Properties p = new Properties();
        p.setProperty(key, value);

        assertThatThrownBy(() -> DetectionConfig.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key).hasMessageContaining("'" + value + "'").hasMessageContaining(expected);
    }

    @Test
    void shouldRefuseOutOfRangeValuesWhenBuilt() {
        final Properties p = new Properties();
        p.setProperty("ntpguard.peer.table.cap", "0");

        assertThatThrownBy(() -> DetectionConfig.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("peer table cap: 0 (expected: >= 1)");
        assertThatThrownBy(() -> DetectionConfig.defaults().toBuilder().victimMinRatio(0).build())
                .hasMessage("victim min ratio: 0.0 (expected: > 0)");
    }

    @Test
    void shouldReadTheHomeNetworksUnderEitherNameButNotBoth() {
        final Properties home = new Properties();
        home.setProperty("ntpguard.home.networks", "192.0.2.0/24");
        final Properties trusted = new Properties();
        trusted.setProperty("ntpguard.trusted.networks", "192.0.2.0/24");
        final Properties both = new Properties();
        both.putAll(home);
        both.putAll(trusted);

        assertThat(DetectionConfig.fromProperties(home).trustedNetworks()).isEqualTo(Networks.parse("192.0.2.0/24"));
        assertThat(DetectionConfig.fromProperties(home).homeNetworksConfigured()).isTrue();
        assertThat(DetectionConfig.fromProperties(trusted).trustedNetworks())
                .isEqualTo(DetectionConfig.fromProperties(home).trustedNetworks());
        assertThat(DetectionConfig.defaults().homeNetworksConfigured()).isFalse();
        assertThatThrownBy(() -> DetectionConfig.fromProperties(both))
                .hasMessageContaining("one setting");
    }

    @Test
    void shouldNotBlockHomeAddressesAndLimitNewEntriesByDefault() {
        assertThat(DetectionConfig.defaults().blockHome()).isFalse();
        assertThat(DetectionConfig.defaults().blocklistMaxNewPerWindow()).isEqualTo(10_000);
        final Properties p = new Properties();
        p.setProperty("ntpguard.blocklist.home", "true");
        p.setProperty("ntpguard.blocklist.max.new.per.window", "50");
        assertThat(DetectionConfig.fromProperties(p).blockHome()).isTrue();
        assertThat(DetectionConfig.fromProperties(p).blocklistMaxNewPerWindow()).isEqualTo(50);
    }

    @Test
    void shouldShipASampleFileWithEveryKeyAtItsDefault() throws java.io.IOException {
        final java.nio.file.Path sample = java.nio.file.Path.of(System.getProperty("ntpguard.root"))
                .resolve("samples/detection.properties");
        final java.util.List<String> lines = java.nio.file.Files.readAllLines(sample);
        for (final String key : DetectionConfig.propertyKeys()) {
            if (key.equals(DetectionConfig.TRUSTED_NETWORKS)) {
                continue; // the home networks' older name: named in a comment, not given twice
            }
            assertThat(lines).as(key).anyMatch(line -> line.startsWith(key + "=") || line.startsWith("#" + key + "="));
        }
        final Properties properties = new Properties();
        try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(sample)) {
            properties.load(reader);
        }
        assertThat(DetectionConfig.fromProperties(properties).toString())
                .isEqualTo(DetectionConfig.defaults().toString());
        final String home = lines.stream().filter(line -> line.startsWith("#" + DetectionConfig.HOME_NETWORKS + "="))
                .findFirst().orElseThrow();
        assertThat(Networks.parse(home.substring(home.indexOf('=') + 1)))
                .isEqualTo(DetectionConfig.defaults().trustedNetworks());
    }
}
