package org.ntpguard.streams.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.AlertRole;
import org.ntpguard.streams.detect.AlertType;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.Detection;
import org.ntpguard.streams.detect.Evidence;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PeerEvidence;
import org.ntpguard.streams.detect.Severity;

/**
 * Between the detection core's values and the Avro records on topics. A detection travels to the alert tracker as
 * an NtpAlert without an id, so that detections from every partition meet on their subject's partition. Public for
 * the blocklist mapping and {@link #toAlert}, which readers of those topics share.
 */
public final class AlertRecords {

    private AlertRecords() {
    }

    /** The key of an alert and of the detections that feed it: {@code TYPE/subject}. */
    public static String key(final AlertType type, final IpAddress subject) {
        return type.name() + "/" + subject;
    }

    static NtpAlert detection(final Detection detection) {
        return record("", detection.type(), detection.severity(), detection.subject(), detection.role(),
                detection.unsolicited(), detection.windowStart(), detection.windowEnd(), detection.firstSeen(),
                detection.lastSeen(), detection.evidence(), detection.sensors(), detection.summary(), 0);
    }

    static NtpAlert alert(final Alert alert) {
        return record(alert.id().toString(), alert.type(), alert.severity(), alert.subject(), alert.role(), alert.unsolicited(),
                alert.windowStart(), alert.windowEnd(), alert.firstSeen(), alert.lastSeen(), alert.evidence(),
                alert.sensors(), alert.summary(), alert.updates());
    }

    static Detection toDetection(final NtpAlert record) {
        return new Detection(AlertType.valueOf(record.getType().name()), Severity.valueOf(record.getSeverity().name()),
                IpAddress.of(record.getSubject()), AlertRole.valueOf(record.getRole().name()),
                record.getUnsolicited(), record.getWindowStart(), record.getWindowEnd(), record.getFirstSeen(),
                record.getLastSeen(), evidence(record), List.copyOf(record.getSensors()), record.getSummary());
    }

    /** The core's value of an alert record: what the ECS writer and other readers of the alerts topic map from. */
    public static Alert toAlert(final NtpAlert record) {
        return new Alert(java.util.UUID.fromString(record.getId()), AlertType.valueOf(record.getType().name()),
                Severity.valueOf(record.getSeverity().name()), IpAddress.of(record.getSubject()),
                AlertRole.valueOf(record.getRole().name()), record.getUnsolicited(), record.getWindowStart(),
                record.getWindowEnd(), record.getFirstSeen(), record.getLastSeen(), evidence(record),
                List.copyOf(record.getSensors()), record.getSummary(), record.getUpdates());
    }

    /** The Avro record of a blocklist entry, as published on the blocklist topic. */
    public static BlocklistEntry blocklistEntry(final BlockEntry entry) {
        return BlocklistEntry.newBuilder()
                .setAddress(entry.address().toByteBuffer())
                .setPrefixLength(entry.prefixLength())
                .setReason(entry.reason())
                .setAlertIds(List.copyOf(entry.alertIds()))
                .setFirstSeen(entry.firstSeen())
                .setLastSeen(entry.lastSeen())
                .setExpiresAt(entry.expiresAt())
                .setSeverity(org.ntpguard.schema.Severity.valueOf(entry.severity().name()))
                .build();
    }

    /**
     * The core's value of a blocklist record. Records written before entries carried a severity read as UNKNOWN and
     * rank lowest (INFO) here; they are gone one blocklist expiry after an upgrade unless new abuse refreshes them.
     */
    public static BlockEntry toBlockEntry(final BlocklistEntry record) {
        final Severity severity = record.getSeverity() == org.ntpguard.schema.Severity.UNKNOWN ? Severity.INFO
                : Severity.valueOf(record.getSeverity().name());
        return new BlockEntry(IpAddress.of(record.getAddress()), record.getPrefixLength(), record.getReason(),
                List.copyOf(record.getAlertIds()), record.getFirstSeen(), record.getLastSeen(),
                record.getExpiresAt(), severity);
    }

    /** Key of a blocklist entry: {@code 192.0.2.1/32}. */
    static String blocklistKey(final BlockEntry entry) {
        return entry.address() + "/" + entry.prefixLength();
    }

    /** Key of the blocklist entry of one address, as alerts make it: {@code 192.0.2.1/32}, {@code 2001:db8::1/128}. */
    public static String blocklistKey(final IpAddress address) {
        return address + "/" + (address.ipv6() ? 128 : 32);
    }

    private static NtpAlert record(final String id, final AlertType type, final Severity severity,
                                   final IpAddress subject, final AlertRole role, final boolean unsolicited,
                                   final long windowStart, final long windowEnd, final long firstSeen,
                                   final long lastSeen, final Evidence evidence, final List<String> sensors,
                                   final String summary, final int updates) {
        final List<PeerTraffic> peers = new ArrayList<>(evidence.topPeers().size());
        for (final PeerEvidence peer : evidence.topPeers()) {
            peers.add(new PeerTraffic(peer.peer().toByteBuffer(), peer.requests(), peer.requestBytes(),
                    peer.responses(), peer.responseBytes()));
        }
        final double ratio = evidence.byteRatio();
        return NtpAlert.newBuilder()
                .setId(id)
                .setType(org.ntpguard.schema.AlertType.valueOf(type.name()))
                .setSeverity(org.ntpguard.schema.Severity.valueOf(severity.name()))
                .setSubject(subject.toByteBuffer())
                .setRole(org.ntpguard.schema.AlertRole.valueOf(role.name()))
                .setUnsolicited(unsolicited)
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setFirstSeen(firstSeen)
                .setLastSeen(lastSeen)
                .setRequests(evidence.requests())
                .setRequestBytes(evidence.requestBytes())
                .setResponses(evidence.responses())
                .setResponseBytes(evidence.responseBytes())
                .setByteRatio(Double.isFinite(ratio) ? ratio : null)
                .setDistinctPeers(evidence.distinctPeers())
                .setTopPeers(peers)
                .setKissCodes(new java.util.TreeMap<>(evidence.kissCodes())) // sorted: same detection, same bytes
                .setSensors(List.copyOf(sensors))
                .setSummary(summary)
                .setUpdates(updates)
                .build();
    }

    private static Evidence evidence(final NtpAlert record) {
        final List<PeerEvidence> peers = new ArrayList<>(record.getTopPeers().size());
        for (final PeerTraffic peer : record.getTopPeers()) {
            peers.add(new PeerEvidence(IpAddress.of(peer.getPeer()), peer.getRequests(), peer.getRequestBytes(),
                    peer.getResponses(), peer.getResponseBytes()));
        }
        final Map<String, Long> kissCodes = new LinkedHashMap<>();
        record.getKissCodes().forEach((code, count) -> kissCodes.put(code.toString(), count));
        return new Evidence(record.getRequests(), record.getRequestBytes(), record.getResponses(),
                record.getResponseBytes(), Evidence.ratio(record.getResponseBytes(), record.getRequestBytes()),
                record.getDistinctPeers(), List.copyOf(peers), Map.copyOf(kissCodes));
    }
}
