package org.ntpguard.streams.allowlist;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.ntpguard.streams.detect.IpAddress;

/** Whether the operators' runtime changes keep an address off the blocklist at a time. Pure. */
public final class RuntimeAllowlist {

    private RuntimeAllowlist() {
    }

    /**
     * Why {@code address} stays off the blocklist at {@code now}, or empty: an allowlisted prefix covering it, or
     * an unblock covering it made less than {@code hold} before {@code now}.
     */
    public static Optional<String> keepsOff(final IpAddress address, final long now, final Duration hold,
                                            final Iterable<ListChange> changes) {
        for (final ListChange change : changes) {
            if (!change.covers(address)) {
                continue;
            }
            if (change.action() == ListAction.ALLOW) {
                return Optional.of("allowlisted (" + change.prefix() + ") by " + change.by() + ": " + change.reason());
            }
            if (change.action() == ListAction.UNBLOCK && now >= change.at() && now - change.at() < hold.toMillis()) {
                return Optional.of("unblocked by " + change.by() + " until "
                        + Instant.ofEpochMilli(change.at() + hold.toMillis()) + ": " + change.reason());
            }
        }
        return Optional.empty();
    }
}
