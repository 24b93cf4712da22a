package org.ntpguard.capture.publish;

import java.util.Objects;

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

    public static SensorTopics defaults() {
        return new SensorTopics("ntp.flows", "ntp.packets", "ntp.heartbeats");
    }
}
