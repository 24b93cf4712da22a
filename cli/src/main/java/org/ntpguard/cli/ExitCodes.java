package org.ntpguard.cli;

/** Exit statuses of every ntpguard command; listed in each command's {@code --help}. */
public final class ExitCodes {

    /** Everything was read. */
    public static final int OK = 0;
    /** Some input was damaged or unreadable; the rest was processed. */
    public static final int PARTIAL = 1;
    /** Nothing could be read, or the command line was wrong. */
    public static final int FAILED = 2;

    private ExitCodes() {
    }
}
