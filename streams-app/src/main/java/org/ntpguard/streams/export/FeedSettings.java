package org.ntpguard.streams.export;

import java.time.Duration;

/**
 * What the feeds need beyond the entries.
 *
 * @param expiry the detector's blocklist expiry: the default timeout of the ipset and nftables sets, and the timeout
 *               given to entries whose expiry has already passed by the wall clock (those of a replayed capture)
 * @param limit  the most entries a feed lists, the most severe and then the most recent kept; 0 for all
 */
public record FeedSettings(Duration expiry, int limit) {

    public FeedSettings {
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("blocklist expiry " + expiry + " (expected: positive)");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("blocklist limit " + limit + " (expected: 0 for none, or more)");
        }
    }

    /** These settings with a request's own cap: it can lower the configured one, never raise it. */
    public FeedSettings limitedTo(final int requested) {
        if (requested <= 0) {
            throw new IllegalArgumentException("limit " + requested + " (expected: 1 or more)");
        }
        return new FeedSettings(expiry, limit == 0 ? requested : Math.min(limit, requested));
    }
}
