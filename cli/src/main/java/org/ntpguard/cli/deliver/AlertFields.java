package org.ntpguard.cli.deliver;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.schema.text.TimeText;

/**
 * An alert's fields as names and text values, in schema order, for targets whose fields are strings (Alertmanager's
 * annotations, syslog's structured data): times in ISO 8601 UTC, addresses as text, lists comma-separated.
 */
final class AlertFields {

    private AlertFields() {
    }

    static String subject(final NtpAlert alert) {
        return address(alert.getSubject());
    }

    /** {@code high}, {@code medium}, ...: as Alertmanager routes usually match severities. */
    static String severity(final NtpAlert alert) {
        return alert.getSeverity().name().toLowerCase(Locale.ROOT);
    }

    static String role(final NtpAlert alert) {
        return alert.getRole().name().toLowerCase(Locale.ROOT);
    }

    /** Every field but the summary, which each target places itself. */
    static Map<String, String> evidence(final NtpAlert alert) {
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", alert.getId());
        fields.put("type", alert.getType().name());
        fields.put("severity", alert.getSeverity().name());
        fields.put("subject", subject(alert));
        fields.put("role", alert.getRole().name());
        fields.put("unsolicited", Boolean.toString(alert.getUnsolicited()));
        fields.put("windowStart", TimeText.isoMillis(alert.getWindowStart()));
        fields.put("windowEnd", TimeText.isoMillis(alert.getWindowEnd()));
        fields.put("firstSeen", TimeText.isoMillis(alert.getFirstSeen()));
        fields.put("lastSeen", TimeText.isoMillis(alert.getLastSeen()));
        fields.put("requests", Long.toString(alert.getRequests()));
        fields.put("requestBytes", Long.toString(alert.getRequestBytes()));
        fields.put("responses", Long.toString(alert.getResponses()));
        fields.put("responseBytes", Long.toString(alert.getResponseBytes()));
        if (alert.getByteRatio() != null) {
            fields.put("byteRatio", String.format(Locale.ROOT, "%.2f", alert.getByteRatio()));
        }
        fields.put("distinctPeers", Long.toString(alert.getDistinctPeers()));
        final StringBuilder peers = new StringBuilder();
        for (final PeerTraffic peer : alert.getTopPeers()) {
            if (!peers.isEmpty()) {
                peers.append(", ");
            }
            peers.append(address(peer.getPeer())).append(' ').append(peer.getRequests()).append(" requests (")
                    .append(peer.getRequestBytes()).append(" B) ").append(peer.getResponses()).append(" responses (")
                    .append(peer.getResponseBytes()).append(" B)");
        }
        if (!peers.isEmpty()) {
            fields.put("topPeers", peers.toString());
        }
        if (!alert.getKissCodes().isEmpty()) {
            final StringBuilder codes = new StringBuilder();
            new TreeMap<>(alert.getKissCodes()).forEach((code, count) ->
                    codes.append(codes.isEmpty() ? "" : ",").append(code).append('=').append(count));
            fields.put("kissCodes", codes.toString());
        }
        if (!alert.getSensors().isEmpty()) {
            fields.put("sensors", String.join(",", alert.getSensors()));
        }
        fields.put("updates", Integer.toString(alert.getUpdates()));
        return fields;
    }

    private static String address(final ByteBuffer address) {
        return IpText.append(new StringBuilder(39), address).toString();
    }
}
