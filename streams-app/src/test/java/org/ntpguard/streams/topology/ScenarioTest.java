package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.Networks;

/**
 * The labelled attack scenarios of {@code shared/scenarios}, decoded with the capture module's reader and fed to the
 * production topology: every address {@code labels.json} says to flag is raised with a matching role, and no
 * address it says not to flag is raised at all.
 *
 * <p>Trusted networks are the scenarios' own (labels.json "addressing"): 192.0.2.0/24 clients and 198.51.100.0/24
 * servers are the home network, as a deployment's HOME_NET would say; 203.0.113.0/24 and 198.18.0.0/15 are
 * outside.
 */
class ScenarioTest {

    static final Networks SCENARIO_HOME = Networks.parse("192.0.2.0/24, 198.51.100.0/24");

    @TempDir
    Path stateDir;

    static DetectionConfig scenarioConfig() {
        return DetectionConfig.defaults().toBuilder().trustedNetworks(SCENARIO_HOME).build();
    }

    static JsonNode labels() throws IOException {
        return new ObjectMapper().readTree(SharedMaterial.scenarios().resolve("labels.json").toFile());
    }

    static Stream<String> scenarios() throws IOException {
        final List<String> names = new java.util.ArrayList<>();
        labels().get("scenarios").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    /** The scenario's flow batches, as one sensor ("test") publishes them to a one-partition flows topic. */
    static List<org.ntpguard.schema.NtpFlowBatch> flows(final String file) throws IOException {
        return SensorFlows.batches(intervals(file));
    }

    /** The scenario's flows as one sensor ("test") makes them. */
    static List<SensorFlows.Interval> intervals(final String file) throws IOException {
        return SensorFlows.capture(SharedMaterial.scenarios().resolve(file), "test");
    }

    /** The scenario's packets, in timestamp order: what expectations are computed from. */
    static List<NtpPacket> packets(final String file) throws IOException {
        return SharedMaterial.decode(SharedMaterial.scenarios().resolve(file)).packets().stream()
                .sorted(Comparator.comparingLong(NtpPacket::getTs)).toList();
    }

    /** Label role text -> the alert role that matches it. */
    static String expectedRole(final String labelRole) {
        final String role = labelRole.toLowerCase();
        if (role.startsWith("victim")) {
            return "VICTIM";
        }
        if (role.startsWith("reflector")) {
            return "REFLECTOR";
        }
        if (role.contains("scanner")) {
            return "SCANNER";
        }
        if (role.contains("client")) {
            return "CLIENT";
        }
        if (role.contains("responder") || role.contains("sender")) {
            return "SERVER";
        }
        throw new IllegalArgumentException("unknown label role: " + labelRole);
    }

    static Map<String, Set<String>> rolesBySubject(final List<NtpAlert> alerts) {
        final Map<String, Set<String>> roles = new HashMap<>();
        for (final NtpAlert alert : alerts) {
            roles.computeIfAbsent(DetectorDriver.text(alert.getSubject()), s -> new HashSet<>())
                    .add(alert.getRole().name());
        }
        return roles;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldFlagWhatTheLabelsSayAndNothingTheySayNotTo(final String name) throws IOException {
        final JsonNode scenario = labels().get("scenarios").get(name);
        final List<NtpAlert> alerts;
        try (DetectorDriver driver = new DetectorDriver(scenarioConfig(), stateDir)) {
            driver.pipeAll(flows(scenario.get("file").asText()));
            driver.endOfCapture();
            alerts = driver.alertRecords();
        }

        final Map<String, Set<String>> raised = rolesBySubject(alerts);
        final SoftAssertions softly = new SoftAssertions();
        for (final JsonNode flag : scenario.get("flag")) {
            final String ip = flag.get("ip").asText();
            softly.assertThat(raised.getOrDefault(ip, Set.of())).as("%s: %s (%s)", name, ip, flag.get("role"))
                    .contains(expectedRole(flag.get("role").asText()));
        }
        for (final JsonNode ip : scenario.get("must_not_flag")) {
            softly.assertThat(raised).as("%s: must not flag %s", name, ip.asText()).doesNotContainKey(ip.asText());
        }
        if (name.equals("a_normal_polling")) {
            softly.assertThat(alerts).extracting(NtpAlert::getSummary).as("the negative control raises nothing")
                    .isEmpty();
        }
        softly.assertAll();
    }
}
