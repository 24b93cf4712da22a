package org.ntpguard.streams.export;

import java.util.Locale;

/** Whether the feeds block what the detector lists, or only show it. */
public enum FeedMode {
    /** The firewall feeds list every entry. */
    ENFORCE,
    /**
     * The firewall feeds list nothing, with a comment counting what they would list; {@code blocklist.json} lists
     * the would-be entries, each {@code "enforced":false}: to watch the detector for a while before trusting it.
     */
    MONITOR;

    /** {@code enforce} or {@code monitor}, as the {@code --feeds} option takes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
