package org.ntpguard.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Another program run on a capture for comparison, timed from start to exit with {@link System#nanoTime()} (so its
 * start-up is included: a few milliseconds for tcpdump, about a second for tshark's dissector registration). Its
 * standard output and error are discarded.
 */
final class ExternalTool {

    private final String name;
    private final List<String> arguments;

    /** {@code arguments} may contain {@code FILE}, replaced by the capture's path. */
    ExternalTool(final String name, final String... arguments) {
        this.name = name;
        this.arguments = List.of(arguments);
    }

    String name() {
        return name;
    }

    /** The command line, for the report. */
    String commandLine(final Path file) {
        return String.join(" ", command(file));
    }

    /** Whether {@link #name()} is an executable on the PATH. */
    boolean installed() {
        final String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (final String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the tool once on {@code file}.
     *
     * @return elapsed nanoseconds
     * @throws IOException when it cannot start or exits with a non-zero status
     */
    long run(final Path file) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(command(file))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        final long start = System.nanoTime();
        final Process process = builder.start();
        final int status = process.waitFor();
        final long elapsed = System.nanoTime() - start;
        if (status != 0) {
            throw new IOException(commandLine(file) + ": exit status " + status + " (expected: 0)");
        }
        return elapsed;
    }

    private List<String> command(final Path file) {
        final List<String> command = new ArrayList<>();
        command.add(name);
        for (final String argument : arguments) {
            command.add("FILE".equals(argument) ? file.toString() : argument);
        }
        return command;
    }
}
