package org.ntpguard.streams.allowlist;

import org.ntpguard.streams.config.TopicNames;

/**
 * The topics of runtime changes, named beside the blocklist's: {@code ntp.blocklist} gives {@code ntp.allowlist}
 * and {@code ntp.audit}, a namespace's {@code case7.ntp.blocklist} gives {@code case7.ntp.allowlist}.
 *
 * @param allowlist compacted, the latest change per key ({@link ListChange#key()}), read whole by every instance
 * @param audit     every change, never compacted: who, when, what, why
 */
public record ChangeTopics(String allowlist, String audit) {

    private static final String BLOCKLIST = "blocklist";

    public static ChangeTopics beside(final TopicNames topics) {
        final String blocklist = topics.blocklist();
        final String stem = blocklist.endsWith(BLOCKLIST)
                ? blocklist.substring(0, blocklist.length() - BLOCKLIST.length()) : blocklist + ".";
        return new ChangeTopics(stem + "allowlist", stem + "audit");
    }
}
