package org.ntpguard.streams.incident;

import java.util.List;
import java.util.UUID;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Severity;

/**
 * One attack: the alerts that name one victim, grouped ({@link IncidentBook}). What the topology publishes on
 * {@code ntp.incidents}, keyed by the victim.
 *
 * @param start          first packet of the attack's evidence (scanners' own traffic left out), epoch milliseconds
 * @param end            last packet of it; the incident closes once nothing newer came for the quiet period
 * @param victimTraffic  what the victim's own alerts counted (the largest of them)
 * @param reflectors     subjects of REFLECTOR alerts naming the victim, with what each sent it, most bytes first
 * @param reflectorCount distinct reflectors, those beyond the list included
 * @param monlistServers subjects of MONLIST_ABUSE reflector alerts naming the victim
 * @param scanners       subjects of SCANNER and monlist PROBER alerts that asked one of its servers
 * @param alertIds       the alerts grouped, in order of arrival, at most {@link IncidentBook#MAX_LISTED}
 * @param alerts         alerts grouped, those beyond the list included
 * @param latestWindow   the newest window evidence came from, and the traffic it added so far
 * @param peakWindow     the window that added the most bytes, and that traffic
 * @param updates        how many times the incident changed after it was opened (closing included)
 */
public record Incident(UUID id, IncidentStatus status, IpAddress victim, Severity severity, long start, long end,
                       Traffic victimTraffic, List<ServerTraffic> reflectors, long reflectorCount,
                       List<ServerTraffic> monlistServers, List<IpAddress> scanners, List<String> alertIds,
                       long alerts, WindowTraffic latestWindow, WindowTraffic peakWindow, int updates) {

    /** Responses and their NTP payload bytes. */
    public record Traffic(long packets, long bytes) {
        public static final Traffic NONE = new Traffic(0, 0);

        Traffic plus(final Traffic other) {
            return new Traffic(packets + other.packets, bytes + other.bytes);
        }

        Traffic max(final Traffic other) {
            return new Traffic(Math.max(packets, other.packets), Math.max(bytes, other.bytes));
        }
    }

    /** What one server sent the victim. */
    public record ServerTraffic(IpAddress server, Traffic traffic) {
    }

    /** Traffic a detector window added, by the window's start. */
    public record WindowTraffic(long windowStart, Traffic traffic) {
    }

    /**
     * The responses the victim received: the larger of what its own alerts counted and what its servers' alerts add
     * up to (a server both reflector and monlist server counted once, by the larger).
     */
    public Traffic traffic() {
        final java.util.Map<IpAddress, Traffic> byServer = new java.util.HashMap<>();
        reflectors.forEach(s -> byServer.merge(s.server(), s.traffic(), Traffic::max));
        monlistServers.forEach(s -> byServer.merge(s.server(), s.traffic(), Traffic::max));
        Traffic servers = Traffic.NONE;
        for (final Traffic t : byServer.values()) {
            servers = servers.plus(t);
        }
        return victimTraffic.max(servers);
    }

    /** Peak packets per second: the peak window's packets over the window's length. */
    public double peakPacketsPerSecond(final long windowMillis) {
        return peakWindow.traffic().packets() * 1000.0 / windowMillis;
    }

    /** Peak bytes per second: the peak window's bytes over the window's length. */
    public double peakBytesPerSecond(final long windowMillis) {
        return peakWindow.traffic().bytes() * 1000.0 / windowMillis;
    }
}
