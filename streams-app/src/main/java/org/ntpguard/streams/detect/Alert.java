package org.ntpguard.streams.detect;

import java.util.List;
import java.util.UUID;

/**
 * One alert: the detections of one type on one subject, merged while they come closer than the cool-down
 * ({@link AlertTracker}). What the topology publishes on {@code ntp.alerts}.
 *
 * @param id          name-based UUID of the type, subject and first window's start: the same input gives the same id
 * @param windowStart start of the first window merged in
 * @param windowEnd   end of the latest window merged in
 * @param updates     how many detections were merged after the first
 */
public record Alert(UUID id, AlertType type, Severity severity, IpAddress subject, AlertRole role,
                    boolean unsolicited, long windowStart, long windowEnd, long firstSeen, long lastSeen,
                    Evidence evidence, List<String> sensors, String summary, int updates) {
}
