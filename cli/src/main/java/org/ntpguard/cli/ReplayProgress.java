package org.ntpguard.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a capture replay on stderr: frames, bytes, rate and time left. On a terminal one line is rewritten in
 * place; otherwise (a log, a pipe) a plain line is written every {@code interval}. Called from the capture thread
 * for every datagram, so it looks at the clock only every few thousand calls.
 */
final class ReplayProgress {

    private static final int CALLS_BETWEEN_CLOCK_READS = 4096;
    /**
     * No time left is estimated before this much replay and {@link #ESTIMATE_AFTER_PERCENT} of the input: the first
     * seconds (JIT, the producer finding the broker) run far below the replay's pace, and an estimate from them says
     * hours for a minute's work.
     */
    static final long ESTIMATE_AFTER_NANOS = 5_000_000_000L;
    static final int ESTIMATE_AFTER_PERCENT = 1;

    private final PrintWriter err;
    private final boolean terminal;
    private final long totalBytes;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long startNanos;
    private long lastPrintNanos;
    private int calls;
    private long frames;
    private long bytes;
    private boolean printed;

    ReplayProgress(final PrintWriter err, final boolean terminal, final long totalBytes, final long intervalNanos,
                   final LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.totalBytes = totalBytes;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastPrintNanos = startNanos;
    }

    /** Progress on stderr: in place on a terminal, a line every 10 s elsewhere. */
    static ReplayProgress onStderr(final PrintWriter err, final long totalBytes) {
        final boolean terminal = System.console() != null;
        return new ReplayProgress(err, terminal, totalBytes, terminal ? 500_000_000L : 10_000_000_000L,
                System::nanoTime);
    }

    /**
     * @param frame          frames read so far, over all inputs
     * @param bytesReadSoFar bytes of input read so far, over all inputs, as they are on disk (compressed for a gzip
     *                       file): what the total size counts
     */
    void update(final long frame, final long bytesReadSoFar) {
        frames = frame;
        bytes = bytesReadSoFar;
        if (++calls < CALLS_BETWEEN_CLOCK_READS) {
            return;
        }
        calls = 0;
        final long now = clock.getAsLong();
        if (now - lastPrintNanos >= intervalNanos) {
            lastPrintNanos = now;
            print(now);
        }
    }

    /** The last figures, then a newline on a terminal. */
    void finish() {
        if (printed || !terminal) {
            print(clock.getAsLong());
        }
        if (terminal && printed) {
            err.println();
        }
        err.flush();
    }

    private void print(final long now) {
        final double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        final double framesPerSecond = frames / seconds;
        final double bytesPerSecond = bytes / seconds;
        final StringBuilder line = new StringBuilder(96);
        line.append(String.format(Locale.ROOT, "replay: %,d frames, %s", frames, size(bytes)));
        if (totalBytes > 0) {
            line.append(String.format(Locale.ROOT, " of %s (%d%%)", size(totalBytes),
                    Math.min(100, bytes * 100 / totalBytes)));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f frames/s", framesPerSecond));
        if (totalBytes > 0 && bytesPerSecond > 0 && bytes < totalBytes && now - startNanos >= ESTIMATE_AFTER_NANOS
                && bytes * 100 >= totalBytes * ESTIMATE_AFTER_PERCENT) {
            line.append(String.format(Locale.ROOT, ", %d s left", (long) Math.ceil((totalBytes - bytes) / bytesPerSecond)));
        }
        if (terminal) {
            err.print("\r" + line + "   ");
        } else {
            err.println(line);
        }
        err.flush();
        printed = true;
    }

    private static String size(final long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
