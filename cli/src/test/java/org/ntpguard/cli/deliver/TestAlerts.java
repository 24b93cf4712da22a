package org.ntpguard.cli.deliver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.Severity;

/** Alerts as the detector publishes them, for delivery tests. */
final class TestAlerts {

    private TestAlerts() {
    }

    /** A victim alert on {@code subject} whose last packet was at {@code lastSeenMillis}. */
    static NtpAlert victim(final String id, final String subject, final long lastSeenMillis, final int updates) {
        return NtpAlert.newBuilder()
                .setId(id)
                .setType(AlertType.AMPLIFICATION_VICTIM)
                .setSeverity(Severity.HIGH)
                .setSubject(address(subject))
                .setRole(AlertRole.VICTIM)
                .setUnsolicited(false)
                .setWindowStart(lastSeenMillis - 30_000)
                .setWindowEnd(lastSeenMillis + 1_000)
                .setFirstSeen(lastSeenMillis - 29_000)
                .setLastSeen(lastSeenMillis)
                .setRequests(10)
                .setRequestBytes(80)
                .setResponses(1_000)
                .setResponseBytes(440_000)
                .setByteRatio(5_500.0)
                .setDistinctPeers(1)
                .setTopPeers(List.of(PeerTraffic.newBuilder().setPeer(address("203.0.113.50")).setRequests(10)
                        .setRequestBytes(80).setResponses(1_000).setResponseBytes(440_000).build()))
                .setKissCodes(Map.of())
                .setSensors(List.of("sensor-a"))
                // the characters RFC 5424 structured data escapes, and JSON's
                .setSummary(subject + " received 1,000 responses [monlist] from \"1\" server\\x in 30 s")
                .setUpdates(updates)
                .build();
    }

    static ByteBuffer address(final String text) {
        try {
            return ByteBuffer.wrap(InetAddress.getByName(text).getAddress());
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
