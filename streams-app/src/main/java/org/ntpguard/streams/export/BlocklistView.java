package org.ntpguard.streams.export;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.registry.RegistrySerde;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.topology.AlertRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole current blocklist, kept from the compacted blocklist topic by one consumer thread: every partition
 * assigned (no consumer group, so any detector instance holds the whole list, not its share), read from the
 * beginning, committed records only (the detector writes in transactions), tombstones applied. Readers take an
 * immutable {@link BlocklistSnapshot}; its version changes with every change of the entries.
 */
public final class BlocklistView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlocklistView.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Consumer<BlocklistSnapshot> onChange;
    private final Deserializer<BlocklistEntry> values;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicLong undecodable = new AtomicLong();
    private final Thread thread;
    private volatile BlocklistSnapshot current = new BlocklistSnapshot(0, false, List.of());
    private volatile boolean closing;
    private String lastProblem;

    private BlocklistView(final Map<String, Object> config, final Deserializer<BlocklistEntry> values,
                          final String topic, final Consumer<BlocklistSnapshot> onChange) {
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.values = values;
        this.topic = topic;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "ntpguard-blocklist-view");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading the topic.
     *
     * @param clientSettings Kafka client settings (SASL, TLS...); those a consumer does not know are left out
     * @param onChange       called on the view's thread with each new snapshot once the list is loaded, and once
     *                       when it is; it should be quick
     */
    public static BlocklistView start(final String bootstrapServers, final Properties clientSettings,
                                      final String topic, final Consumer<BlocklistSnapshot> onChange) {
        // With schema.registry.url, entries in the Confluent wire format too.
        final BlocklistView view = new BlocklistView(consumerConfig(bootstrapServers, clientSettings),
                RegistrySerde.blocklistEntry(clientSettings).deserializer(), topic, onChange);
        view.thread.start();
        return view;
    }

    public static Map<String, Object> consumerConfig(final String bootstrapServers,
                                                     final Properties clientSettings) {
        final Map<String, Object> config = new HashMap<>();
        clientSettings.forEach((key, value) -> config.put(key.toString(), value));
        config.keySet().retainAll(ConsumerConfig.configNames());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ntpguard-blocklist-view");
        return config;
    }

    /** The latest snapshot; never null, not {@link BlocklistSnapshot#loaded()} until the topic was read up to its end. */
    public BlocklistSnapshot snapshot() {
        return current;
    }

    /** Waits until the topic was read up to where it ended when the view started. */
    public boolean awaitLoaded(final Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records skipped because their value could not be decoded as a blocklist entry. */
    public long undecodable() {
        return undecodable.get();
    }

    private void run() {
        try {
            final Map<TopicPartition, Long> loadedAt = assignAll();
            final Map<String, BlockEntry> entries = new HashMap<>();
            boolean isLoaded = false;
            long version = 0;
            while (!closing) {
                boolean changed = false;
                try {
                    for (final ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        changed |= apply(entries, record);
                    }
                    lastProblem = null;
                    if (!isLoaded && reached(loadedAt)) {
                        isLoaded = true;
                        changed = true;
                    }
                } catch (final WakeupException e) {
                    throw e;
                } catch (final KafkaException e) {
                    problem(e);
                    Thread.sleep(RETRY.toMillis());
                }
                if (changed) {
                    current = new BlocklistSnapshot(++version, isLoaded, List.copyOf(entries.values()));
                    if (isLoaded) {
                        // Listeners first: whoever waits for "loaded" then finds the files written.
                        notifyChange(current);
                        loaded.countDown();
                    }
                }
            }
        } catch (final WakeupException e) {
            // close() woke the consumer up
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Applies one record; whether the entries changed. */
    private boolean apply(final Map<String, BlockEntry> entries, final ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            skip(record, "no key");
            return false;
        }
        if (record.value() == null) {
            return entries.remove(record.key()) != null;
        }
        final BlockEntry entry;
        try {
            entry = AlertRecords.toBlockEntry(values.deserialize(record.topic(), record.value()));
        } catch (final KafkaException | IllegalArgumentException e) {
            skip(record, Objects.toString(e.getMessage(), e.getClass().getSimpleName()));
            return false;
        }
        return !entry.equals(entries.put(record.key(), entry));
    }

    private boolean reached(final Map<TopicPartition, Long> ends) {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Assigns every partition of the topic from its beginning; returns the end offsets at that time, up to which the
     * list is loaded. The detector creates the topic, so it may not exist for a moment.
     */
    private Map<TopicPartition, Long> assignAll() throws InterruptedException {
        while (!closing) {
            try {
                final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    final List<TopicPartition> partitions = infos.stream()
                            .map(info -> new TopicPartition(topic, info.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    return consumer.endOffsets(partitions);
                }
                problem(new KafkaException("topic " + topic + " not found"));
            } catch (final WakeupException e) {
                throw e;
            } catch (final KafkaException e) {
                problem(e);
            }
            Thread.sleep(RETRY.toMillis());
        }
        throw new WakeupException();
    }

    private void skip(final ConsumerRecord<String, byte[]> record, final String why) {
        undecodable.incrementAndGet();
        LOG.warn("blocklist view: skipped {} partition {} offset {}: {}", record.topic(), record.partition(),
                record.offset(), why);
    }

    /** Logs a problem once until a different one occurs: a broker away for an hour is one line, not thousands. */
    private void problem(final KafkaException e) {
        final String message = Objects.toString(e.getMessage(), e.getClass().getSimpleName());
        if (!message.equals(lastProblem)) {
            LOG.warn("blocklist view on {}: {} (retrying)", topic, message);
            lastProblem = message;
        }
    }

    private void notifyChange(final BlocklistSnapshot snapshot) {
        try {
            onChange.accept(snapshot);
        } catch (final RuntimeException e) {
            LOG.warn("blocklist view: a listener failed on version {}: {}", snapshot.version(), e.toString());
        }
    }

    /** Stops the thread and closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
