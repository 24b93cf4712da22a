package org.ntpguard.cli.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The thresholds of a PromQL condition: a comparison with a number at the top level of the expression or of one
 * operand of its top-level {@code and}, {@code or} or {@code unless} ({@code X > 0},
 * {@code X == 0 and on () Y > 0}). Healthy traffic may cross no threshold, so a condition may rightly return nothing;
 * its measured sides ({@code X}, {@code Y}) are what must return series.
 */
final class PromQlThresholds {

    private static final Set<String> SET_OPERATORS = Set.of("and", "or", "unless");
    private static final Set<String> MATCHING = Set.of("on", "ignoring");
    private static final List<String> COMPARISONS = List.of("==", "!=", ">=", "<=", ">", "<");
    private static final Pattern NUMBER = Pattern.compile(
            "[-+]?((\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|0[xX][0-9a-fA-F]+|(?i:inf|nan))");

    private PromQlThresholds() {
    }

    /**
     * The operands of the expression's top-level set operators, each without its threshold; empty when no operand
     * compares with a number (the expression itself is then what must return series).
     */
    static List<String> measured(final String expression) {
        final List<String> operands = new ArrayList<>();
        boolean thresholds = false;
        for (final String operand : operands(expression)) {
            final String measured = withoutThreshold(operand);
            thresholds |= !measured.equals(operand);
            operands.add(measured);
        }
        return thresholds ? operands : List.of();
    }

    /** The operands of the top-level and/or/unless, with their on(...) or ignoring(...) left out. */
    private static List<String> operands(final String expression) {
        final List<String> operands = new ArrayList<>();
        int start = 0;
        int depth = 0;
        int at = 0;
        while (at < expression.length()) {
            final char c = expression.charAt(at);
            if (Character.isLetter(c) || c == '_' || c == ':') {
                final int end = PromQlSelectors.afterWord(expression, at);
                if (depth == 0 && SET_OPERATORS.contains(expression.substring(at, end))) {
                    operands.add(expression.substring(start, at).strip());
                    start = afterMatching(expression, end);
                    at = start;
                } else {
                    at = end;
                }
            } else {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                at = skipNested(expression, at);
            }
        }
        operands.add(expression.substring(start).strip());
        return operands;
    }

    /** After a set operator: past its {@code on (...)} or {@code ignoring (...)}, if any. */
    private static int afterMatching(final String expression, final int operatorEnd) {
        final int word = PromQlSelectors.afterSpaces(expression, operatorEnd);
        final int wordEnd = PromQlSelectors.afterWord(expression, word);
        if (MATCHING.contains(expression.substring(word, wordEnd))) {
            return expression.indexOf(')', wordEnd) + 1;
        }
        return operatorEnd;
    }

    /** The left-hand side of a top-level comparison with a number; the operand itself without one. */
    private static String withoutThreshold(final String operand) {
        int depth = 0;
        int at = 0;
        while (at < operand.length()) {
            final char c = operand.charAt(at);
            if (depth == 0) {
                for (final String comparison : COMPARISONS) {
                    if (operand.startsWith(comparison, at)) {
                        final String right = operand.substring(at + comparison.length()).strip()
                                .replaceFirst("^bool\\s+", "");
                        return NUMBER.matcher(right).matches() ? operand.substring(0, at).strip() : operand;
                    }
                }
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            at = skipNested(operand, at);
        }
        return operand;
    }

    /** The position after the character at {@code at}, or after the whole string, label matchers or range it opens. */
    private static int skipNested(final String expression, final int at) {
        return switch (expression.charAt(at)) {
            case '"', '\'', '`' -> PromQlSelectors.afterString(expression, at);
            case '{' -> PromQlSelectors.closingBrace(expression, at) + 1;
            case '[' -> expression.indexOf(']', at) + 1;
            default -> at + 1;
        };
    }
}
