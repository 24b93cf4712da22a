package org.ntpguard.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** Exit statuses of every ntpguard command: one table, shown by every command's {@code --help}. */
public final class ExitCodes {

    /** Clean: everything was read and processed; for a live command also a stop asked for (Ctrl-C, SIGTERM). */
    public static final int OK = 0;
    /** Results produced, but some input was damaged, or events were late, dropped or left unprocessed. */
    public static final int PARTIAL = 1;
    /** Nothing useful produced: usage, unreadable input, an unusable --out, a failure. */
    public static final int FAILED = 2;
    /** What HotSpot exits with on -XX:+ExitOnOutOfMemoryError, which ./ntpguard and the image set: never ours. */
    public static final int OUT_OF_MEMORY = 3;
    /** {@code analyze} stopped by SIGINT or SIGTERM: 128 + SIGINT, the shell's status of an interrupted job. */
    public static final int INTERRUPTED = 130;

    private static final String HEADING = "%nExit status:%n";

    private static final Map<String, String> TABLE = table();

    private ExitCodes() {
    }

    private static Map<String, String> table() {
        final Map<String, String> table = new LinkedHashMap<>();
        table.put(Integer.toString(OK), "clean; for run, detect and sensor also a stop asked for (Ctrl-C, SIGTERM)");
        table.put(Integer.toString(PARTIAL), "results produced, but some input was damaged or unreadable, or events "
                + "were late, quarantined, dropped or left unprocessed");
        table.put(Integer.toString(FAILED), "nothing useful produced: wrong usage or config, no input readable, "
                + "--out unusable or in use, or a failure");
        table.put(Integer.toString(OUT_OF_MEMORY), "the JVM ran out of memory (-XX:+ExitOnOutOfMemoryError, as "
                + "./ntpguard and the container image run it)");
        table.put(Integer.toString(INTERRUPTED), "analyze stopped by Ctrl-C or SIGTERM: its report is marked partial");
        return table;
    }

    /** Puts the table into the help of {@code commandLine} and of every subcommand under it. */
    static void listIn(final CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading(HEADING).exitCodeList(TABLE);
        commandLine.getSubcommands().values().forEach(ExitCodes::listIn);
    }
}
