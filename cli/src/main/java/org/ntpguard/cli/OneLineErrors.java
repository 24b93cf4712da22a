package org.ntpguard.cli;

import picocli.CommandLine;

/**
 * Turns an exception out of a command into one line on stderr; the stack trace only when {@code NTPGUARD_STACKTRACE}
 * is set. An exception reaching here is a bug or an environment failure, never a user's bad input, which commands
 * report themselves.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(final Exception error, final CommandLine commandLine,
                                        final CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("ntpguard " + commandLine.getCommandName() + ": " + describe(error));
        if (System.getenv("NTPGUARD_STACKTRACE") != null) {
            error.printStackTrace(commandLine.getErr());
        }
        return ExitCodes.FAILED;
    }

    static String describe(final Throwable error) {
        final String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
