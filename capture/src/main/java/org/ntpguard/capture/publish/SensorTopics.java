package org.ntpguard.capture.publish;

import java.util.Objects;
import org.ntpguard.schema.Namespaces;

/**
 * The topics a sensor writes. The defaults are those of the detector's {@code TopicNames} (streams-app), which
 * capture must not depend on; a deployment that renames them renames them on both sides.
 *
 * @param flows      NtpFlowBatch records, one per partition and interval: what detection reads
 * @param packets    NtpPacket records keyed by client address, record timestamp = capture time: the optional
 *                   per-packet forensic feed
 * @param heartbeats SensorHeartbeat records, one on every partition per beat
 */
public record SensorTopics(String flows, String packets, String heartbeats) {

    public SensorTopics {
        Objects.requireNonNull(flows, "flows");
        Objects.requireNonNull(packets, "packets");
        Objects.requireNonNull(heartbeats, "heartbeats");
    }

    /**
     * These topics in a namespace: each name prefixed with {@code namespace + "."}, as the detector's topics are
     * with the same namespace. A replay gets a namespace of its own, and its own detector, so that its old capture
     * time never moves a live detector's event time.
     */
    public SensorTopics inNamespace(final String namespace) {
        final String prefix = Namespaces.check(namespace) + ".";
        return new SensorTopics(prefix + flows, prefix + packets, prefix + heartbeats);
    }

    public static SensorTopics defaults() {
        return new SensorTopics("ntp.flows", "ntp.packets", "ntp.heartbeats");
    }
}
