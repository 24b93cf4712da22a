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
     * longer of the two lists, the severity is the highest, the summary and role those of the newest detection
     * unless that one is less severe.
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
        return new Alert(previous.id(), previous.type(),
                newerWins ? detection.severity() : previous.severity(),
                previous.subject(),
                newerWins ? detection.role() : previous.role(),
                previous.unsolicited() || detection.unsolicited(),
                Math.min(previous.windowStart(), detection.windowStart()),
                Math.max(previous.windowEnd(), detection.windowEnd()),
                Math.min(previous.firstSeen(), detection.firstSeen()),
                Math.max(previous.lastSeen(), detection.lastSeen()),
                merge(previous.evidence(), detection.evidence()),
                sensors.asList(),
                newerWins ? detection.summary() : previous.summary(),
                previous.updates() + 1);
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
