package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpPacket;

/** The same input gives the same alerts and blocklist however it is fed: in one batch, one by one, or across a restart. */
class DeterminismTest {

    @TempDir
    Path stateDir;

    private record Outcome(List<NtpAlert> alerts, Map<String, BlocklistEntry> blocklist) {
    }

    private static List<NtpPacket> input() throws IOException {
        // Scenario e then c, shifted: unsolicited reflection with KoDs, and a client ignoring KoD.
        final List<NtpPacket> packets = new ArrayList<>(ScenarioTest.packets("e_unsolicited_responses.pcap"));
        packets.addAll(ScenarioTest.packets("c_kod_storm.pcap"));
        return packets.stream().sorted(java.util.Comparator.comparingLong(NtpPacket::getTs)).toList();
    }

    private Outcome oneByOne(final List<NtpPacket> packets, final Path dir) {
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), dir)) {
            packets.forEach(driver::pipe);
            driver.endOfCapture();
            return new Outcome(driver.alertRecords(), driver.blocklist());
        }
    }

    @Test
    void shouldGiveTheSameAlertsInOneBatchAsOneByOne() throws IOException {
        final List<NtpPacket> packets = input();
        final Outcome single = oneByOne(packets, stateDir.resolve("single"));

        final Outcome batch;
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir.resolve("batch"))) {
            driver.pipeAll(packets);
            driver.endOfCapture();
            batch = new Outcome(driver.alertRecords(), driver.blocklist());
        }

        assertThat(single.alerts()).isNotEmpty();
        assertThat(batch.alerts()).isEqualTo(single.alerts());
        assertThat(batch.blocklist()).isEqualTo(single.blocklist());
    }

    @Test
    void shouldGiveTheSameAlertsAcrossARestartFromItsState() throws IOException {
        final List<NtpPacket> packets = input();
        final Outcome uninterrupted = oneByOne(packets, stateDir.resolve("uninterrupted"));

        final Path dir = stateDir.resolve("restarted");
        final int half = packets.size() / 2;
        final List<NtpAlert> alerts = new ArrayList<>();
        final Map<String, BlocklistEntry> blocklist = new java.util.LinkedHashMap<>();
        try (DetectorDriver first = new DetectorDriver(ScenarioTest.scenarioConfig(), dir)) {
            packets.subList(0, half).forEach(first::pipe);
            alerts.addAll(first.alertRecords());
            first.blocklistInto(blocklist);
        }
        try (DetectorDriver second = new DetectorDriver(ScenarioTest.scenarioConfig(), dir)) {
            packets.subList(half, packets.size()).forEach(second::pipe);
            second.endOfCapture();
            alerts.addAll(second.alertRecords());
            second.blocklistInto(blocklist);
        }

        assertThat(alerts).isEqualTo(uninterrupted.alerts());
        assertThat(blocklist).isEqualTo(uninterrupted.blocklist());
    }
}
