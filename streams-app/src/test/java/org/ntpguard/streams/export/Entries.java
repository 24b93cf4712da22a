package org.ntpguard.streams.export;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Severity;

/** Blocklist entries for the feed tests: a small mixed list, IPv4 and IPv6, addresses and prefixes. */
final class Entries {

    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final FeedSettings ONE_HOUR = new FeedSettings(Duration.ofHours(1), 0);

    /** 91 s left (90.5 s, rounded up). */
    static final BlockEntry HOST_V4 = entry("192.0.2.1/32", Severity.HIGH, -60_000, 90_500);
    static final BlockEntry PREFIX_V4 = entry("198.51.100.0/24", Severity.MEDIUM, -120_000, 3_000_000);
    /** Inside {@link #PREFIX_V4}; expired by the wall clock, as a replayed capture's entries are. */
    static final BlockEntry INSIDE_PREFIX_V4 = entry("198.51.100.7/32", Severity.LOW, -86_400_000, -82_800_000);
    static final BlockEntry HOST_V6 = entry("2001:db8::66/128", Severity.HIGH, -30_000, 10_000);
    static final BlockEntry PREFIX_V6 = entry("2001:db8:1::/48", Severity.INFO, -10_000, 20_000);

    private Entries() {
    }

    /** The five entries, deliberately out of order. */
    static BlocklistSnapshot mixed() {
        return BlocklistSnapshot.of(List.of(HOST_V6, INSIDE_PREFIX_V4, PREFIX_V6, HOST_V4, PREFIX_V4));
    }

    /** An entry last seen and expiring at these offsets from {@link #NOW}, in milliseconds. */
    static BlockEntry entry(final String cidr, final Severity severity, final long lastSeen, final long expiresIn) {
        final String[] parts = cidr.split("/");
        final long now = NOW.toEpochMilli();
        return new BlockEntry(IpAddress.parse(parts[0]), Integer.parseInt(parts[1]), "SCANNER (SCANNER): " + cidr,
                List.of("id-" + cidr), now + lastSeen - 3_600_000, now + lastSeen, now + expiresIn, severity);
    }
}
