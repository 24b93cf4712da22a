package org.ntpguard.cli.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ntpguard.cli.deploy.PromQlSelectors.LabelMatcher;
import org.ntpguard.cli.deploy.PromQlSelectors.Selector;

/**
 * dashboards/metrics-catalogue.txt: the metrics ntpguard exposes, which of its jobs exposes each, and the labels
 * queries may match on. Checks the selectors of dashboard and rule queries against it.
 */
final class MetricsCatalogue {

    /** Prometheus job names of the two roles, as prometheus.yml scrapes them. */
    static final Map<String, String> JOBS = Map.of("ntpguard-sensor", "sensor", "ntpguard-detector", "detector");
    /** Series Prometheus makes itself for every target. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern PLAIN_ALTERNATION = Pattern.compile("[A-Za-z0-9_]+(\\|[A-Za-z0-9_]+)*");

    enum Type {
        COUNTER, GAUGE, HISTOGRAM, SUMMARY;

        List<String> suffixes() {
            return switch (this) {
                case HISTOGRAM -> List.of("_bucket", "_sum", "_count");
                case SUMMARY -> List.of("_sum", "_count");
                default -> List.of("");
            };
        }
    }

    /** A label's values, or an empty set for an open set. */
    record Metric(String name, Type type, Set<String> exposedBy, Map<String, Set<String>> labels) {
    }

    private final Map<String, Metric> metrics;

    private MetricsCatalogue(final Map<String, Metric> metrics) {
        this.metrics = metrics;
    }

    static MetricsCatalogue read(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final Map<String, Metric> metrics = new LinkedHashMap<>();
        for (int number = 1; number <= lines.size(); number++) {
            final String line = lines.get(number - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] fields = line.split("\\s+");
            if (fields.length < 3) {
                throw new IllegalArgumentException(file + ":" + number + ": expected NAME TYPE EXPOSED-BY: " + line);
            }
            final Map<String, Set<String>> labels = new LinkedHashMap<>();
            for (final String label : Arrays.copyOfRange(fields, 3, fields.length)) {
                final int equals = label.indexOf('=');
                labels.put(equals < 0 ? label : label.substring(0, equals), equals < 0 ? Set.of()
                        : new LinkedHashSet<>(List.of(label.substring(equals + 1).split("\\|"))));
            }
            final Metric metric = new Metric(fields[0], Type.valueOf(fields[1].toUpperCase(Locale.ROOT)),
                    new LinkedHashSet<>(List.of(fields[2].split(","))), labels);
            if (!JOBS.values().containsAll(metric.exposedBy())) {
                throw new IllegalArgumentException(file + ":" + number + ": exposed by " + fields[2]);
            }
            if (metrics.put(metric.name(), metric) != null) {
                throw new IllegalArgumentException(file + ":" + number + ": " + metric.name() + " listed twice");
            }
        }
        return new MetricsCatalogue(metrics);
    }

    Collection<Metric> metrics() {
        return metrics.values();
    }

    /** The metric a series name belongs to: the name itself, or a histogram's or summary's sample suffix. */
    Optional<Metric> find(final String seriesName) {
        for (final Metric metric : metrics.values()) {
            for (final String suffix : metric.type().suffixes()) {
                if (seriesName.equals(metric.name() + suffix)) {
                    return Optional.of(metric);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * This catalogue with recording rules added: each records a series of the labels and jobs of the catalogue
     * metrics its expression selects.
     */
    MetricsCatalogue withRecordingRule(final String name, final String expression) {
        final Set<String> exposedBy = new LinkedHashSet<>();
        final Map<String, Set<String>> labels = new LinkedHashMap<>();
        for (final Selector selector : PromQlSelectors.of(expression)) {
            find(selector.metric() == null ? "" : selector.metric()).ifPresent(source -> {
                exposedBy.addAll(source.exposedBy());
                source.labels().forEach((label, values) -> labels.merge(label, values, MetricsCatalogue::union));
            });
        }
        if (exposedBy.isEmpty()) {
            throw new IllegalArgumentException("recording rule " + name + " selects no catalogue metric");
        }
        final Map<String, Metric> extended = new LinkedHashMap<>(metrics);
        extended.put(name, new Metric(name, Type.GAUGE, exposedBy, labels));
        return new MetricsCatalogue(extended);
    }

    private static Set<String> union(final Set<String> a, final Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Set.of(); // either is open
        }
        final Set<String> both = new LinkedHashSet<>(a);
        both.addAll(b);
        return both;
    }

    /**
     * What is wrong with one selector of a query: a metric outside the catalogue, a selector that does not say
     * which job's metric it means (sensors and detectors both expose JVM and Kafka client metrics) or names a job
     * that does not expose it, a label the metric does not have, or a value outside the label's closed set.
     */
    List<String> problems(final Selector selector, final String where) {
        final List<String> problems = new ArrayList<>();
        if (selector.metric() == null) {
            problems.add(where + ": a selector without a metric name");
            return problems;
        }
        final Optional<String> job = selector.equalityValue("job");
        if (job.isPresent() && !JOBS.containsKey(job.get())) {
            problems.add(where + ": " + selector.metric() + " selects unknown job " + job.get());
            return problems;
        }
        if (SCRAPE_SERIES.contains(selector.metric())) {
            if (job.isEmpty()) {
                problems.add(where + ": " + selector.metric() + " without job=\"...\"");
            }
            return problems;
        }
        final Optional<Metric> found = find(selector.metric());
        if (found.isEmpty()) {
            problems.add(where + ": " + selector.metric() + " is not in dashboards/metrics-catalogue.txt");
            return problems;
        }
        final Metric metric = found.get();
        final boolean recorded = metric.name().contains(":"); // a recording rule: its sources name the job
        if (job.isEmpty() && !recorded) {
            problems.add(where + ": " + selector.metric() + " without job=\"...\"");
        }
        job.map(JOBS::get).filter(role -> !metric.exposedBy().contains(role)).ifPresent(role ->
                problems.add(where + ": " + selector.metric() + " is not exposed by the " + role));
        for (final LabelMatcher matcher : selector.matchers()) {
            if (TARGET_LABELS.contains(matcher.label())) {
                continue;
            }
            final Set<String> values = metric.labels().get(matcher.label());
            if (values == null) {
                problems.add(where + ": " + selector.metric() + " has no label " + matcher.label());
            } else if (!values.isEmpty()) {
                for (final String value : literalValues(matcher)) {
                    if (!values.contains(value)) {
                        problems.add(where + ": " + selector.metric() + " " + matcher.label() + " is never \""
                                + value + "\" (one of " + values + ")");
                    }
                }
            }
        }
        return problems;
    }

    /** The values a matcher names: its value, or each alternative of a regex that is a plain a|b|c list. */
    private static List<String> literalValues(final LabelMatcher matcher) {
        if (matcher.operator().endsWith("~")) {
            return PLAIN_ALTERNATION.matcher(matcher.value()).matches() ? List.of(matcher.value().split("\\|"))
                    : List.of();
        }
        return List.of(matcher.value());
    }
}
