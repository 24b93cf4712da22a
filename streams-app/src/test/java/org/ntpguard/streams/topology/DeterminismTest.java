package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpFlowBatch;

/**
 * The same input gives the same alerts and blocklist however it is fed: in one batch or one by one, and with
 * detections delivered more than once (what a restart does to the windowed aggregates' output).
 */
class DeterminismTest {

    @TempDir
    Path stateDir;

    private record Outcome(List<NtpAlert> alerts, Map<String, BlocklistEntry> blocklist) {
    }

    private static List<NtpFlowBatch> input() throws IOException {
        // Scenarios e and c, two sensors' flows merged in time: unsolicited reflection with KoDs, and a client
        // ignoring KoD.
        return SensorFlows.batches(SensorFlows.byTime(ScenarioTest.intervals("e_unsolicited_responses.pcap"),
                ScenarioTest.intervals("c_kod_storm.pcap")));
    }

    private Outcome oneByOne(final List<NtpFlowBatch> batches, final Path dir) {
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), dir)) {
            batches.forEach(driver::pipe);
            driver.endOfCapture();
            return new Outcome(driver.alertRecords(), driver.blocklist());
        }
    }

    @Test
    void shouldGiveTheSameAlertsInOneBatchAsOneByOne() throws IOException {
        final List<NtpFlowBatch> batches = input();
        final Outcome single = oneByOne(batches, stateDir.resolve("single"));

        final Outcome batch;
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir.resolve("batch"))) {
            driver.pipeAll(batches);
            driver.endOfCapture();
            batch = new Outcome(driver.alertRecords(), driver.blocklist());
        }

        assertThat(single.alerts()).isNotEmpty();
        assertThat(batch.alerts()).isEqualTo(single.alerts());
        assertThat(batch.blocklist()).isEqualTo(single.blocklist());
    }

    /**
     * A restart makes the windowed aggregates emit again the windows they had emitted before (their emit position
     * is committed with the offsets, so a restart between two commits, or at-least-once redelivery, repeats
     * them): the alert tracker must count a detection once however often it arrives. TopologyTestDriver deletes
     * its state directory when it is closed, and a copy taken while it runs restores the key-value stores but not
     * the window stores (they start without a checkpoint and come back empty), so the restart itself is tested
     * against a real broker; here the repeated detections are piped straight into the tracker's input topic.
     */
    @Test
    void shouldCountADetectionDeliveredTwiceOnce() throws IOException {
        final List<NtpFlowBatch> batches = ScenarioTest.flows("c_kod_storm.pcap");
        final List<org.apache.kafka.streams.test.TestRecord<String, NtpAlert>> detections;
        final List<NtpAlert> once;
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir.resolve("once"),
                NtpTopology.Layout.REPARTITIONED)) {
            driver.pipeAll(batches);
            driver.endOfCapture();
            once = driver.alertRecords();
            detections = driver.detectionRecords();
        }
        assertThat(detections).isNotEmpty();

        final List<NtpAlert> twice;
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir.resolve("twice"),
                NtpTopology.Layout.REPARTITIONED)) {
            for (final org.apache.kafka.streams.test.TestRecord<String, NtpAlert> detection : detections) {
                driver.pipeDetection(detection);
                driver.pipeDetection(detection); // redelivered
            }
            twice = driver.alertRecords();
        }

        assertThat(twice).as("%d alerts from %d detections delivered once, %d delivered twice", once.size(), detections.size(), twice.size()).hasSameSizeAs(once);
        assertThat(twice).isEqualTo(once);
    }
}
