package org.ntpguard.capture.publish;

import java.util.Objects;

/**
 * The topics a sensor writes. The defaults are those of the detector's {@code TopicNames} (streams-app), which
 * capture must not depend on; a deployment that renames them renames them on both sides.
 *
 * @param packets    NtpPacket records keyed by client address, record timestamp = capture time
 * @param heartbeats SensorHeartbeat records, one on every partition per beat
 */
public record SensorTopics(String packets, String heartbeats) {

    public SensorTopics {
        Objects.requireNonNull(packets, "packets");
        Objects.requireNonNull(heartbeats, "heartbeats");
    }

    public static SensorTopics defaults() {
        return new SensorTopics("ntp.packets", "ntp.heartbeats");
    }
}
