package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ntpguard.cli.deploy.DeploymentFiles.ToolRun;

class PrometheusFilesTest {

    private static final String CONFIG = "dashboards/prometheus/prometheus.yml";
    private static final String RULE_TESTS = "dashboards/prometheus/tests/ntpguard.rules.test.yml";

    private final List<Path> ruleFiles = DeploymentFiles.ruleFiles();

    private static String relative(final Path file) {
        return DeploymentFiles.root().relativize(file).toString();
    }

    @Test
    void shouldQueryOnlyMetricsOfTheCatalogueInRules() {
        // given: the catalogue and the recording rules, which alerts may query too
        MetricsCatalogue catalogue = DeploymentFiles.catalogue();
        for (final JsonNode rule : DeploymentFiles.rules()) {
            if (rule.has("record")) {
                catalogue = catalogue.withRecordingRule(rule.path("record").asText(), rule.path("expr").asText());
            }
        }

        // when
        final List<String> problems = new ArrayList<>();
        for (final JsonNode rule : DeploymentFiles.rules()) {
            final String where = DeploymentFiles.ruleName(rule);
            for (final PromQlSelectors.Selector selector : PromQlSelectors.of(rule.path("expr").asText())) {
                problems.addAll(catalogue.problems(selector, where));
            }
        }

        // then
        assertThat(DeploymentFiles.rules()).isNotEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldGiveEveryAlertASeverityASummaryAndADescription() {
        final Map<String, Integer> names = new HashMap<>();
        for (final JsonNode rule : DeploymentFiles.rules()) {
            if (!rule.has("alert")) {
                continue;
            }
            final String name = rule.path("alert").asText();
            assertThat(names.merge(name, 1, Integer::sum)).as(name + " is unique").isEqualTo(1);
            assertThat(rule.path("labels").path("severity").asText()).as(name + " severity")
                    .isIn("critical", "warning", "info");
            assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name + " description")
                    .isNotBlank();
        }
        assertThat(names).containsKeys("NtpAmplificationVictim", "NtpMonlistAbuse", "NtpguardSensorDown",
                "NtpguardCaptureDrops", "NtpguardDetectorLagging", "NtpguardDeadLetters", "NtpBlocklistGrowing");
    }

    @Test
    void shouldPassPromtoolCheckRules() {
        final Path promtool = DeploymentFiles.requireTool("promtool", "prometheus");
        final List<String> command = new ArrayList<>(List.of(promtool.toString(), "check", "rules"));
        ruleFiles.forEach(file -> command.add(relative(file)));

        final ToolRun run = DeploymentFiles.run(command.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void shouldPassPromtoolCheckConfigWithItsRuleFiles() {
        final Path promtool = DeploymentFiles.requireTool("promtool", "prometheus");

        final ToolRun run = DeploymentFiles.run(promtool.toString(), "check", "config", CONFIG);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains(ruleFiles.size() + " rule files found");
    }

    @Test
    void shouldPassTheAlertingRuleUnitTests() {
        final Path promtool = DeploymentFiles.requireTool("promtool", "prometheus");

        final ToolRun run = DeploymentFiles.run(promtool.toString(), "test", "rules", RULE_TESTS);

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void shouldScrapeBothRolesWhereComposeRunsThem() {
        // given
        final JsonNode config = DeploymentFiles.yaml(DeploymentFiles.file(CONFIG));
        final JsonNode services = DeploymentFiles.yaml(DeploymentFiles.file("docker-compose.yml")).path("services");
        final Map<String, String> targets = new HashMap<>();
        for (final JsonNode job : DeploymentFiles.elements(config.path("scrape_configs"))) {
            targets.put(job.path("job_name").asText(), job.path("static_configs").path(0).path("targets").path(0)
                    .asText());
        }

        // then: the detector by its service name on the compose network; the sensor, on the host's network,
        // through the host-gateway alias that the prometheus service defines
        assertThat(targets).containsKeys(MetricsCatalogue.JOBS.keySet().toArray(String[]::new));
        final String detector = targets.get("ntpguard-detector");
        assertThat(services.has(detector.substring(0, detector.indexOf(':')))).as(detector).isTrue();
        assertThat(services.path("sensor").path("network_mode").asText()).isEqualTo("host");
        assertThat(targets.get("ntpguard-sensor")).startsWith("host.docker.internal:");
        assertThat(DeploymentFiles.elements(services.path("prometheus").path("extra_hosts")).stream()
                .map(JsonNode::asText)).contains("host.docker.internal:host-gateway");
    }
}
