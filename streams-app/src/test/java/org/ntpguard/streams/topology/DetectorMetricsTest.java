package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ntpguard.capture.PrometheusText;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.Role;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * The detector's meters over labelled scenarios in the TopologyTestDriver, read back from the Prometheus text and
 * checked against what the topology published and against windows counted from the packets themselves.
 */
class DetectorMetricsTest {

    @TempDir
    Path stateDir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"b_monlist_amplification.pcap", "c_kod_storm.pcap", "e_unsolicited_responses.pcap"})
    void shouldCountTheAlertsAndWindowsTheTopologyProduced(final String scenario) throws IOException {
        final DetectionConfig config = ScenarioTest.scenarioConfig();
        final List<NtpPacket> packets = ScenarioTest.packets(scenario);
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final DetectorMetrics metrics = new DetectorMetrics(registry);
        final List<NtpAlert> alerts;
        final Map<String, BlocklistEntry> blocklist;
        final PrometheusText scrape;
        try (DetectorDriver driver = new DetectorDriver(config, stateDir, metrics)) {
            final KeyValueStore<String, BlocklistEntry> store = driver.driver()
                    .getKeyValueStore(NtpTopology.BLOCKLIST_STORE);
            metrics.bindBlocklistEntries(() -> count(store));

            driver.pipeAll(ScenarioTest.flows(scenario));
            driver.endOfCapture();
            alerts = driver.alertRecords();
            blocklist = driver.blocklist();
            scrape = PrometheusText.parse(registry.scrape());
        }

        final SoftAssertions softly = new SoftAssertions();
        softly.assertThat(alerts).as("the scenario raises alerts").isNotEmpty();
        final Map<List<String>, Long> raised = new HashMap<>();
        final Map<String, Long> updated = new HashMap<>();
        for (final NtpAlert alert : alerts) {
            if (alert.getUpdates() == 0) {
                raised.merge(List.of(alert.getType().name(), alert.getSeverity().name()), 1L, Long::sum);
            } else {
                updated.merge(alert.getType().name(), 1L, Long::sum);
            }
        }
        softly.assertThat(scrape.sum("ntpguard_alerts_total"))
                .isEqualTo((double) alerts.stream().filter(a -> a.getUpdates() == 0).count());
        softly.assertThat(scrape.sum("ntpguard_alerts_total") + scrape.sum("ntpguard_alert_updates_total"))
                .isEqualTo(alerts.size());
        raised.forEach((typeAndSeverity, count) -> softly.assertThat(scrape.sum("ntpguard_alerts_total",
                        "type", typeAndSeverity.get(0), "severity", typeAndSeverity.get(1)))
                .as("alerts %s", typeAndSeverity).isEqualTo((double) count));
        updated.forEach((type, count) -> softly.assertThat(scrape.sum("ntpguard_alert_updates_total", "type", type))
                .as("updates %s", type).isEqualTo((double) count));

        final long windowMillis = config.windowSize().toMillis();
        final Map<List<Object>, long[]> clientWindows = new HashMap<>();
        final Set<List<Object>> serverWindows = new HashSet<>();
        for (final NtpPacket packet : packets) {
            final long window = Math.floorDiv(Math.floorDiv(packet.getTs(), 1_000_000L), windowMillis);
            final long[] bytes = clientWindows.computeIfAbsent(List.of(address(packet.getClientAddr()), window),
                    key -> new long[2]);
            if (packet.getRole() == Role.REQUEST) {
                bytes[0] += packet.getNtpLen();
            } else if (packet.getRole() == Role.RESPONSE) {
                bytes[1] += packet.getNtpLen();
            }
            serverWindows.add(List.of(address(packet.getServerAddr()), window));
        }
        final List<long[]> withRequests = clientWindows.values().stream().filter(b -> b[0] > 0).toList();
        softly.assertThat(scrape.sum("ntpguard_windows_closed_total", "side", "client"))
                .isEqualTo(clientWindows.size());
        softly.assertThat(scrape.sum("ntpguard_windows_closed_total", "side", "server"))
                .isEqualTo(serverWindows.size());
        softly.assertThat(scrape.sum("ntpguard_client_byte_ratio_count")).isEqualTo(withRequests.size());
        softly.assertThat(scrape.sum("ntpguard_client_byte_ratio_sum")).isCloseTo(
                withRequests.stream().mapToDouble(b -> (double) b[1] / b[0]).sum(), within(1e-6));
        softly.assertThat(scrape.sum("ntpguard_client_byte_ratio_bucket", "le", "10.0")).isEqualTo(
                withRequests.stream().filter(b -> (double) b[1] / b[0] <= 10).count());
        softly.assertThat(scrape.sum("ntpguard_blocklist_entries")).isEqualTo(blocklist.size());
        softly.assertThat(scrape.sum("ntpguard_late_flows_total")).as("a replay in order has no late flow").isZero();
        softly.assertThat(scrape.sum("ntpguard_late_packets_total")).isZero();
        softly.assertThat(scrape.types()).containsEntry("ntpguard_client_byte_ratio", "histogram")
                .containsEntry("ntpguard_blocklist_entries", "gauge");
        softly.assertThat(scrape.allLabelValues()).noneMatch(value -> PrometheusText.ADDRESS.matcher(value).find());
        softly.assertAll();
    }

    @Test
    void shouldShowUpFrontEveryTypeAndSeverityButTheSchemasUnknown() {
        // given
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        // when
        new DetectorMetrics(registry);
        final PrometheusText scrape = PrometheusText.parse(registry.scrape());

        // then
        final Set<String> types = new HashSet<>();
        for (final AlertType type : AlertType.values()) {
            types.add(type.name());
        }
        types.remove(AlertType.UNKNOWN.name());
        assertThat(scrape.labelValues("ntpguard_alerts_total", "type")).isEqualTo(types);
        assertThat(scrape.labelValues("ntpguard_alert_updates_total", "type")).isEqualTo(types);
        assertThat(scrape.labelValues("ntpguard_alerts_total", "severity"))
                .containsExactlyInAnyOrder("INFO", "LOW", "MEDIUM", "HIGH");
    }

    private static long count(final KeyValueStore<String, BlocklistEntry> store) {
        long count = 0;
        try (KeyValueIterator<String, BlocklistEntry> all = store.all()) {
            for (; all.hasNext(); all.next()) {
                count++;
            }
        }
        return count;
    }

    private static ByteBuffer address(final ByteBuffer address) {
        return address.duplicate();
    }

    @Test
    void shouldShowEachSensorsEventTimeProgress() throws IOException {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final DetectorMetrics metrics = new DetectorMetrics(registry);
        final List<NtpFlowBatch> flows = ScenarioTest.flows("c_kod_storm.pcap");
        final long lastBatch = flows.stream().mapToLong(org.ntpguard.capture.flow.FlowBatches::timestamp).max()
                .orElseThrow();
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir, metrics)) {
            driver.pipeAll(flows);
            // The flows' sensor has reached its last batch.
            assertThat(metrics.sensorProgress()).containsOnlyKeys(flows.get(0).getSensor())
                    .containsEntry(flows.get(0).getSensor(), lastBatch);
            driver.endOfCapture();
        }
        final PrometheusText scrape = PrometheusText.parse(registry.scrape());
        // The end-of-capture heartbeat (sensor "test", an hour on) moves its sensor's progress.
        assertThat(metrics.sensorProgress()).containsEntry("test", lastBatch + 3_600_000L);
        assertThat(scrape.sum("ntpguard_sensor_event_time_seconds", "sensor", "test"))
                .isEqualTo((lastBatch + 3_600_000L) / 1000.0);
        assertThat(scrape.labelValues("ntpguard_sensor_event_time_seconds", "sensor"))
                .isEqualTo(metrics.sensorProgress().keySet()).contains("test", flows.get(0).getSensor());
    }
}
