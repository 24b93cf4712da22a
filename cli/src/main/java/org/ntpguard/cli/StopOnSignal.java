package org.ntpguard.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) or SIGTERM for a command that must finish cleanly. The signal is handled, not left to the JVM's
 * shutdown: the JVM would end with 130 or 143 once its shutdown hooks returned, whatever the command then decided,
 * and would skip the delete-on-exit of temporary files for a status set by halting. So the signal runs
 * {@code onStop} (close the capture, stop the replay), the command ends as it does at the end of its input and
 * returns its own status, and {@code main} exits with it. A command not done {@code grace} after the signal is cut
 * short with {@code overdueStatus}, after one line saying so: a stop keeps its bound. A second signal exits at once.
 * Outside a command's scope, the JVM's own handling applies.
 */
final class StopOnSignal implements AutoCloseable {

    /** The signals a stop is asked with: Ctrl-C, and what service managers and {@code docker stop} send. */
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final String command;
    private final Runnable onStop;
    private final Duration grace;
    private final int overdueStatus;
    private final PrintWriter err;
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile Thread watchdog;

    /**
     * @param command       the command's name, for the line of a stop cut short
     * @param overdueStatus the status when the command did not end within {@code grace} of the signal
     */
    StopOnSignal(final String command, final Runnable onStop, final Duration grace, final int overdueStatus,
                 final PrintWriter err) {
        this.command = command;
        this.onStop = onStop;
        this.grace = grace;
        this.overdueStatus = overdueStatus;
        this.err = err;
        for (final String name : SIGNALS) {
            final Signal signal = new Signal(name);
            try {
                previous.put(signal, Signal.handle(signal, this::handle));
            } catch (IllegalArgumentException reservedByTheJvm) {
                // -Xrs, or a JVM that keeps the signal: its default (exit 128 + signal) stays
            }
        }
    }

    /** On the JVM's signal thread. */
    private void handle(final Signal signal) {
        if (!signalled.compareAndSet(false, true)) {
            exitNow("a second SIG" + signal.getName() + ": exiting now");
            return;
        }
        final Thread overdue = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException done) {
                return; // the command ended in time
            }
            exitNow("did not stop within " + grace.toSeconds() + " s of the signal; exiting now");
        }, command + "-stop-bound");
        overdue.setDaemon(true);
        watchdog = overdue;
        overdue.start();
        onStop.run();
    }

    private void exitNow(final String why) {
        err.println("ntpguard " + command + ": " + why);
        err.flush();
        // From a thread of its own: System.exit waits for the shutdown hooks, and the signal thread must not.
        new Thread(() -> System.exit(overdueStatus), command + "-exit").start();
    }

    /** The command is done: signals get the JVM's handling again. */
    @Override
    public void close() {
        final Thread overdue = watchdog;
        if (overdue != null) {
            overdue.interrupt();
        }
        previous.forEach(Signal::handle);
    }
}
