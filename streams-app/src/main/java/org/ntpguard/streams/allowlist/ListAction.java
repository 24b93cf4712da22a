package org.ntpguard.streams.allowlist;

import java.util.Locale;

/** What an operator did to the runtime allowlist. */
public enum ListAction {
    /** The prefix never goes on the blocklist, and leaves it now, until the allowlisting is withdrawn. */
    ALLOW,
    /** A prefix allowlisted before is not any more (a tombstone on the allowlist topic). */
    DISALLOW,
    /** The address leaves the blocklist and stays off for {@code ntpguard.unblock.hold}, even if it abuses again. */
    UNBLOCK;

    /** {@code allow}, {@code disallow}, {@code unblock}: as JSON carries it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ListAction of(final String label) {
        for (final ListAction action : values()) {
            if (action.label().equals(label)) {
                return action;
            }
        }
        throw new IllegalArgumentException("action '" + label + "' (expected: allow, disallow or unblock)");
    }
}
