package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ntpguard.cli.deploy.DeploymentFiles.Query;

class GrafanaDashboardsTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_]\\w*)|\\[\\[([A-Za-z_]\\w*)]]");
    private static final int GRID_COLUMNS = 24;

    private final List<Path> dashboards = DeploymentFiles.filesEndingWith("dashboards/grafana", ".json");

    private static String provisionedDatasourceUid() {
        final JsonNode datasources = DeploymentFiles.yaml(
                DeploymentFiles.file("dashboards/grafana/provisioning/datasources/prometheus.yml"));
        return datasources.path("datasources").path(0).path("uid").asText();
    }

    @Test
    void shouldHaveTheGrafanaStructureInEveryDashboard() {
        assertThat(dashboards).extracting(path -> path.getFileName().toString())
                .contains("ntpguard-overview.json", "ntpguard-detector-health.json");
        final String datasource = provisionedDatasourceUid();
        assertThat(datasource).isNotBlank();
        final Set<String> uids = new HashSet<>();
        for (final Path file : dashboards) {
            final JsonNode dashboard = DeploymentFiles.json(file);
            final String name = file.getFileName().toString();
            assertThat(dashboard.path("uid").asText()).as(name + " uid").isNotBlank().hasSizeLessThanOrEqualTo(40);
            assertThat(uids.add(dashboard.path("uid").asText())).as(name + " uid is unique").isTrue();
            assertThat(dashboard.path("title").asText()).as(name + " title").isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt()).as(name + " schemaVersion").isBetween(36, 41);
            assertThat(DeploymentFiles.panels(dashboard)).as(name + " panels").isNotEmpty();
            final Set<Integer> ids = new HashSet<>();
            for (final JsonNode panel : DeploymentFiles.panels(dashboard)) {
                final String where = name + " panel \"" + panel.path("title").asText() + "\"";
                assertThat(ids.add(panel.path("id").asInt(-1))).as(where + " id is unique").isTrue();
                assertThat(panel.path("type").asText()).as(where + " type").isNotBlank();
                final JsonNode grid = panel.path("gridPos");
                for (final String field : List.of("x", "y", "w", "h")) {
                    assertThat(grid.path(field).isInt()).as(where + " gridPos." + field).isTrue();
                }
                assertThat(grid.path("w").asInt()).as(where + " width").isPositive();
                assertThat(grid.path("h").asInt()).as(where + " height").isPositive();
                assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(where + " right edge")
                        .isBetween(1, GRID_COLUMNS);
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText()).as(where + " datasource")
                        .isEqualTo(datasource);
                assertThat(panel.path("targets").size()).as(where + " targets").isPositive();
                final Set<String> refIds = new HashSet<>();
                for (final JsonNode target : DeploymentFiles.elements(panel.path("targets"))) {
                    assertThat(refIds.add(target.path("refId").asText())).as(where + " refId unique").isTrue();
                    assertThat(target.path("expr").asText()).as(where + " expr").isNotBlank();
                    assertThat(target.path("datasource").path("uid").asText(datasource))
                            .as(where + " target datasource").isEqualTo(datasource);
                }
            }
        }
    }

    @Test
    void shouldLayOutPanelsWithoutOverlap() {
        for (final Path file : dashboards) {
            final List<JsonNode> panels = DeploymentFiles.panels(DeploymentFiles.json(file));
            for (int i = 0; i < panels.size(); i++) {
                for (int j = i + 1; j < panels.size(); j++) {
                    final JsonNode a = panels.get(i).path("gridPos");
                    final JsonNode b = panels.get(j).path("gridPos");
                    final boolean overlap = a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                            && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                            && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                            && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
                    assertThat(overlap).as(file.getFileName() + ": \"" + panels.get(i).path("title").asText()
                            + "\" and \"" + panels.get(j).path("title").asText() + "\" overlap").isFalse();
                }
            }
        }
    }

    @Test
    void shouldQueryOnlyMetricsOfTheCatalogue() {
        final MetricsCatalogue catalogue = DeploymentFiles.catalogue();
        final List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (final Path file : dashboards) {
            for (final Query query : DeploymentFiles.dashboardQueries(file)) {
                for (final PromQlSelectors.Selector selector : PromQlSelectors.of(query.expression())) {
                    selectors++;
                    problems.addAll(catalogue.problems(selector, query.where()));
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(selectors).isGreaterThan(dashboards.size());
    }

    @Test
    void shouldDefineEveryVariableItsQueriesUse() {
        for (final Path file : dashboards) {
            final Set<String> defined = new HashSet<>();
            DeploymentFiles.elements(DeploymentFiles.json(file).path("templating").path("list"))
                    .forEach(variable -> defined.add(variable.path("name").asText()));
            for (final Query query : DeploymentFiles.dashboardQueries(file)) {
                final Matcher variable = VARIABLE.matcher(query.expression());
                while (variable.find()) {
                    final String name = variable.group(1) != null ? variable.group(1) : variable.group(2);
                    if (!name.startsWith("__")) { // Grafana's own: $__rate_interval, $__range
                        assertThat(defined).as(query.where() + " uses $" + name).contains(name);
                    }
                }
            }
        }
    }

    @Test
    void shouldBeLoadedFromWhereComposeMountsThem() {
        // given: the dashboard provider's folder and the compose mounts of Grafana
        final JsonNode provider = DeploymentFiles.yaml(DeploymentFiles.file(
                "dashboards/grafana/provisioning/dashboards/ntpguard.yml")).path("providers").path(0);
        final JsonNode grafana = DeploymentFiles.yaml(DeploymentFiles.file("docker-compose.yml"))
                .path("services").path("grafana");
        final List<String> mounts = DeploymentFiles.elements(grafana.path("volumes")).stream()
                .map(JsonNode::asText).toList();

        // then
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(mounts).contains("./dashboards/grafana:" + provider.path("options").path("path").asText() + ":ro",
                "./dashboards/grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void shouldPointTheDatasourceAtComposesPrometheusAndItsScrapeInterval() {
        // given
        final JsonNode datasource = DeploymentFiles.yaml(
                DeploymentFiles.file("dashboards/grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").path(0);
        final JsonNode prometheus = DeploymentFiles.yaml(DeploymentFiles.file("dashboards/prometheus/prometheus.yml"));
        final JsonNode services = DeploymentFiles.yaml(DeploymentFiles.file("docker-compose.yml")).path("services");

        // then: $__rate_interval assumes the scrape interval Prometheus really uses
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(services.has("prometheus")).isTrue();
        assertThat(datasource.path("jsonData").path("timeInterval").asText())
                .isEqualTo(prometheus.path("global").path("scrape_interval").asText());
    }
}
