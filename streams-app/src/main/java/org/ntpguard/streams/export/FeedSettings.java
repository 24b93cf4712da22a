package org.ntpguard.streams.export;

import java.time.Duration;

/**
 * What the feeds need beyond the entries.
 *
 * @param expiry the detector's blocklist expiry: the default timeout of the ipset and nftables sets, and the timeout
 *               given to entries whose expiry has already passed by the wall clock (those of a replayed capture)
 * @param limit  the most entries a feed lists, the most severe and then the most recent kept; 0 for all
 * @param mode   {@link FeedMode#MONITOR}: the firewall feeds list nothing, the JSON feed what they would list
 */
public record FeedSettings(Duration expiry, int limit, FeedMode mode) {

    public FeedSettings {
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("blocklist expiry " + expiry + " (expected: positive)");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("blocklist limit " + limit + " (expected: 0 for none, or more)");
        }
        if (mode == null) {
            throw new IllegalArgumentException("feed mode: none (expected: enforce or monitor)");
        }
    }

    /** Enforcing feeds. */
    public FeedSettings(final Duration expiry, final int limit) {
        this(expiry, limit, FeedMode.ENFORCE);
    }

    /** These settings in another mode. */
    public FeedSettings in(final FeedMode other) {
        return new FeedSettings(expiry, limit, other);
    }

    public boolean monitorOnly() {
        return mode == FeedMode.MONITOR;
    }

    /** These settings with a request's own cap: it can lower the configured one, never raise it. */
    public FeedSettings limitedTo(final int requested) {
        if (requested <= 0) {
            throw new IllegalArgumentException("limit " + requested + " (expected: 1 or more)");
        }
        return new FeedSettings(expiry, limit == 0 ? requested : Math.min(limit, requested), mode);
    }
}
