package org.ntpguard.streams.detect;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The cool-down: one alert per subject and type while detections keep coming closer than the cool-down, in event
 * time. Pure; the topology keeps the previous alert in a store keyed by type and subject.
 */
public final class AlertTracker {

    private AlertTracker() {
    }

    /**
     * Starts a new alert when there is none, or when the previous one's last packet is older than the detection's
     * first packet minus the cool-down; otherwise merges the detection into it. Counters are summed (windows are
     * disjoint in a tumbling window), distinct peers is the maximum, top peers are merged by peer and cut to the
     * longer of the two lists, the severity is the highest, the role that of the newest detection unless that one
     * is less severe. The summary of an updated alert states its totals over its whole span, then the newest
     * detection's own summary of its window: a window's text alone would contradict the counters beside it.
     *
     * @throws IllegalArgumentException when the previous alert is of another type or subject
     */
    public static Alert apply(final Alert previous, final Detection detection, final Duration cooldown) {
        if (previous == null || previous.lastSeen() < detection.firstSeen() - cooldown.toMillis()) {
            return start(detection);
        }
        if (previous.type() != detection.type() || !previous.subject().equals(detection.subject())) {
            throw new IllegalArgumentException("alert " + previous.type() + " " + previous.subject()
                    + " updated with a detection " + detection.type() + " " + detection.subject()
                    + " (expected: the same type and subject)");
        }
        final boolean newerWins = detection.severity().compareTo(previous.severity()) >= 0;
        final Sensors sensors = new Sensors();
        sensors.addAll(previous.sensors());
        sensors.addAll(detection.sensors());
        final AlertRole role = newerWins ? detection.role() : previous.role();
        final long windowStart = Math.min(previous.windowStart(), detection.windowStart());
        final long windowEnd = Math.max(previous.windowEnd(), detection.windowEnd());
        final Evidence evidence = merge(previous.evidence(), detection.evidence());
        return new Alert(previous.id(), previous.type(),
                newerWins ? detection.severity() : previous.severity(),
                previous.subject(),
                role,
                previous.unsolicited() || detection.unsolicited(),
                windowStart,
                windowEnd,
                Math.min(previous.firstSeen(), detection.firstSeen()),
                Math.max(previous.lastSeen(), detection.lastSeen()),
                evidence,
                sensors.asList(),
                totals(previous.subject(), role, evidence, windowStart, windowEnd) + "; latest window: "
                        + detection.summary(),
                previous.updates() + 1);
    }

    /**
     * An updated alert's counters in words, e.g. {@code 192.0.2.77 over 5 min: sent 300 requests (14,400 bytes),
     * received 152 responses (7,296 bytes, 0.5×), with at least 1 server}. Distinct peers are the most seen in one
     * window (the windows' sets are not kept), hence "at least".
     */
    private static String totals(final IpAddress subject, final AlertRole role, final Evidence e,
                                 final long windowStart, final long windowEnd) {
        final boolean answers = role.answers();
        final StringBuilder text = new StringBuilder().append(subject).append(" over ")
                .append(Text.span(windowStart, windowEnd)).append(": ")
                .append(answers ? "received " : "sent ").append(Text.plural(e.requests(), "request", "requests"))
                .append(" (").append(Text.count(e.requestBytes())).append(" bytes), ")
                .append(answers ? "sent " : "received ").append(Text.plural(e.responses(), "response", "responses"))
                .append(" (").append(Text.count(e.responseBytes())).append(" bytes");
        if (e.requestBytes() > 0) {
            text.append(", ").append(Text.ratio(e.byteRatio()));
        }
        return text.append("), with at least ")
                .append(Text.plural(e.distinctPeers(), answers ? "client" : "server",
                        answers ? "clients" : "servers"))
                .toString();
    }

    /** The id an alert starting with this detection gets: a name-based (MD5, version 3) UUID. */
    public static UUID idOf(final AlertType type, final IpAddress subject, final long windowStart) {
        return UUID.nameUUIDFromBytes((type + "|" + subject + "|" + windowStart).getBytes(StandardCharsets.UTF_8));
    }

    private static Alert start(final Detection d) {
        return new Alert(idOf(d.type(), d.subject(), d.windowStart()), d.type(), d.severity(), d.subject(), d.role(),
                d.unsolicited(), d.windowStart(), d.windowEnd(), d.firstSeen(), d.lastSeen(), d.evidence(),
                d.sensors(), d.summary(), 0);
    }

    private static Evidence merge(final Evidence a, final Evidence b) {
        final long requestBytes = a.requestBytes() + b.requestBytes();
        final long responseBytes = a.responseBytes() + b.responseBytes();
        final Map<IpAddress, PeerEvidence> peers = new LinkedHashMap<>();
        for (final PeerEvidence p : a.topPeers()) {
            peers.merge(p.peer(), p, PeerEvidence::plus);
        }
        for (final PeerEvidence p : b.topPeers()) {
            peers.merge(p.peer(), p, PeerEvidence::plus);
        }
        final List<PeerEvidence> top = new ArrayList<>(peers.values());
        top.sort(Comparator.comparingLong((PeerEvidence p) -> p.requestBytes() + p.responseBytes()).reversed()
                .thenComparing(PeerEvidence::peer));
        final int keep = Math.max(a.topPeers().size(), b.topPeers().size());
        final Map<String, Long> kisses = new TreeMap<>(a.kissCodes());
        b.kissCodes().forEach((code, n) -> kisses.merge(code, n, Long::sum));
        return new Evidence(a.requests() + b.requests(), requestBytes, a.responses() + b.responses(), responseBytes,
                Evidence.ratio(responseBytes, requestBytes), Math.max(a.distinctPeers(), b.distinctPeers()),
                List.copyOf(top.subList(0, Math.min(keep, top.size()))), kisses);
    }
}
