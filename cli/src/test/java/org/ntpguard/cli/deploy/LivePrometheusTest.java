package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.cli.HeldAnalyze;
import org.ntpguard.cli.deploy.DeploymentFiles.Query;
import org.ntpguard.cli.deploy.MetricsCatalogue.Metric;
import org.ntpguard.cli.deploy.PrometheusServer.Answer;

/**
 * The dashboards and the alerting rules against a real Prometheus (Debian's prometheus package) scraping a real
 * pipeline: {@code ntpguard analyze --http-port 0} replays scenario captures and is held, once its detector has
 * processed them, with its broker, detector and /metrics running. analyze serves the sensor's and the detector's
 * meters on one page, so both jobs of the project's prometheus.yml scrape that page (which job exposes what is
 * checked by the static tests, not here). Every query must parse and return series, every selector must match
 * series, and every metric of the catalogue must be scraped.
 */
class LivePrometheusTest {

    /** Monlist reflection (victim, reflectors), Kiss-o'-Death (RATE) and a mode 6 scan (control mode traffic). */
    private static final List<String> SCENARIOS = List.of("b_monlist_amplification.pcap", "c_kod_storm.pcap",
            "d_mode6_scan.pcap");
    /** Scrapes of each job before querying: enough for rate() and increase() over the ranges below. */
    private static final int SCRAPES = 10;
    /**
     * Grafana's own variables. Any range of two scrapes or more within the data (scraped every second for
     * {@value #SCRAPES} s or so) does: a rate over 30 s and a dashboard range of a minute cover all of it.
     */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("__rate_interval", "30s",
            "__interval", "10s", "__range", "1m");
    /** Metrics registered only where something is configured: alert push delivery, with a push target. */
    private static final Set<String> CONFIGURED_ONLY = Set.of("ntpguard_alert_delivery_failures_total");
    /** Label values only a live capture has (libpcap's drop counters): a replay must not show them. */
    private static final Map<String, Map<String, Set<String>>> LIVE_CAPTURE_ONLY = Map.of(
            "ntpguard_capture_drops_total", Map.of("source", Set.of("kernel", "interface")));

    @TempDir
    static Path dir;

    private static HeldAnalyze analyze;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void scrapeAnAnalyzeThatProcessedTheScenarios() throws IOException, InterruptedException {
        final Path binary = DeploymentFiles.requireTool("prometheus", "prometheus");
        analyze = HeldAnalyze.start(dir.resolve("report"), Duration.ofMinutes(2),
                SCENARIOS.stream().map(SharedMaterial.scenarios()::resolve).toArray(Path[]::new));
        // Micrometer exports jvm_gc_pause_seconds only once a collection happened; a run small for the heap may have
        // had none (seen in CI). One explicit collection in this JVM, the analyze's, makes the catalogued series exist.
        System.gc();
        prometheus = PrometheusServer.start(binary, analyze.metricsUrl(),
                Files.createDirectory(dir.resolve("prometheus")));
        for (final String job : MetricsCatalogue.JOBS.keySet()) {
            final String scrapedWell = "count_over_time(up{job=\"" + job + "\"}[1m]) >= " + SCRAPES
                    + " and min_over_time(up{job=\"" + job + "\"}[1m]) == 1";
            assertThat(prometheus.await(scrapedWell, Duration.ofSeconds(SCRAPES * 3L)))
                    .as(job + " scraped " + SCRAPES + " times without failure; " + prometheus.log()).isTrue();
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (analyze != null) {
                final int status = analyze.finish();
                assertThat(status).as(analyze.stderr()).isZero();
            }
        }
    }

