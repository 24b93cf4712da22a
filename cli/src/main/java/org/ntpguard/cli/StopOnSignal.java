package org.ntpguard.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM for a command that must finish cleanly: the JVM's shutdown hook runs {@code onStop} (close the
 * capture, ask the replay to stop), then waits, at most {@code grace}, until the command has flushed what it holds
 * and written its summary, which it says by closing this.
 */
final class StopOnSignal implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopOnSignal(final String name, final Runnable onStop, final Duration grace) {
        hook = new Thread(() -> {
            onStop.run();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The command is done: a signal from now on exits at once. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // The JVM is already shutting down: the hook is running and has just been released.
        }
    }
}
