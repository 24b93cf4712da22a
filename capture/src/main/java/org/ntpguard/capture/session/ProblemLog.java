package org.ntpguard.capture.session;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import org.ntpguard.capture.pcap.CaptureProblem;
import org.ntpguard.capture.pcap.CaptureProblems;

/**
 * Writes problems to a terminal or log, one line each, and counts them by kind. A hostile capture can hold millions
 * of bad frames: after {@code linesPerKind} lines of one kind the rest are only counted, and {@link #flush} says how
 * many were held back, so nothing goes unreported and the terminal is not flooded.
 */
public final class ProblemLog implements CaptureProblems {

    public static final int DEFAULT_LINES_PER_KIND = 20;

    private final PrintWriter out;
    private final int linesPerKind;
    private final Map<CaptureProblem.Kind, Long> counts = new EnumMap<>(CaptureProblem.Kind.class);
    private final Map<CaptureProblem.Kind, Long> heldBack = new EnumMap<>(CaptureProblem.Kind.class);
    private String heldBackSource;

    public ProblemLog(final PrintWriter out) {
        this(out, DEFAULT_LINES_PER_KIND);
    }

    public ProblemLog(final PrintWriter out, final int linesPerKind) {
        this.out = out;
        this.linesPerKind = linesPerKind;
    }

    @Override
    public void report(final CaptureProblem problem) {
        final long seen = counts.merge(problem.kind(), 1L, Long::sum);
        if (seen <= linesPerKind) {
            out.println(problem.describe());
            out.flush();
        } else {
            heldBack.merge(problem.kind(), 1L, Long::sum);
            heldBackSource = problem.source();
        }
    }

    /** Says how many lines were held back since the last flush, per kind. */
    public void flush() {
        heldBack.forEach((kind, count) -> out.println(heldBackSource + ": " + count + " more "
                + kind.name().toLowerCase().replace('_', ' ') + " problems not shown"));
        heldBack.clear();
        out.flush();
    }

    public long count(final CaptureProblem.Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** The problems counted so far, by kind, in the order of the kinds. */
    public Map<CaptureProblem.Kind, Long> counts() {
        return new EnumMap<>(counts);
    }

    /** Problems that say the input file itself is damaged ({@link CaptureProblem.Kind#damagesInput()}). */
    public long inputDamage() {
        return counts.entrySet().stream().filter(e -> e.getKey().damagesInput()).mapToLong(Map.Entry::getValue).sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
