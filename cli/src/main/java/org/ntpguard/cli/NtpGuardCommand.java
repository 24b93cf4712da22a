package org.ntpguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: routes to subcommands and does nothing itself. */
@Command(name = "ntpguard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Detects NTP abuse (amplification, reflection, scanning, Kiss-o'-Death abuse) in live traffic "
                + "and captures.",
        subcommands = {DecodeCommand.class, CommandLine.HelpCommand.class})
public final class NtpGuardCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it, for tests. */
    static CommandLine commandLine() {
        final CommandLine commandLine = new CommandLine(new NtpGuardCommand());
        commandLine.setExecutionExceptionHandler(new OneLineErrors());
        commandLine.setExitCodeExceptionMapper(error -> ExitCodes.FAILED);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
