package org.ntpguard.streams.detect;

import java.util.List;

/**
 * One blocklist entry: what the topology publishes on the compacted {@code ntp.blocklist} topic, keyed by address.
 *
 * @param prefixLength 32 or 128 for now: single addresses
 * @param alertIds     the alerts that put or kept it there, newest last, at most {@link Blocklist#MAX_ALERT_IDS}
 * @param expiresAt    {@code lastSeen} plus the configured expiry, epoch milliseconds
 * @param severity     the highest severity of those alerts: a feed capped for a firewall keeps the most severe
 */
public record BlockEntry(IpAddress address, int prefixLength, String reason, List<String> alertIds, long firstSeen,
                         long lastSeen, long expiresAt, Severity severity) {
}
