package org.ntpguard.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ntpguard analyze FILE... --http-port 0} run in the background as {@code main} runs it, and held once the
 * detector has processed the replay: its broker, detector and /metrics keep running until {@link #finish()}. For
 * tests outside this package that scrape what a real replay left in the sensor's and the detector's meters.
 */
public final class HeldAnalyze implements AutoCloseable {

    /** A hold longer than any test: a test that forgets to finish does not hang the build. */
    private static final Duration MAX_HOLD = Duration.ofMinutes(3);
    private static final Pattern METRICS_URL = Pattern.compile("ntpguard analyze: metrics at (http://\\S+)");

    private final CommandRun command = new CommandRun();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread runner;
    private volatile int exitCode = -1;

    private HeldAnalyze(final List<String> args) {
        final AnalyzeCommand analyze = command.command("analyze");
        analyze.onCaughtUp = this::hold;
        runner = new Thread(() -> exitCode = command.run(args.toArray(String[]::new)), "held-analyze");
        runner.setDaemon(true);
    }

    /**
     * Starts {@code analyze} on {@code files} (report into {@code out}) and waits until the detector has processed
     * them.
     *
     * @throws IllegalStateException when analyze ended or did not catch up within {@code timeout}
     */
    public static HeldAnalyze start(final Path out, final Duration timeout, final Path... files)
            throws InterruptedException {
        final List<String> args = new ArrayList<>(List.of("analyze", "--http-port", "0", "--out", out.toString()));
        for (final Path file : files) {
            args.add(file.toString());
        }
        final HeldAnalyze held = new HeldAnalyze(args);
        held.runner.start();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!held.caughtUp.await(100, TimeUnit.MILLISECONDS)) {
            if (!held.runner.isAlive() || System.nanoTime() > deadline) {
                held.close();
                throw new IllegalStateException("analyze did not catch up (exit " + held.exitCode + "): "
                        + held.stderr());
            }
        }
        return held;
    }

    private void hold() {
        caughtUp.countDown();
        try {
            released.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where analyze serves the sensor's and the detector's meters, e.g. {@code http://127.0.0.1:40123/metrics}. */
    public String metricsUrl() {
        final Matcher url = METRICS_URL.matcher(stderr());
        if (!url.find()) {
            throw new IllegalStateException("analyze serves no metrics: " + stderr());
        }
        return url.group(1);
    }

    public String stderr() {
        return command.err.toString();
    }

    /** Lets analyze write its report and stop; returns its exit status. */
    public int finish() throws InterruptedException {
        released.countDown();
        runner.join(MAX_HOLD.toMillis());
        return exitCode;
    }

    @Override
    public void close() throws InterruptedException {
        finish();
    }
}
