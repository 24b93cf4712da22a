package org.ntpguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: routes to subcommands and does nothing itself. */
@Command(name = "ntpguard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Detect NTP abuse (amplification, reflection, scanning, Kiss-o'-Death abuse) in live traffic and "
                + "captures.",
        subcommands = {DecodeCommand.class, SensorCommand.class, DetectCommand.class, AnalyzeCommand.class,
                RunCommand.class, SimulateCommand.class, AllowCommand.class, UnblockCommand.class,
                CommandLine.HelpCommand.class,
                picocli.AutoComplete.GenerateCompletion.class})
public final class NtpGuardCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        final CommandLine commandLine = commandLine();
        final int status = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(status);
    }

    /** The command line as {@code main} runs it, for tests. */
    static CommandLine commandLine() {
        final CommandLine commandLine = new CommandLine(new NtpGuardCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // stdout carries data (decode's lines): buffered, UTF-8, flushed by the commands.
        commandLine.setOut(new StandardOutput());
        commandLine.setExecutionExceptionHandler(new OneLineErrors());
        commandLine.setExitCodeExceptionMapper(error -> ExitCodes.FAILED);
        ExitCodes.listIn(commandLine);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
