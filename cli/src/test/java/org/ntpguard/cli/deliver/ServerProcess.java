package org.ntpguard.cli.deliver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real server program a test starts, its output in a log file, stopped with SIGTERM (SIGKILL after 10 s). */
final class ServerProcess implements AutoCloseable {

    /** Whether the server answers yet; an IOException counts as not yet. */
    @FunctionalInterface
    interface Probe {
        boolean ready() throws IOException, InterruptedException;
    }

    private final Process process;
    private final Path log;

    private ServerProcess(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(final Path log, final String... command) throws IOException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        return new ServerProcess(process, log);
    }

    /** Waits until the probe says ready, at most {@code timeout}; false if the time passed or the program ended. */
    boolean awaitReady(final Duration timeout, final Probe probe) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                if (probe.ready()) {
                    return true;
                }
            } catch (final IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
