package org.ntpguard.streams.config;

import org.ntpguard.schema.Namespaces;

/**
 * The topics the detector reads and writes. The defaults are the product's contract; a deployment may rename them
 * (several detectors on one cluster, say), or put them all in a namespace.
 *
 * @param flows      NtpFlowBatch records, one per sensor, partition and interval: what detection reads
 * @param packets    NtpPacket records keyed by client address: the sensors' optional forensic feed, never read here
 * @param heartbeats SensorHeartbeat records on every partition, moving event time on where no flow does; must
 *                   have as many partitions as {@code flows}
 * @param alerts     NtpAlert records keyed by TYPE/subject; {@link #alertsJson()} holds the same updates as ECS JSON
 * @param blocklist  BlocklistEntry records keyed by address/prefix, compacted, tombstones on expiry
 * @param incidents  NtpIncident records keyed by the victim's address: the alerts of one attack grouped
 */
public record TopicNames(String flows, String packets, String heartbeats, String alerts, String blocklist,
                         String incidents) {

    public static TopicNames defaults() {
        return new TopicNames("ntp.flows", "ntp.packets", "ntp.heartbeats", "ntp.alerts", "ntp.blocklist",
                "ntp.incidents");
    }

    /**
     * The alerts as ECS JSON documents keyed by the subject address as text, one per update: the alerts topic's
     * name with {@code .json} appended ({@code ntp.alerts.json}), so that a renamed or namespaced alerts topic
     * brings its JSON twin along.
     */
    public String alertsJson() {
        return alerts + ".json";
    }

    /** Every name prefixed with {@code namespace + "."}: a replay's own topics beside live ones. */
    public TopicNames inNamespace(final String namespace) {
        final String prefix = Namespaces.check(namespace) + ".";
        return new TopicNames(prefix + flows, prefix + packets, prefix + heartbeats, prefix + alerts,
                prefix + blocklist, prefix + incidents);
    }
}
