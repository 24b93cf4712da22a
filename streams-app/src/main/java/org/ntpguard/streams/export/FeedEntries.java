package org.ntpguard.streams.export;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.IpAddress;

/** Which entries a feed lists, in which order, and the values every format derives from an entry. */
final class FeedEntries {

    /**
     * The longest timeout ipset takes (the kernel keeps it in milliseconds in 32 bits); nftables takes more, but one
     * cap for both keeps the two scripts alike.
     */
    static final long MAX_TIMEOUT_SECONDS = 2_147_483;

    private static final Comparator<BlockEntry> BY_NETWORK = Comparator
            .comparing((BlockEntry entry) -> network(entry))
            .thenComparingInt(BlockEntry::prefixLength);

    /** The cap's order: most severe first, then the most recently seen, then by address so that ties are stable. */
    private static final Comparator<BlockEntry> MOST_SEVERE_THEN_NEWEST = Comparator
            .comparing(BlockEntry::severity, Comparator.reverseOrder())
            .thenComparing(BlockEntry::lastSeen, Comparator.reverseOrder())
            .thenComparing(BY_NETWORK);

    private FeedEntries() {
    }

    /**
     * The entries a feed lists, by address (IPv4 first) so that successive versions diff well: all of them, or with a
     * limit the most severe, then the most recent.
     */
    static List<BlockEntry> select(final List<BlockEntry> entries, final int limit) {
        final List<BlockEntry> chosen = limit > 0 && entries.size() > limit
                ? entries.stream().sorted(MOST_SEVERE_THEN_NEWEST).limit(limit).toList()
                : entries;
        return chosen.stream().sorted(BY_NETWORK).toList();
    }

    /**
     * Drops entries inside another listed prefix: nftables refuses overlapping intervals in one set. The input must
     * be in {@link #select} order, where a prefix comes before everything it contains.
     */
    static List<BlockEntry> withoutCovered(final List<BlockEntry> sorted) {
        final List<BlockEntry> kept = new ArrayList<>(sorted.size());
        BlockEntry last = null;
        for (final BlockEntry entry : sorted) {
            if (last == null || !covers(last, entry)) {
                kept.add(entry);
                last = entry;
            }
        }
        return kept;
    }

    private static boolean covers(final BlockEntry wider, final BlockEntry entry) {
        return wider.address().ipv6() == entry.address().ipv6() && entry.prefixLength() >= wider.prefixLength()
                && entry.address().masked(wider.prefixLength()).equals(network(wider));
    }

    /** The entry's address with its host bits cleared. */
    static IpAddress network(final BlockEntry entry) {
        return entry.address().masked(entry.prefixLength());
    }

    /** {@code 192.0.2.1/32}, {@code 2001:db8::/32}. */
    static String cidr(final BlockEntry entry) {
        return network(entry) + "/" + entry.prefixLength();
    }

    /** A single address bare, a wider prefix as CIDR: what external dynamic lists and threat feeds read. */
    static String addressOrPrefix(final BlockEntry entry) {
        return isSingleAddress(entry) ? network(entry).toString() : cidr(entry);
    }

    static boolean isSingleAddress(final BlockEntry entry) {
        return entry.prefixLength() == (entry.address().ipv6() ? 128 : 32);
    }

    /**
     * Seconds until the entry expires by the wall clock, at least 1 (0 would mean "never" to ipset). An entry whose
     * expiry has already passed by the wall clock comes from a replayed capture, where expiry follows the capture's
     * time: it gets the full configured expiry, counted from now. Never more than that expiry either: more time left
     * means the clock of the capture runs ahead of ours.
     */
    static long timeoutSeconds(final BlockEntry entry, final Instant now, final FeedSettings settings) {
        final long left = entry.expiresAt() - now.toEpochMilli();
        final long expiry = defaultTimeoutSeconds(settings);
        return left <= 0 ? expiry : Math.max(1, Math.min(expiry, (left + 999) / 1000));
    }

    /** The sets' default timeout: the configured expiry, within what ipset takes. */
    static long defaultTimeoutSeconds(final FeedSettings settings) {
        return Math.max(1, Math.min(MAX_TIMEOUT_SECONDS, settings.expiry().toSeconds()));
    }
}
