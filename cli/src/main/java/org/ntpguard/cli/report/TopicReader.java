package org.ntpguard.cli.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic as it stands (committed records only: the detector writes transactionally), from the first
 * offset to the end offsets taken when reading starts. For the end of an analysis, not for streaming.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /** Every record's value, in partition then offset order; tombstones are kept as nulls. */
    public static <V> List<ConsumerRecord<String, V>> readAll(final String bootstrapServers, final String topic,
                                                              final Deserializer<V> values, final Duration timeout) {
        final Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            final List<ConsumerRecord<String, V>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The table a compacted topic stands for: the last value per key, tombstones removing. */
    public static <V> Map<String, V> table(final List<ConsumerRecord<String, V>> records) {
        final Map<String, V> table = new LinkedHashMap<>();
        for (final ConsumerRecord<String, V> record : records) {
            if (record.value() == null) {
                table.remove(record.key());
            } else {
                table.put(record.key(), record.value());
            }
        }
        return table;
    }

    /** Whether the consumer's position has reached {@code end} on every partition in it. */
    public static boolean caughtUp(final KafkaConsumer<?, ?> consumer, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }
}
