package org.ntpguard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code ntpguard} as {@code main} does, with stdout and stderr captured. */
final class CommandRun {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private final CommandLine commandLine = NtpGuardCommand.commandLine();

    CommandRun() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
    }

    int run(final String... args) {
        return commandLine.execute(args);
    }

    /** The object picocli runs for a subcommand: to do to a running command what a signal would. */
    <T> T command(final String name) {
        return commandLine.getSubcommands().get(name).getCommand();
    }
}
