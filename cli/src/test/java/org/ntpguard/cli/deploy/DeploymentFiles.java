package org.ntpguard.cli.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The deployment files at the project root (docker-compose.yml, Dockerfile, dashboards/), read as the tools that use
 * them would, and the external tools that check them (promtool, docker-compose).
 */
final class DeploymentFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*[A-Za-z_]\\w*\\s*\\)");
    /** A Grafana variable in a query: {@code ${name}}, {@code $name} or the old {@code [[name]]}. */
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{([A-Za-z_]\\w*)}|\\$([A-Za-z_]\\w*)|\\[\\[([A-Za-z_]\\w*)]]");

    private DeploymentFiles() {
    }

    /** The project root: Maven passes it to the tests; from an IDE, the nearest ancestor holding dashboards/. */
    static Path root() {
        final String start = System.getProperty("ntpguard.root", System.getProperty("user.dir"));
        for (Path dir = Path.of(start).toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("dashboards").resolve("metrics-catalogue.txt"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no dashboards/metrics-catalogue.txt in " + start + " or above");
    }

    static Path file(final String relativePath) {
        return root().resolve(relativePath);
    }

    static JsonNode json(final Path path) {
        try {
            return JSON.readTree(path.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    static JsonNode yaml(final Path path) {
        try {
            return YAML.readTree(path.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The elements of a JSON or YAML array (none for a missing node). */
    static List<JsonNode> elements(final JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    static List<Path> filesEndingWith(final String folder, final String suffix) {
        try (Stream<Path> files = Files.list(file(folder))) {
            return files.filter(path -> path.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A query of a dashboard (a panel target, a templating variable or an annotation) or a rule's expression. */
    record Query(String where, String expression) {
    }

    /** The panels of a dashboard, those inside collapsed rows included. */
    static List<JsonNode> panels(final JsonNode dashboard) {
        final List<JsonNode> panels = new ArrayList<>();
        for (final JsonNode panel : elements(dashboard.path("panels"))) {
            panels.add(panel);
            panels.addAll(elements(panel.path("panels"))); // a collapsed row holds its panels
        }
        return panels;
    }

    /** Every PromQL query of a Grafana dashboard; of a {@code label_values(selector, label)} variable, its selector. */
    static List<Query> dashboardQueries(final Path file) {
        final JsonNode dashboard = json(file);
        final List<Query> queries = new ArrayList<>();
        for (final JsonNode panel : panels(dashboard)) {
            for (final JsonNode target : elements(panel.path("targets"))) {
                queries.add(new Query(file.getFileName() + " panel \"" + panel.path("title").asText() + "\" "
                        + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        for (final JsonNode variable : elements(dashboard.path("templating").path("list"))) {
            final JsonNode query = variable.path("query");
            final String text = query.isObject() ? query.path("query").asText() : query.asText();
            final Matcher labelValues = LABEL_VALUES.matcher(text);
            if (variable.path("type").asText().equals("query")) {
                queries.add(new Query(file.getFileName() + " variable $" + variable.path("name").asText(),
                        labelValues.matches() ? labelValues.group(1) : text));
            }
        }
        for (final JsonNode annotation : elements(dashboard.path("annotations").path("list"))) {
            if (annotation.has("expr")) {
                queries.add(new Query(file.getFileName() + " annotation \"" + annotation.path("name").asText()
                        + "\"", annotation.path("expr").asText()));
            }
        }
        return queries;
    }

    /** The names of the Grafana variables a text uses, in order ({@code $__rate_interval} and the like included). */
    static List<String> variablesIn(final String text) {
        return VARIABLE.matcher(text).results()
                .map(m -> m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3)).toList();
    }

    /** The expression with Grafana's variables replaced, as Grafana does before it sends a query. */
    static String substitute(final String expression, final Map<String, String> values) {
        final Matcher variable = VARIABLE.matcher(expression);
        final StringBuilder replaced = new StringBuilder();
        while (variable.find()) {
            final String name = variable.group(1) != null ? variable.group(1)
                    : variable.group(2) != null ? variable.group(2) : variable.group(3);
            final String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + name + " in " + expression);
            }
            variable.appendReplacement(replaced, Matcher.quoteReplacement(value));
        }
        variable.appendTail(replaced);
        return replaced.toString();
    }

    /**
     * What each variable of a dashboard stands for as it opens: "All" (its {@code allValue}, else {@code .*}) for a
     * variable that includes all, else its current value (the jobs: the names the project's prometheus.yml gives).
     */
    static Map<String, String> variableDefaults(final JsonNode dashboard) {
        final Map<String, String> values = new HashMap<>();
        for (final JsonNode variable : elements(dashboard.path("templating").path("list"))) {
            values.put(variable.path("name").asText(), variable.path("includeAll").asBoolean()
                    ? variable.path("allValue").asText(".*") : variable.path("current").path("value").asText());
        }
        return values;
    }

    /** A variable whose values are Prometheus jobs ({@code label_values(METRIC, job)}): it cannot name a job itself. */
    static boolean listsJobs(final JsonNode variable) {
        final JsonNode query = variable.path("query");
        final String text = query.isObject() ? query.path("query").asText() : query.asText();
        return text.matches("label_values\\([^,]+,\\s*job\\s*\\)");
    }

    static List<Path> ruleFiles() {
        return filesEndingWith("dashboards/prometheus/rules", ".yml");
    }

    /** Every rule of every rule file, alerting and recording. */
    static List<JsonNode> rules() {
        final List<JsonNode> rules = new ArrayList<>();
        for (final Path file : ruleFiles()) {
            for (final JsonNode group : elements(yaml(file).path("groups"))) {
                rules.addAll(elements(group.path("rules")));
            }
        }
        return rules;
    }

    /** Where a rule is: {@code alert NAME} or {@code record NAME}. */
    static String ruleName(final JsonNode rule) {
        return rule.has("alert") ? "alert " + rule.path("alert").asText() : "record " + rule.path("record").asText();
    }

    static MetricsCatalogue catalogue() {
        return MetricsCatalogue.read(file("dashboards/metrics-catalogue.txt"));
    }

    /** The executable on the PATH; the calling test is skipped when it is missing (.ci/run installs both tools). */
    static Path requireTool(final String name, final String debianPackage) {
        final Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(found.isPresent(), name + " is not installed (Debian package " + debianPackage + ")");
        return found.orElseThrow();
    }

    record ToolRun(int exitCode, String output) {
    }

    /** Runs a command in the project root, stdout and stderr together. */
    static ToolRun run(final String... command) {
        try {
            final Process process = new ProcessBuilder(command).directory(root().toFile())
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish: " + output);
            }
            return new ToolRun(process.exitValue(), output);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
