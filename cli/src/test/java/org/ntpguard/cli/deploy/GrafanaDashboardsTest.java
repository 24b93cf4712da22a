package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ntpguard.cli.deploy.DeploymentFiles.Query;

class GrafanaDashboardsTest {

    private static final int GRID_COLUMNS = 24;
    /** What every panel, query and annotation names as its data source: the dashboard's data source variable. */
    private static final String DATASOURCE = "${datasource}";
    /** The data source input Grafana's "Import dashboard" asks for, and replaces {@code ${DS_PROMETHEUS}} with. */
    private static final String INPUT = "DS_PROMETHEUS";
    private static final Pattern INPUT_REFERENCE = Pattern.compile("\\$\\{(DS_[A-Z0-9_]+)}");

    private final List<Path> dashboards = DeploymentFiles.filesEndingWith("dashboards/grafana", ".json");

    private static JsonNode provisionedDatasource() {
        return DeploymentFiles.yaml(DeploymentFiles.file("dashboards/grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").path(0);
    }

    /** Every object under a field named "datasource", anywhere in the dashboard. */
    private static List<JsonNode> datasourceReferences(final JsonNode node) {
        final List<JsonNode> references = new ArrayList<>();
        node.fields().forEachRemaining(field -> {
            if (field.getKey().equals("datasource")) {
                references.add(field.getValue());
            }
        });
        for (final JsonNode child : node) {
            references.addAll(datasourceReferences(child));
        }
        return references;
    }

    private static JsonNode variable(final JsonNode dashboard, final String name) {
        return DeploymentFiles.elements(dashboard.path("templating").path("list")).stream()
                .filter(variable -> variable.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no variable " + name));
    }

    @Test
    void shouldHaveTheGrafanaStructureInEveryDashboard() {
        assertThat(dashboards).extracting(path -> path.getFileName().toString())
                .contains("ntpguard-overview.json", "ntpguard-detector-health.json");
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
                        .isEqualTo(DATASOURCE);
                assertThat(panel.path("targets").size()).as(where + " targets").isPositive();
                final Set<String> refIds = new HashSet<>();
                for (final JsonNode target : DeploymentFiles.elements(panel.path("targets"))) {
                    assertThat(refIds.add(target.path("refId").asText())).as(where + " refId unique").isTrue();
                    assertThat(target.path("expr").asText()).as(where + " expr").isNotBlank();
                    assertThat(target.path("datasource").path("uid").asText(DATASOURCE))
                            .as(where + " target datasource").isEqualTo(DATASOURCE);
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
            final JsonNode dashboard = DeploymentFiles.json(file);
            // The jobs as the dashboard opens on the project's stack: prometheus.yml's names, which say the role.
            final Map<String, String> variables = withGrafanasOwn(DeploymentFiles.variableDefaults(dashboard));
            final Set<String> jobLists = new HashSet<>();
            DeploymentFiles.elements(dashboard.path("templating").path("list")).stream()
                    .filter(DeploymentFiles::listsJobs)
                    .forEach(variable -> jobLists.add(file.getFileName() + " variable $"
                            + variable.path("name").asText()));
            for (final Query query : DeploymentFiles.dashboardQueries(file)) {
                if (jobLists.contains(query.where())) {
                    continue; // it lists the jobs: it cannot name one
                }
                for (final PromQlSelectors.Selector selector : PromQlSelectors.of(
                        DeploymentFiles.substitute(query.expression(), variables))) {
                    selectors++;
                    problems.addAll(catalogue.problems(selector, query.where()));
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(selectors).isGreaterThan(dashboards.size());
    }

    private static Map<String, String> withGrafanasOwn(final Map<String, String> variables) {
        final Map<String, String> all = new HashMap<>(variables);
        all.putAll(Map.of("__rate_interval", "1m", "__interval", "1m", "__range", "1h"));
        return all;
    }

    @Test
    void shouldNameNoDatasourceUidNorJobButThroughVariables() throws IOException {
        int jobSelectors = 0;
        for (final Path file : dashboards) {
            final JsonNode dashboard = DeploymentFiles.json(file);
            final String name = file.getFileName().toString();
            final String text = Files.readString(file);
            assertThat(text).as(name).doesNotContain(provisionedDatasource().path("uid").asText());
            // the variables' definitions too, which are not queries: no job="name" anywhere
            assertThat(text).as(name).doesNotContainPattern("job=~?\\\\\"[^$]");
            for (final JsonNode reference : datasourceReferences(dashboard)) {
                if (!reference.path("type").asText().equals("grafana")) { // Grafana's own annotations
                    assertThat(reference.path("uid").asText()).as(name + " datasource " + reference)
                            .isEqualTo(DATASOURCE);
                }
            }
            for (final Query query : DeploymentFiles.dashboardQueries(file)) {
                for (final PromQlSelectors.Selector selector : PromQlSelectors.of(query.expression())) {
                    for (final PromQlSelectors.LabelMatcher matcher : selector.matchers()) {
                        if (matcher.label().equals("job")) {
                            jobSelectors++;
                            assertThat(matcher.operator() + matcher.value()).as(query.where())
                                    .matches("=\\$\\{?[a-z_]+_job}?");
                        }
                    }
                }
            }
        }
        assertThat(jobSelectors).isGreaterThan(dashboards.size());
    }

    @Test
    void shouldDeclareTheDatasourceInputThatImportAsksForAndProvisioningDoesWithout() throws IOException {
        final JsonNode provisioned = provisionedDatasource();
        for (final Path file : dashboards) {
            final JsonNode dashboard = DeploymentFiles.json(file);
            final String name = file.getFileName().toString();

            // Import: one Prometheus data source asked for, and every ${DS_...} in the file is that input
            final List<JsonNode> inputs = DeploymentFiles.elements(dashboard.path("__inputs"));
            assertThat(inputs).as(name + " __inputs").hasSize(1);
            assertThat(inputs.get(0).path("name").asText()).isEqualTo(INPUT);
            assertThat(inputs.get(0).path("type").asText()).isEqualTo("datasource");
            assertThat(inputs.get(0).path("pluginId").asText()).isEqualTo("prometheus")
                    .isEqualTo(provisioned.path("type").asText());
            final Set<String> referenced = new HashSet<>(INPUT_REFERENCE.matcher(Files.readString(file)).results()
                    .map(m -> m.group(1)).toList());
            assertThat(referenced).as(name + ": inputs used").containsExactly(INPUT);

            // The data source variable starts on the input. Provisioned, no data source has that uid, and Grafana
            // takes the one named as the variable's text: the provisioned one.
            final JsonNode datasource = variable(dashboard, "datasource");
            assertThat(datasource.path("type").asText()).isEqualTo("datasource");
            assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
            assertThat(datasource.path("current").path("value").asText()).isEqualTo("${" + INPUT + "}");
            assertThat(datasource.path("current").path("text").asText()).isEqualTo(provisioned.path("name").asText());

            // The jobs start on the names the project's prometheus.yml gives them, and list the jobs found.
            for (final String job : List.of("sensor_job", "detector_job")) {
                assertThat(DeploymentFiles.listsJobs(variable(dashboard, job))).as(name + " $" + job).isTrue();
            }
            assertThat(variable(dashboard, "sensor_job").path("current").path("value").asText())
                    .isEqualTo("ntpguard-sensor").isIn(MetricsCatalogue.JOBS.keySet());
            assertThat(variable(dashboard, "detector_job").path("current").path("value").asText())
                    .isEqualTo("ntpguard-detector").isIn(MetricsCatalogue.JOBS.keySet());
        }
    }

    @Test
    void shouldDefineEveryVariableBeforeItsUse() {
        for (final Path file : dashboards) {
            final JsonNode dashboard = DeploymentFiles.json(file);
            final List<String> defined = new ArrayList<>();
            for (final JsonNode variable : DeploymentFiles.elements(dashboard.path("templating").path("list"))) {
                // a variable's query and data source may use only the variables above it
                for (final String used : DeploymentFiles.variablesIn(variable.toString())) {
                    if (!used.equals(INPUT) && !used.startsWith("__")) { // $__all: the value "All" stands for
                        assertThat(defined).as(file.getFileName() + " variable $" + variable.path("name").asText()
                                + " uses $" + used).contains(used);
                    }
                }
                defined.add(variable.path("name").asText());
            }
            final ObjectNode rest = dashboard.deepCopy();
            rest.remove(List.of("templating", "__inputs"));
            final List<String> used = DeploymentFiles.variablesIn(rest.toString());
            assertThat(used).isNotEmpty();
            for (final String name : used) {
                if (!name.startsWith("__")) { // Grafana's own: $__rate_interval, $__range
                    assertThat(defined).as(file.getFileName() + " uses $" + name).contains(name);
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
