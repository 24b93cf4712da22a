package org.ntpguard.streams.config;

/**
 * The topics the detector reads and writes. The defaults are the product's contract; a deployment may rename them
 * (several detectors on one cluster, say).
 *
 * @param packets    NtpPacket records keyed by client address, record timestamp = capture time
 * @param heartbeats SensorHeartbeat records on every partition, moving event time on where no packet does; must
 *                   have as many partitions as {@code packets}
 * @param alerts     NtpAlert records keyed by TYPE/subject
 * @param blocklist  BlocklistEntry records keyed by address/prefix, compacted, tombstones on expiry
 */
public record TopicNames(String packets, String heartbeats, String alerts, String blocklist) {

    public static TopicNames defaults() {
        return new TopicNames("ntp.packets", "ntp.heartbeats", "ntp.alerts", "ntp.blocklist");
    }
}
