package org.ntpguard.cli.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vector selectors of a PromQL expression (metric names with their label matchers): just enough of PromQL to
 * tell a metric from a function, an aggregation, a grouping label, a keyword, a number, a string or a Grafana
 * variable.
 */
final class PromQlSelectors {

    record LabelMatcher(String label, String operator, String value) {
    }

    /** One selector; {@code metric} is null for a selector of label matchers alone ({@code {job="x"}}). */
    record Selector(String metric, List<LabelMatcher> matchers) {

        Optional<String> equalityValue(final String label) {
            return matchers.stream().filter(m -> m.label().equals(label) && m.operator().equals("="))
                    .map(LabelMatcher::value).findFirst();
        }
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Followed by a parenthesised list of label names, not of expressions. */
    private static final Set<String> GROUPINGS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf",
            "nan");
    private static final Pattern MATCHER = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`)"
                    + "\\s*(,|$)");

    private PromQlSelectors() {
    }

    static List<Selector> of(final String expression) {
        final List<Selector> selectors = new ArrayList<>();
        int at = 0;
        while (at < expression.length()) {
            final char c = expression.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                at = afterString(expression, at);
            } else if (c == '[') {
                at = expression.indexOf(']', at) + 1; // a range or subquery: durations and Grafana variables
            } else if (c == '{') {
                final int close = closingBrace(expression, at);
                selectors.add(new Selector(null, matchers(expression.substring(at + 1, close))));
                at = close + 1;
            } else if (c == '$') {
                at = afterVariable(expression, at);
            } else if (Character.isDigit(c) || c == '.') {
                at = afterWord(expression, at); // a number or a duration
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                at = word(expression, at, selectors);
            } else {
                at++;
            }
        }
        return selectors;
    }

    private static int word(final String expression, final int start, final List<Selector> selectors) {
        final int end = afterWord(expression, start);
        final String word = expression.substring(start, end);
        final int next = afterSpaces(expression, end);
        final char following = next < expression.length() ? expression.charAt(next) : ' ';
        if (GROUPINGS.contains(word)) {
            return following == '(' ? expression.indexOf(')', next) + 1 : end;
        }
        if (following == '(' || AGGREGATIONS.contains(word) || KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
            return end;
        }
        if (following == '{') {
            final int close = closingBrace(expression, next);
            selectors.add(new Selector(word, matchers(expression.substring(next + 1, close))));
            return close + 1;
        }
        selectors.add(new Selector(word, List.of()));
        return end;
    }

    private static List<LabelMatcher> matchers(final String body) {
        final List<LabelMatcher> matchers = new ArrayList<>();
        final Matcher matcher = MATCHER.matcher(body);
        int at = 0;
        while (at < body.length() && !body.substring(at).isBlank()) {
            if (!matcher.find(at) || matcher.start() != at) {
                throw new IllegalArgumentException("cannot read label matchers: {" + body + "}");
            }
            final String quoted = matcher.group(3);
            matchers.add(new LabelMatcher(matcher.group(1), matcher.group(2),
                    quoted.substring(1, quoted.length() - 1)));
            at = matcher.end();
        }
        return matchers;
    }

    static int closingBrace(final String expression, final int open) {
        int at = open + 1;
        while (at < expression.length()) {
            final char c = expression.charAt(at);
            if (c == '}') {
                return at;
            }
            at = (c == '"' || c == '\'' || c == '`') ? afterString(expression, at) : at + 1;
        }
        throw new IllegalArgumentException("unclosed { at " + open + " in " + expression);
    }

    static int afterString(final String expression, final int quote) {
        final char delimiter = expression.charAt(quote);
        int at = quote + 1;
        while (at < expression.length() && expression.charAt(at) != delimiter) {
            at += (expression.charAt(at) == '\\' && delimiter != '`') ? 2 : 1;
        }
        if (at >= expression.length()) {
            throw new IllegalArgumentException("unclosed string at " + quote + " in " + expression);
        }
        return at + 1;
    }

    private static int afterVariable(final String expression, final int dollar) {
        if (dollar + 1 < expression.length() && expression.charAt(dollar + 1) == '{') {
            return expression.indexOf('}', dollar) + 1;
        }
        return afterWord(expression, dollar + 1);
    }

    static int afterWord(final String expression, final int start) {
        int at = start;
        while (at < expression.length()) {
            final char c = expression.charAt(at);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '.')) {
                break;
            }
            at++;
        }
        return at;
    }

    static int afterSpaces(final String expression, final int start) {
        int at = start;
        while (at < expression.length() && Character.isWhitespace(expression.charAt(at))) {
            at++;
        }
        return at;
    }
}
