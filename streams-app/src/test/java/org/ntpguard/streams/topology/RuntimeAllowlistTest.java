package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.topology.Packets.T0;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.streams.allowlist.ListAction;
import org.ntpguard.streams.allowlist.ListChange;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * The operators' runtime changes through the whole topology: the allowlist topic as a global table, read by the
 * blocklist processor.
 */
class RuntimeAllowlistTest {

    private static final String SCANNER = "203.0.113.200";
    private static final String KEY = SCANNER + "/32";
    private static final Duration HOLD = Duration.ofMinutes(10);

    @TempDir
    Path stateDir;

    private final DetectionConfig config = ScenarioTest.scenarioConfig().toBuilder().unblockHold(HOLD).build();
    private final Map<String, BlocklistEntry> blocklist = new LinkedHashMap<>();

    /** A scan from {@link #SCANNER} in the window at {@code start}, and a heartbeat closing that window. */
    private static void scan(final DetectorDriver driver, final long start) {
        for (int t = 1; t <= 60; t++) {
            driver.pipe(Packets.readvar(start + t * 10L, SCANNER, "198.18.1." + t, false));
        }
        driver.heartbeat(start + 60_000);
    }

    /** Other traffic up to {@code end}: moves the blocklist's event time on, so that its expiry check runs. */
    private static void quietUntil(final DetectorDriver driver, final long from, final long end) {
        for (long t = from; t <= end; t += 30_000) {
            driver.pipe(Packets.readvar(t, "192.0.2.10", "198.18.1.1", false));
            driver.heartbeat(t);
        }
    }

    private static long scannerAlerts(final DetectorDriver driver) {
        return driver.alertRecords().stream().filter(alert -> alert.getType() == AlertType.SCANNER).count();
    }

    @Test
    void shouldRemoveAnEntryWhenItsPrefixIsAllowlistedKeepItOffAndLetItBackWhenWithdrawn() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            scan(driver, T0);
            assertThat(driver.blocklistInto(blocklist)).containsKey(KEY);

            driver.pipe(new ListChange(ListAction.ALLOW, "203.0.113.0/24", "our partner's monitoring", "alice",
                    "alice", T0 + 70_000));
            quietUntil(driver, T0 + 90_000, T0 + 150_000);
            assertThat(driver.blocklistInto(blocklist)).doesNotContainKey(KEY);

            scan(driver, T0 + 180_000); // abuses again: the alert stands, no entry
            assertThat(scannerAlerts(driver)).isPositive();
            assertThat(driver.blocklistInto(blocklist)).doesNotContainKey(KEY);

            driver.disallow("203.0.113.0/24", T0 + 250_000);
            scan(driver, T0 + 270_000);
            assertThat(driver.blocklistInto(blocklist)).containsKey(KEY);
        }
    }

    @Test
    void shouldHoldAnUnblockedAddressOffForTheHoldTimeThenLetItBack() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            scan(driver, T0);
            assertThat(driver.blocklistInto(blocklist)).containsKey(KEY);

            final long unblocked = T0 + 70_000;
            driver.pipe(new ListChange(ListAction.UNBLOCK, SCANNER, "false positive: our scanner", "bob", "bearer",
                    unblocked));
            quietUntil(driver, T0 + 90_000, T0 + 150_000);
            assertThat(driver.blocklistInto(blocklist)).doesNotContainKey(KEY);

            scan(driver, unblocked + HOLD.toMillis() - 120_000); // inside the hold: alerted, not blocked
            assertThat(scannerAlerts(driver)).isPositive();
            assertThat(driver.blocklistInto(blocklist)).doesNotContainKey(KEY);

            scan(driver, unblocked + HOLD.toMillis() + 60_000); // past the hold: blocked again
            assertThat(driver.blocklistInto(blocklist)).containsKey(KEY);
        }
    }
}
