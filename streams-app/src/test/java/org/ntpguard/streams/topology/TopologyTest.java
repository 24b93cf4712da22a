package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.topology.Packets.T0;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.WindowSummary;

/** The wiring: windows close on event time, detections become alerts once per cool-down, blocking types block. */
class TopologyTest {

    private static final String VICTIM = "203.0.113.66";
    private static final String SCANNER = "203.0.113.200";

    @TempDir
    Path stateDir;

    private final DetectionConfig config = ScenarioTest.scenarioConfig();

    /** 40 reflectors each answer a spoofed monlist probe with 4 full replies, in the 30 s window at T0. */
    private static void monlistAttack(final DetectorDriver driver, final long start) {
        for (int r = 1; r <= 40; r++) {
            final String reflector = "198.18.0." + r;
            final long at = start + r * 100L;
            driver.pipe(Packets.monlistProbe(at, VICTIM, reflector));
            for (int seq = 0; seq < 4; seq++) {
                driver.pipe(Packets.monlistReply(at + 10 + seq, reflector, VICTIM, seq));
            }
        }
    }

    private static void scan(final DetectorDriver driver, final long start, final int targets) {
        for (int t = 1; t <= targets; t++) {
            driver.pipe(Packets.readvar(start + t * 10L, SCANNER, "198.18.1." + t, false));
        }
    }

    @Test
    void shouldKeepTheWindowOpenUntilEventTimePassesItsEndAndGrace() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            monlistAttack(driver, T0);

            assertThat(driver.alertRecords()).isEmpty();
            // The open window is in the store that rebuilds it after a restart, as of the last commit: 40 probes of
            // the victim and 160 replies.
            final long windowStart = T0 - Math.floorMod(T0, config.windowSize().toMillis());
            final byte[] snapshot = windowStore(driver, NtpTopology.CLIENT_WINDOW_STORE).get(
                    WindowKeys.window(org.ntpguard.streams.detect.IpAddress.parse(VICTIM), windowStart));
            assertThat(snapshot).isNotNull();
            final var victimWindow = org.ntpguard.streams.serde.ClientWindowCodec.decode(snapshot);
            assertThat(victimWindow.requests()).isEqualTo(40);
            assertThat(victimWindow.responses()).isEqualTo(160);

            driver.heartbeat(T0 + 30_000 + 4_000); // inside the 5 s grace: still open
            assertThat(driver.alertRecords()).isEmpty();

