package org.ntpguard.streams.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.ntpguard.streams.allowlist.ChangeTopics;
import org.ntpguard.streams.config.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the detector's topics when they are missing and checks those that exist.
 *
 * <p>Replayed captures carry their capture time as record timestamp, often years old: every topic holding such
 * records (flows, the forensic packets feed, heartbeats, alerts, dead letters) is created with {@code retention.ms=-1}
 * and a size bound instead, and with {@code message.timestamp.before.max.ms} at its maximum so that a broker
 * configured to refuse old timestamps still takes them (the incidents topic too: incidents carry the alerts' times). The flows topic takes records of up to
 * {@value #FLOW_BATCH_MAX_BYTES} bytes (a sensor's batch of a few thousand flows). The blocklist is compacted: its
 * consumers want the last entry per address.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    /** Per partition: time never deletes a replayed record, size bounds the disk. */
    public static final long DEFAULT_RETENTION_BYTES = 1L << 30;
    private static final long TIMEOUT_SECONDS = 60;
    /**
     * {@code max.message.bytes} of the flows topic: the sensor's producer sends requests of up to 4 MiB; a batch of
     * 4,096 flows is ~400 KB before compression, well under the broker's 1 MiB default, but a topic's own limit
     * must not be what refuses a sensor's larger batch setting.
     */
    public static final int FLOW_BATCH_MAX_BYTES = 4 * 1024 * 1024 + 1024;

    /**
     * @param partitions         partitions of a created topic; flows and heartbeats always get the same count
     * @param deadLetterTopic    where undecodable records go
     * @param retentionBytes     per-partition size bound of the time-unbounded topics
     */
    public record Plan(TopicNames topics, String deadLetterTopic, int partitions, long retentionBytes) {
        public Plan {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions: " + partitions + " (expected: 1+)");
            }
        }
    }

    /** An existing topic the detector cannot run on; the message says which and why. */
    public static final class TopicSetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TopicSetupException(final String message) {
            super(message);
        }
    }

    private TopicSetup() {
    }

    /** The configs a created topic gets. */
    static Map<String, String> configs(final Plan plan, final String topic) {
        final Map<String, String> configs = new HashMap<>();
        if (topic.equals(plan.topics().blocklist())
                || topic.equals(ChangeTopics.beside(plan.topics()).allowlist())) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            return configs;
        }
        configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        configs.put(TopicConfig.RETENTION_BYTES_CONFIG, String.valueOf(plan.retentionBytes()));
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, String.valueOf(Long.MAX_VALUE));
        // Capture time can also be ahead of the broker's clock (a sensor's clock skew): keep those records too.
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, String.valueOf(Long.MAX_VALUE));
        if (topic.equals(plan.topics().flows())) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(FLOW_BATCH_MAX_BYTES));
        }
        return configs;
    }

    /**
     * Checks the existing topics, then creates the missing ones.
     *
     * @return the topics created
     * @throws TopicSetupException if an existing topic does not fit (partition counts, cleanup policy)
     */
    public static List<String> ensure(final Admin admin, final Plan plan) {
        final TopicNames t = plan.topics();
        final ChangeTopics changes = ChangeTopics.beside(t);
        final List<String> all = List.of(t.flows(), t.packets(), t.heartbeats(), t.alerts(), t.alertsJson(),
                t.blocklist(), t.incidents(), plan.deadLetterTopic(), changes.allowlist(), changes.audit());
        final Set<String> existing = call(admin.listTopics().names());
        final Map<String, TopicDescription> described = existing.isEmpty() ? Map.of()
                : call(admin.describeTopics(all.stream().filter(existing::contains).toList()).allTopicNames());

        final Integer flowPartitions = partitions(described, t.flows());
        final Integer heartbeatPartitions = partitions(described, t.heartbeats());
        if (flowPartitions != null && heartbeatPartitions != null
                && !flowPartitions.equals(heartbeatPartitions)) {
            throw new TopicSetupException(t.heartbeats() + " has " + heartbeatPartitions + " partitions and "
                    + t.flows() + " " + flowPartitions + " (expected: the same count, heartbeats move event time"
                    + " on every flows partition)");
        }
        if (described.containsKey(t.blocklist())) {
            final String policy = config(admin, t.blocklist(), TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new TopicSetupException(t.blocklist() + ": cleanup.policy=" + policy
                        + " (expected: compact; the blocklist keeps the last entry per address)");
            }
        }
        for (final String topic : List.of(t.flows(), t.heartbeats())) {
            if (described.containsKey(topic)) {
                final String retention = config(admin, topic, TopicConfig.RETENTION_MS_CONFIG);
                if (!"-1".equals(retention)) {
                    LOG.warn("{}: retention.ms={}: a replayed capture older than that may be deleted before it is "
                            + "processed (ntpguard creates it with retention.ms=-1)", topic, retention);
                }
            }
        }

        final Map<String, NewTopic> missing = new LinkedHashMap<>();
        for (final String topic : all) {
            if (!described.containsKey(topic) && !missing.containsKey(topic)) {
                int partitions = plan.partitions();
                if (topic.equals(t.flows()) && heartbeatPartitions != null) {
                    partitions = heartbeatPartitions;
                } else if (topic.equals(t.heartbeats()) && flowPartitions != null) {
                    partitions = flowPartitions;
                }
                missing.put(topic, new NewTopic(topic, Optional.of(partitions), Optional.empty())
                        .configs(configs(plan, topic)));
            }
        }
        final List<String> created = new ArrayList<>();
        if (!missing.isEmpty()) {
            admin.createTopics(missing.values()).values().forEach((topic, future) -> {
                try {
                    future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(topic);
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) { // another detector instance won the race
                        throw new TopicSetupException("creating " + topic + ": " + e.getCause().getMessage());
                    }
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TopicSetupException("interrupted while creating " + topic);
                } catch (final TimeoutException e) {
                    throw new TopicSetupException("creating " + topic + ": no answer in " + TIMEOUT_SECONDS + " s");
                }
            });
        }
        return created;
    }

    /**
     * The partition count of an existing topic. Right after {@link #ensure} created it, a broker may not know the
     * topic yet ("does not host this topic-partition"): asked again for up to {@value #TIMEOUT_SECONDS} s.
     */
    public static int partitions(final Admin admin, final String topic) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return call(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
            } catch (final TopicSetupException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Integer partitions(final Map<String, TopicDescription> described, final String topic) {
        final TopicDescription d = described.get(topic);
        return d == null ? null : d.partitions().size();
    }

    private static String config(final Admin admin, final String topic, final String key) {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        final Config config = call(admin.describeConfigs(List.of(resource)).all()).get(resource);
        final ConfigEntry entry = config == null ? null : config.get(key);
        return entry == null ? null : entry.value();
    }

    private static <T> T call(final org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final ExecutionException e) {
            throw new TopicSetupException("Kafka admin request failed: " + e.getCause().getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted");
        } catch (final TimeoutException e) {
            throw new TopicSetupException("Kafka did not answer in " + TIMEOUT_SECONDS + " s");
        }
    }
}
