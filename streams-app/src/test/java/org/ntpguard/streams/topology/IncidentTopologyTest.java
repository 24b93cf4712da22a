package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.schema.IncidentServer;
import org.ntpguard.schema.IncidentStatus;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpIncident;
import org.ntpguard.schema.Severity;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * The incidents of the labelled scenarios, through the production topology in both layouts: one attack, one
 * incident, keyed by its victim, naming every reflector the labels name.
 */
class IncidentTopologyTest {

    @TempDir
    Path stateDir;

    static Stream<Arguments> attacks() {
        return Stream.of(NtpTopology.Layout.values()).flatMap(layout -> Stream.of(
                Arguments.of("e_unsolicited_responses.pcap", "203.0.113.99", 500, 0, layout),
                Arguments.of("b_monlist_amplification.pcap", "203.0.113.66", 50, 50, layout)));
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("attacks")
    void shouldMakeOneIncidentOfAnAttackWhenItsAlertsNameOneVictim(final String file, final String victim,
                                                                    final int reflectors, final int monlistServers,
                                                                    final NtpTopology.Layout layout)
            throws IOException {
        final List<TestRecord<String, NtpIncident>> records;
        final List<NtpAlert> alerts;
        final NtpIncident stored;
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir, layout)) {
            driver.pipeAll(ScenarioTest.flows(file));
            driver.endOfCapture();
            records = driver.incidentRecords();
            alerts = driver.alertRecords();
            final KeyValueStore<String, NtpIncident> store = driver.driver()
                    .getKeyValueStore(NtpTopology.INCIDENT_STORE);
            stored = store.get(victim);
        }

        final Map<String, NtpIncident> latest = new LinkedHashMap<>();
        records.forEach(r -> latest.put(r.key(), r.value()));
        assertThat(latest.keySet()).containsExactly(victim);
        final NtpIncident incident = latest.get(victim);
        assertThat(incident.getReflectors()).hasSize(reflectors);
        assertThat(incident.getReflectorCount()).isEqualTo(reflectors);
        assertThat(incident.getMonlistServers()).hasSize(monlistServers);
        assertThat(incident.getReflectors()).extracting(IncidentServer::getAddress)
                .map(a -> DetectorDriver.text((java.nio.ByteBuffer) a)).allMatch(a -> a.startsWith("198.1"));
        assertThat(incident.getStatus()).isEqualTo(IncidentStatus.OPEN);
        assertThat(incident.getSeverity()).isEqualTo(Severity.HIGH);
        // Every alert naming the victim is in it: all of them but the servers' EXPOSED_CONTROL, which joins too.
        assertThat(incident.getAlertIds()).containsExactlyInAnyOrderElementsOf(
                alerts.stream().map(NtpAlert::getId).distinct().toList());
        assertThat(incident.getBytes()).isPositive();
        assertThat(incident.getPeakBytesPerSecond()).isPositive();
        assertThat(records).extracting(r -> r.value().getId()).containsOnly(incident.getId());
        assertThat(stored).isEqualTo(incident);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void shouldCloseTheIncidentAndForgetItWhenItsAlertsAreQuietForTheQuietPeriod(final NtpTopology.Layout layout)
            throws IOException {
        // Scenario e's attack ends at 16:00:31 and its capture at 16:01:33: a minute's quiet closes the incident.
        final DetectionConfig config = ScenarioTest.scenarioConfig().toBuilder()
                .incidentQuiet(Duration.ofMinutes(1)).build();
        final List<TestRecord<String, NtpIncident>> records;
        final long storedAfter;
        try (DetectorDriver driver = new DetectorDriver(config, stateDir, layout)) {
            driver.pipeAll(ScenarioTest.flows("e_unsolicited_responses.pcap"));
            driver.endOfCapture();
            records = driver.incidentRecords();
            final KeyValueStore<String, NtpIncident> store = driver.driver()
                    .getKeyValueStore(NtpTopology.INCIDENT_STORE);
            try (var all = store.all()) {
                storedAfter = java.util.stream.StreamSupport.stream(
                        java.util.Spliterators.spliteratorUnknownSize(all, 0), false).count();
            }
        }

        final NtpIncident last = records.get(records.size() - 1).value();
        assertThat(last.getStatus()).isEqualTo(IncidentStatus.CLOSED);
        assertThat(last.getReflectors()).hasSize(500);
        assertThat(records).filteredOn(r -> r.value().getStatus() == IncidentStatus.CLOSED).hasSize(1);
        assertThat(storedAfter).isZero();
    }

    static Stream<NtpTopology.Layout> layouts() {
        return Stream.of(NtpTopology.Layout.values());
    }
}