    @Test
    void shouldAnswerEveryDashboardQueryWithSeries() throws IOException, InterruptedException {
        final List<String> problems = new ArrayList<>();
        int queries = 0;
        for (final Path file : DeploymentFiles.filesEndingWith("dashboards/grafana", ".json")) {
            // Each dashboard variable as the dashboard opens: "All", and the jobs of the project's prometheus.yml.
            final Map<String, String> variables = new HashMap<>(GRAFANA_VARIABLES);
            variables.putAll(DeploymentFiles.variableDefaults(DeploymentFiles.json(file)));
            for (final Query query : DeploymentFiles.dashboardQueries(file)) {
                if (configuredOnly(query.expression())) {
                    continue;
                }
                queries++;
                problems.addAll(problems(query, variables));
            }
        }

        assertThat(queries).isPositive();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldAnswerEveryRuleWithSeries() throws IOException, InterruptedException {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode rule : DeploymentFiles.rules()) {
            problems.addAll(problems(new Query(DeploymentFiles.ruleName(rule), rule.path("expr").asText()),
                    Map.of()));
        }

        assertThat(DeploymentFiles.rules()).isNotEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldScrapeEveryMetricOfTheCatalogueWithItsLabelsAndTheirValues() throws IOException, InterruptedException {
        final List<String> problems = new ArrayList<>();
        for (final Metric metric : DeploymentFiles.catalogue().metrics()) {
            if (CONFIGURED_ONLY.contains(metric.name())) {
                continue;
            }
            for (final String role : metric.exposedBy()) {
                final String job = jobOf(role);
                for (final String suffix : metric.type().suffixes()) {
                    final String series = metric.name() + suffix + "{job=\"" + job + "\"}";
                    if (prometheus.query(series).series() == 0) {
                        problems.add(series + " is not scraped");
                    }
                }
                final String samples = "{__name__=~\"" + metric.name() + "(" + String.join("|",
                        metric.type().suffixes()) + ")\",job=\"" + job + "\"}";
                for (final Map.Entry<String, Set<String>> label : metric.labels().entrySet()) {
                    problems.addAll(labelProblems(metric.name(), samples, label.getKey(), label.getValue()));
                }
            }
        }

        assertThat(problems).isEmpty();
    }

    @Test
    void shouldShowWhatTheReplayFoundAndFireTheAlertsOfTheScenarios() throws IOException, InterruptedException {
        // given: the frames of the replayed captures, as their labels count them
        final JsonNode labels = DeploymentFiles.json(SharedMaterial.scenarios().resolve("labels.json"));
        long frames = 0;
        for (final String scenario : SCENARIOS) {
            frames += labels.path("scenarios").path(scenario.replace(".pcap", "")).path("packets").asLong();
        }

        // when
        final Answer scraped = prometheus.query("sum(ntpguard_frames_total{job=\"ntpguard-sensor\"})");
        final Answer reflectors = prometheus.query(
                "sum(ntpguard_alerts_total{job=\"ntpguard-detector\",type=\"REFLECTOR\"})");
        final Answer kisses = prometheus.query("sum(ntpguard_kod_total{job=\"ntpguard-sensor\",code=\"RATE\"})");
        final Answer firing = prometheus.query("ALERTS{alertstate=\"firing\"}");

        // then
        assertThat(frames).isPositive();
        assertThat(scraped.value()).isEqualTo((double) frames);
        assertThat(reflectors.value()).isPositive();
        assertThat(kisses.value()).isPositive();
        assertThat(firing.result()).extracting(series -> series.path("metric").path("alertname").asText())
                .contains("NtpAmplificationVictim", "NtpReflectorAbused");
    }

    /**
     * What is wrong with one query, live: it does not parse or evaluate; it returns no series (of a condition with a
     * threshold, one of its measured sides returns none: see {@link PromQlThresholds}); or one of its selectors
     * matches no series (which {@code or vector(0)} or a threshold would hide).
     */
    private static List<String> problems(final Query query, final Map<String, String> variables)
            throws IOException, InterruptedException {
        final String expression = DeploymentFiles.substitute(query.expression(), variables);
        final List<String> problems = new ArrayList<>();
        final Answer whole = prometheus.query(expression);
        if (!whole.success()) {
            problems.add(query.where() + ": " + whole.error());
            return problems;
        }
        final List<String> measured = PromQlThresholds.measured(expression);
        for (final String part : measured.isEmpty() ? List.of(expression) : measured) {
            final Answer answer = prometheus.query(part);
            if (!answer.success() || answer.series() == 0) {
                problems.add(query.where() + ": no series from " + part
                        + (answer.success() ? "" : ": " + answer.error()));
            }
        }
        for (final PromQlSelectors.Selector selector : PromQlSelectors.of(expression)) {
            final String text = text(selector);
            if (prometheus.query(text).series() == 0) {
                problems.add(query.where() + ": no series match " + text);
            }
        }
        return problems;
    }

    /**
     * What is wrong with a label of a catalogue metric: no scraped series has it, or the values scraped are not the
     * closed set the catalogue gives (less the values only a live capture has, which must be absent).
     */
    private static List<String> labelProblems(final String metric, final String samples, final String label,
                                              final Set<String> values) throws IOException, InterruptedException {
        final Set<String> scraped = prometheus.query("count by (" + label + ") (" + samples + ")").result().stream()
                .map(series -> series.path("metric").path(label).asText())
                .filter(value -> !value.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        if (scraped.isEmpty()) {
            return List.of(metric + " has no label " + label + " in " + samples);
        }
        if (values.isEmpty()) {
            return List.of(); // an open set
        }
        final Set<String> liveOnly = LIVE_CAPTURE_ONLY.getOrDefault(metric, Map.of()).getOrDefault(label, Set.of());
        final Set<String> expected = new TreeSet<>(values);
        expected.removeAll(liveOnly);
        if (!scraped.equals(expected)) {
            return List.of(metric + " " + label + ": scraped " + scraped + ", the catalogue says " + expected
                    + (liveOnly.isEmpty() ? "" : " (and " + liveOnly + " live only)"));
        }
        return List.of();
    }

    private static String jobOf(final String role) {
        return MetricsCatalogue.JOBS.entrySet().stream().filter(job -> job.getValue().equals(role))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** Whether a query selects metrics only a configuration this replay does not have registers. */
    private static boolean configuredOnly(final String expression) {
        final List<PromQlSelectors.Selector> selectors = PromQlSelectors.of(expression);
        return !selectors.isEmpty() && selectors.stream().allMatch(s -> CONFIGURED_ONLY.contains(s.metric()));
    }

    /** A selector as PromQL, its values in double quotes as the project's queries write them. */
    private static String text(final PromQlSelectors.Selector selector) {
        return (selector.metric() == null ? "" : selector.metric()) + selector.matchers().stream()
                .map(m -> m.label() + m.operator() + "\"" + m.value() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
