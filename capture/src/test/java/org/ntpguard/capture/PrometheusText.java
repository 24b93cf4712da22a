package org.ntpguard.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Prometheus text exposition (format 0.0.4) read back the way a Prometheus server reads it: {@code # TYPE} lines
 * and samples {@code name{label="value",...} number}. Strict: a line it cannot read fails the test, so a scrape that
 * Prometheus would refuse does not pass.
 */
public final class PrometheusText {

    /** Dotted-quad IPv4 or colon-separated IPv6 text, anywhere in a value. */
    public static final Pattern ADDRESS = Pattern.compile(
            "\\b\\d{1,3}(\\.\\d{1,3}){3}\\b|[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText() {
    }

    public static PrometheusText parse(final String text) {
        final PrometheusText parsed = new PrometheusText();
        for (final String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                final String[] parts = line.substring(7).split(" ");
                parsed.types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                parsed.samples.add(sample(line));
            }
        }
        return parsed;
    }

    private static Sample sample(final String line) {
        final int brace = line.indexOf('{');
        final int space = line.lastIndexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("not a sample line: " + line);
        }
        final Map<String, String> labels = new LinkedHashMap<>();
        final String name;
        if (brace < 0 || brace > space) {
            name = line.substring(0, space);
        } else {
            name = line.substring(0, brace);
            final int end = readLabels(line, brace + 1, labels);
            if (end + 1 != space) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1).replace("+Inf", "Infinity")
                .replace("-Inf", "-Infinity")));
    }

    /** Reads {@code k="v",...} from {@code start}; returns the index of the closing brace. */
    private static int readLabels(final String line, final int start, final Map<String, String> labels) {
        int i = start;
        while (line.charAt(i) != '}') {
            final int equals = line.indexOf("=\"", i);
            final String key = line.substring(i, equals);
            final StringBuilder value = new StringBuilder();
            i = equals + 2;
            for (char c = line.charAt(i); c != '"'; c = line.charAt(++i)) {
                if (c == '\\') {
                    final char escaped = line.charAt(++i);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i++;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i;
    }

    /** Metric family name to type, from the {@code # TYPE} lines. */
    public Map<String, String> types() {
        return types;
    }

    public List<Sample> samples() {
        return samples;
    }

    public List<Sample> samples(final String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The sum of the samples of {@code name} whose labels include every pair of {@code match}. */
    public double sum(final String name, final String... match) {
        return samples(name).stream().filter(s -> {
            for (int i = 0; i < match.length; i += 2) {
                if (!match[i + 1].equals(s.labels().get(match[i]))) {
                    return false;
                }
            }
            return true;
        }).mapToDouble(Sample::value).sum();
    }

    /** The values one label takes in the samples of {@code name}. */
    public Set<String> labelValues(final String name, final String label) {
        final Set<String> values = new LinkedHashSet<>();
        samples(name).forEach(s -> {
            if (s.labels().containsKey(label)) {
                values.add(s.labels().get(label));
            }
        });
        return values;
    }

    /** Every label value of every sample. */
    public Set<String> allLabelValues() {
        final Set<String> values = new LinkedHashSet<>();
        samples.forEach(s -> values.addAll(s.labels().values()));
        return values;
    }
}