            driver.heartbeat(T0 + 30_000 + 5_001);
            final List<NtpAlert> alerts = driver.alertRecords();
            assertThat(alerts).extracting(a -> a.getType() + "/" + DetectorDriver.text(a.getSubject()))
                    .contains("AMPLIFICATION_VICTIM/" + VICTIM, "REFLECTOR/198.18.0.1", "REFLECTOR/198.18.0.40");
        }
    }

    @Test
    void shouldHoldAHeartbeatBackUntilThePacketsItFollowsHaveBeenRead() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            // The end-of-capture heartbeat fetched before the flow batches sent ahead of it: the attack's 200
            // datagrams span 4 s, five 1 s intervals of one sensor, offsets 0 to 4.
            driver.heartbeat(T0 + 3_600_000L, List.of(4L));
            assertThat(driver.driver().<Long, Object>getKeyValueStore(HeartbeatGate.STORE).approximateNumEntries())
                    .isEqualTo(1);

            monlistAttack(driver, T0);

            // Taken after the last packet: every packet counted, every window closed.
            assertThat(driver.alertRecords()).extracting(a -> a.getType() + "/" + DetectorDriver.text(a.getSubject()))
                    .contains("AMPLIFICATION_VICTIM/" + VICTIM, "REFLECTOR/198.18.0.1", "REFLECTOR/198.18.0.40");
            assertThat(driver.driver().<Long, Object>getKeyValueStore(HeartbeatGate.STORE).approximateNumEntries())
                    .isZero();
        }
    }

    @Test
    void shouldHoldAHeartbeatWhileFlowBatchesKeepComingAndLetItGoOnlyOnceTheyStop() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            // A detector behind a long replay: the end-of-capture heartbeat waits for an offset that a backlog
            // taking longer than the hold will reach (here never), and batches come all the while.
            driver.heartbeat(T0 + 3_600_000L, List.of(1_000L));
            monlistAttack(driver, T0);
            for (int second = 5; second < 10; second++) {
                driver.pipe(Packets.readvar(T0 + second * 1_000L, SCANNER, "198.18.1.1", false));
                driver.flush();
                driver.driver().advanceWallClockTime(HeartbeatGate.MAX_HOLD.dividedBy(2));
            }
            // 2.5 holds since the heartbeat came, but never a hold without a batch.
            assertThat(driver.driver().<Long, Object>getKeyValueStore(HeartbeatGate.STORE).approximateNumEntries())
                    .isEqualTo(1);
            assertThat(driver.alertRecords()).isEmpty();

            driver.driver().advanceWallClockTime(HeartbeatGate.MAX_HOLD.plusSeconds(1));

            assertThat(driver.driver().<Long, Object>getKeyValueStore(HeartbeatGate.STORE).approximateNumEntries())
                    .isZero();
            assertThat(driver.alertRecords()).extracting(a -> a.getType() + "/" + DetectorDriver.text(a.getSubject()))
                    .contains("AMPLIFICATION_VICTIM/" + VICTIM);
        }
    }

    @Test
    void shouldTakeAHeartbeatThatNamesNoPacketsAsItComesAndDropLaterPacketsAsLate() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            // What the gate prevents: a heartbeat of an older sensor (no offsets) taken first closes the windows.
            driver.heartbeat(T0 + 3_600_000L);

            monlistAttack(driver, T0);
            driver.heartbeat(T0 + 7_200_000L);

            assertThat(driver.alertRecords()).isEmpty();
        }
    }

    @Test
    void shouldReadASubjectsOpenWindowsFromTheWindowStoreForTheHostDrillDown() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            monlistAttack(driver, T0);
            monlistAttack(driver, T0 + 30_000);

            final var clients = windowStore(driver, NtpTopology.CLIENT_WINDOW_STORE);
            final var victim = OpenWindowQuery.clientWindows(clients,
                    org.ntpguard.streams.detect.IpAddress.parse(VICTIM));
            final long size = config.windowSize().toMillis();
            final long first = T0 - Math.floorMod(T0, size);
            // Two windows open (the first is in its grace period): 40 probes and 160 replies in each.
            assertThat(victim.keySet()).containsExactly(first, first + size);
            assertThat(victim.values()).allSatisfy(w -> {
                assertThat(w.requests()).isEqualTo(40);
                assertThat(w.responses()).isEqualTo(160);
                assertThat(w.distinctServersAnswering()).isEqualTo(40);
            });

            driver.heartbeat(T0 + 30_000 + 5_001); // closes the first window: only the second is left
            assertThat(OpenWindowQuery.clientWindows(clients, org.ntpguard.streams.detect.IpAddress.parse(VICTIM))
                    .keySet()).containsExactly(first + size);
            final var servers = windowStore(driver, NtpTopology.SERVER_WINDOW_STORE);
            assertThat(OpenWindowQuery.serverWindows(servers, org.ntpguard.streams.detect.IpAddress.parse(
                    "198.18.0.7")).get(first + size).responses()).isEqualTo(4);
        }
    }

    @Test
    void shouldKeepEachClosedWindowsSummaryForTheCooldownForTheHostDrillDown() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            final IpAddress victim = IpAddress.parse(VICTIM);
            final long size = config.windowSize().toMillis();
            final long first = T0 - Math.floorMod(T0, size);
            final WindowStore<Bytes, byte[]> clients = driver.driver().getWindowStore(NtpTopology.CLIENT_RECENT_STORE);
            final WindowStore<Bytes, byte[]> servers = driver.driver().getWindowStore(NtpTopology.SERVER_RECENT_STORE);
            monlistAttack(driver, T0);
            monlistAttack(driver, T0 + 30_000);
            assertThat(RecentWindows.of(clients, victim)).isEmpty(); // both windows still open

            // when: the first window closes
            driver.heartbeat(T0 + 30_000 + 5_001);

            // then: its summary is kept, as the drill-down shows an open window
            assertThat(RecentWindows.of(clients, victim)).singleElement().satisfies(closed -> {
                assertThat(closed.windowStart()).isEqualTo(first);
                assertThat(closed.requests()).isEqualTo(40);
                assertThat(closed.responses()).isEqualTo(160);
                assertThat(closed.counts()).containsEntry("distinctServersAnswering", 40L)
                        .containsEntry("monlistResponses", 160L);
            });
            assertThat(RecentWindows.of(servers, IpAddress.parse("198.18.0.7"))).singleElement()
                    .satisfies(closed -> assertThat(closed.counts()).containsEntry("monlistResponses", 4L));

            // when: a window a cool-down after the first closes: the first is dropped, the second stays
            final long later = first + RecentWindows.retention(config).toMillis();
            monlistAttack(driver, later);
            driver.heartbeat(later + size + 5_001);

            // then
            assertThat(RecentWindows.of(clients, victim)).extracting(WindowSummary::windowStart)
                    .doesNotContain(first).contains(first + size, later);
        }
    }

    @Test
    void shouldUpdateOneAlertWhileTheAbuseGoesOnAndKeepItInTheStore() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            monlistAttack(driver, T0);
            monlistAttack(driver, T0 + 30_000);
            driver.endOfCapture();

            final List<NtpAlert> victim = driver.alertRecords().stream()
                    .filter(a -> a.getType().name().equals("AMPLIFICATION_VICTIM")).toList();
            assertThat(victim).hasSize(2);
            assertThat(victim.get(1).getId()).isEqualTo(victim.get(0).getId());
            assertThat(victim.get(0).getUpdates()).isZero();
            assertThat(victim.get(1).getUpdates()).isEqualTo(1);
            assertThat(victim.get(1).getResponseBytes()).isEqualTo(2 * victim.get(0).getResponseBytes());
            final KeyValueStore<String, NtpAlert> store = driver.driver().getKeyValueStore(NtpTopology.ALERT_STORE);
            assertThat(store.get("AMPLIFICATION_VICTIM/" + VICTIM)).isEqualTo(victim.get(1));
        }
    }

    @Test
    void shouldBlockAScannerButNeverTheVictim() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            monlistAttack(driver, T0);
            scan(driver, T0 + 1_000, 60);
            driver.endOfCapture();

            final Map<String, BlocklistEntry> blocklist = driver.blocklist();
            assertThat(blocklist).containsKey(SCANNER + "/32").doesNotContainKey(VICTIM + "/32");
            assertThat(blocklist.get(SCANNER + "/32").getExpiresAt())
                    .isEqualTo(blocklist.get(SCANNER + "/32").getLastSeen() + config.blocklistExpiry().toMillis());
            final NtpAlert scanAlert = driver.alertRecords().stream()
                    .filter(alert -> alert.getType() == org.ntpguard.schema.AlertType.SCANNER).findFirst()
                    .orElseThrow();
            assertThat(blocklist.get(SCANNER + "/32").getSeverity()).isEqualTo(scanAlert.getSeverity())
                    .isNotEqualTo(org.ntpguard.schema.Severity.UNKNOWN);
        }
    }

    @Test
    void shouldLimitNewBlocklistEntriesPerWindowAndCountWhatItKeptOff() {
        final DetectionConfig limited = config.toBuilder().blocklistMaxNewPerWindow(2).build();
        final org.ntpguard.streams.metrics.DetectorMetrics metrics = new org.ntpguard.streams.metrics.DetectorMetrics(
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try (DetectorDriver driver = new DetectorDriver(limited, stateDir, metrics)) {
            for (int s = 0; s < 3; s++) {
                for (int t = 1; t <= 60; t++) {
                    driver.pipe(Packets.readvar(T0 + 1_000 + s * 1_000L + t * 10L, "203.0.113." + (200 + s),
                            "198.18.1." + t, false));
                }
            }
            driver.endOfCapture();

            assertThat(driver.alertRecords()).filteredOn(a -> a.getType().name().equals("SCANNER")).hasSize(3);
            assertThat(driver.blocklist()).hasSize(2);
            assertThat(metrics.blocklistRateLimitedCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldNeverBlockTheSitesUpstreamWhenForgedResponsesClaimToComeFromItAmongRealReflectors() {
        final String upstream = "198.18.9.9";
        final org.ntpguard.streams.metrics.DetectorMetrics metrics = new org.ntpguard.streams.metrics.DetectorMetrics(
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try (DetectorDriver driver = new DetectorDriver(config, stateDir, metrics)) {
            // The site's clients (home: 192.0.2.0/24) poll their upstream, which answers in kind.
            for (int c = 20; c < 25; c++) {
                driver.pipe(Packets.clientRequest(T0 + c * 100L, "192.0.2." + c, upstream));
                driver.pipe(Packets.serverResponse(T0 + c * 100L + 15, upstream, "192.0.2." + c, null));
            }
            // In the same window, an outside victim gets unsolicited answers from 30 reflectors, and forged ones
            // "from" the upstream.
            for (int r = 0; r <= 30; r++) {
                final String from = r == 30 ? upstream : "198.18.0." + (r + 1);
                for (int i = 0; i < 3; i++) {
                    driver.pipe(Packets.serverResponse(T0 + 5_000 + r * 50L + i, from, VICTIM, null));
                }
            }
            driver.endOfCapture();

            assertThat(driver.alertRecords()).extracting(a -> a.getType() + "/" + DetectorDriver.text(a.getSubject()))
                    .contains("AMPLIFICATION_VICTIM/" + VICTIM, "REFLECTOR/198.18.0.1", "REFLECTOR/" + upstream);
            final Map<String, BlocklistEntry> blocklist = driver.blocklist();
            assertThat(blocklist).containsKey("198.18.0.1/32").containsKey("198.18.0.30/32")
                    .doesNotContainKey(upstream + "/32").hasSize(30);
            assertThat(metrics.blocklistSiteUpstreamCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotFlagAScanJustBelowTheThreshold() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            scan(driver, T0 + 1_000, (int) config.scannerMinControlServers() - 1);
            driver.endOfCapture();

            assertThat(driver.alertRecords()).noneMatch(a -> a.getType().name().equals("SCANNER"));
            assertThat(driver.blocklist()).isEmpty();
        }
    }

    @Test
    void shouldExpireABlocklistEntryWithATombstoneOnceEventTimePassesItsExpiry() {
        try (DetectorDriver driver = new DetectorDriver(config, stateDir)) {
            scan(driver, T0 + 1_000, 60);
            driver.heartbeat(T0 + 60_000);
            assertThat(driver.blocklist()).containsKey(SCANNER + "/32");

            // Other traffic keeps event time moving, the scanner is quiet: the entry expires after blocklistExpiry.
            // (Heartbeats alone would not do: they close windows, but move the blocklist's time no further than
            // the last flow's window, so that the end-of-replay heartbeat, an hour on, expires nothing.)
            final long expiry = config.blocklistExpiry().toMillis();
            for (long t = T0 + 90_000; t <= T0 + 60_000 + expiry + 120_000; t += 30_000) {
                driver.pipe(Packets.readvar(t, "192.0.2.10", "198.18.1.1", false));
                driver.heartbeat(t);
            }
            final Map<String, BlocklistEntry> table = new java.util.LinkedHashMap<>();
            table.put(SCANNER + "/32", null);
            driver.blocklistInto(table);
            assertThat(table).doesNotContainKey(SCANNER + "/32");
        }
    }

    @SuppressWarnings("unchecked")
    private static org.apache.kafka.streams.state.ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>
            windowStore(final DetectorDriver driver, final String name) {
        return (org.apache.kafka.streams.state.ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>)
                driver.driver().getAllStateStores().get(name);
    }
}
