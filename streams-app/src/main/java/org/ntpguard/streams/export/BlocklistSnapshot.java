package org.ntpguard.streams.export;

import java.util.Collection;
import java.util.List;
import org.ntpguard.streams.detect.BlockEntry;

/**
 * The blocklist at one moment: what every feed renders.
 *
 * @param version changes whenever the entries change; a counter of this process, not comparable across instances
 * @param loaded  the blocklist topic has been read up to where it ended when reading started: before that, entries
 *                may be missing, and a firewall must not replace its list with this one
 * @param entries in no particular order
 */
public record BlocklistSnapshot(long version, boolean loaded, List<BlockEntry> entries) {

    public BlocklistSnapshot {
        entries = List.copyOf(entries);
    }

    /** A complete list known at once, such as the blocklist at the end of an analysis. */
    public static BlocklistSnapshot of(final Collection<BlockEntry> entries) {
        return new BlocklistSnapshot(0, true, List.copyOf(entries));
    }
}
