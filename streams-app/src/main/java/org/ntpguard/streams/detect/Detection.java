package org.ntpguard.streams.detect;

import java.util.List;

/**
 * One detector's finding on one closed window: raw material for an alert, which merges findings on the same
 * subject and type until its cool-down passes.
 *
 * @param unsolicited  the subject sent responses nobody asked for (what makes a reflector blockable by default)
 * @param windowStart  start of the window, epoch milliseconds
 * @param windowEnd    end of the window (exclusive), epoch milliseconds
 * @param firstSeen    first packet of the evidence, epoch milliseconds
 * @param lastSeen     last packet of the evidence, epoch milliseconds
 */
public record Detection(AlertType type, Severity severity, IpAddress subject, AlertRole role, boolean unsolicited,
                        long windowStart, long windowEnd, long firstSeen, long lastSeen, Evidence evidence,
                        List<String> sensors, String summary) {
}
