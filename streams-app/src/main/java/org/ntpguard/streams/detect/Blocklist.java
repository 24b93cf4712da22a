package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which alerts put their subject on the blocklist, and until when. Pure: the topology keeps the previous entry.
 *
 * <p>Never blocked: a VICTIM (the address spoofed requests claim to come from: blocking it finishes the attack for
 * the attacker), an allowlisted subject, a home address unless {@link DetectionConfig#blockHome()} (the blocklist
 * feeds the site's own edge), a type outside {@link DetectionConfig#blockedTypes()}, a solicited reflector while
 * {@link DetectionConfig#blockOnlyUnsolicitedReflectors()}, and the informational SERVER side of KOD_IGNORED.
 */
public final class Blocklist {

    /** Alert ids kept per entry: enough to trace an entry back, bounded for a long-running abuser. */
    public static final int MAX_ALERT_IDS = 16;

    private Blocklist() {
    }

    /** The new or extended entry for this alert, or empty when the alert does not block its subject. */
    public static Optional<BlockEntry> block(final Alert alert, final BlockEntry previous,
                                             final DetectionConfig config) {
        if (!blocks(alert, config)) {
            return Optional.empty();
        }
        final String id = alert.id().toString();
        final String reason = alert.type() + " (" + alert.role() + "): " + alert.summary();
        final int prefixLength = alert.subject().ipv6() ? 128 : 32;
        final long expiry = config.blocklistExpiry().toMillis();
        if (previous == null) {
            return Optional.of(new BlockEntry(alert.subject(), prefixLength, reason, List.of(id), alert.firstSeen(),
                    alert.lastSeen(), alert.lastSeen() + expiry, alert.severity()));
        }
        if (!previous.address().equals(alert.subject())) {
            throw new IllegalArgumentException("block entry for " + previous.address() + " extended by an alert on "
                    + alert.subject() + " (expected: the same address)");
        }
        final List<String> ids = new ArrayList<>(previous.alertIds());
        ids.remove(id);
        ids.add(id);
        final List<String> newest = ids.subList(Math.max(0, ids.size() - MAX_ALERT_IDS), ids.size());
        final long lastSeen = Math.max(previous.lastSeen(), alert.lastSeen());
        return Optional.of(new BlockEntry(previous.address(), prefixLength, reason, List.copyOf(newest),
                Math.min(previous.firstSeen(), alert.firstSeen()), lastSeen, lastSeen + expiry,
                previous.severity().compareTo(alert.severity()) >= 0 ? previous.severity() : alert.severity()));
    }

    /** Whether the entry has lapsed at this time (event time in replay, wall-clock live). */
    public static boolean expired(final BlockEntry entry, final long nowMillis) {
        return nowMillis >= entry.expiresAt();
    }

    private static boolean blocks(final Alert alert, final DetectionConfig config) {
        if (!config.blockedTypes().contains(alert.type()) || alert.role() == AlertRole.VICTIM
                || config.allowlist().contains(alert.subject())
                || !config.blockHome() && config.isHome(alert.subject())) {
            return false;
        }
        return switch (alert.type()) {
            case REFLECTOR -> alert.unsolicited() || !config.blockOnlyUnsolicitedReflectors();
            case KOD_IGNORED -> alert.role() == AlertRole.CLIENT;
            default -> true;
        };
    }
}
