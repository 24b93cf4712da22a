package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ntpguard} in a JVM of its own, with the tests' classpath; stdout and stderr into one log file. Public for the
 * tests of other packages that run a command as a user does (deploy: what its /metrics serves).
 */
public record ChildCli(Process process, Path logFile) {

    /** Longer than any stop in the tests, the bounded waits included: a stop that hangs fails instead of hanging CI. */
    static final Duration EXIT_LIMIT = Duration.ofMinutes(4);
    /** Broker and detector start on a loaded two-core machine. */
    static final Duration START_LIMIT = Duration.ofMinutes(4);

    /**
     * @param prefix what runs the JVM, e.g. {@code ip netns exec NAME}; empty for nothing
     * @param tmp    the JVM's temporary folder; null for the default
     */
    public static ChildCli start(final Path dir, final List<String> prefix, final List<String> jvmOptions,
                                 final Path tmp, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(prefix);
        // A shell without job control starts its background jobs with SIGINT ignored, and a JVM leaves an
        // ignored SIGINT ignored: perl puts back the default before it becomes the JVM (same process id).
        command.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", "--"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        if (tmp != null) {
            command.add("-Djava.io.tmpdir=" + tmp);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NtpGuardCommand.class.getName()));
        command.addAll(List.of(args));
        final Path log = Files.createTempFile(dir, args[0] + "-", ".log");
        return new ChildCli(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start(), log);
    }

    /** Waits until the log holds {@code line}. */
    public void await(final String line) throws InterruptedException {
        final long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!log().contains(line)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("no line \"" + line + "\"" + (process.isAlive() ? "" : " (it ended)")
                        + ": " + log());
            }
            Thread.sleep(100);
        }
    }

    /** Waits until {@code file} holds {@code text}. */
    void awaitFile(final Path file, final String text) throws InterruptedException {
        final long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!contains(file, text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError(file + " never held " + text + ": " + log());
            }
            Thread.sleep(100);
        }
    }

    private static boolean contains(final Path file, final String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            return false; // not written yet
        }
    }

    /** Sends SIGINT or SIGTERM, as {@code kill -INT} does (through perl, which every Debian has). */
    public void signal(final String name) throws IOException, InterruptedException {
        final String kill = "kill('" + name + "', " + process.pid() + ") or die \"kill: $!\"";
        assertThat(new ProcessBuilder("perl", "-e", kill).inheritIO().start().waitFor()).isZero();
    }

    public int exitStatus() throws InterruptedException {
        if (!process.waitFor(EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running " + EXIT_LIMIT.toMinutes() + " min after the signal: "
                    + log());
        }
        return process.exitValue();
    }

    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
