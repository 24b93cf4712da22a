package org.ntpguard.cli.deliver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * A thread of its own that reads the alerts topic and hands each alert update to a sink. It reads committed records
 * only: the detector writes alerts in transactions, and an aborted one (a crash, a rebalance) is written again, so
 * only what is committed is sent, once. Being a consumer of the topic rather than a step of the topology, a slow or
 * dead target can never hold a stream thread or its transaction back.
 */
final class AlertFollower implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    /** How long {@link #close()} reads on to pass on what was committed before it. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String group;
    private final Consumer<NtpAlert> sink;
    private final Consumer<String> log;
    private final Deserializer<NtpAlert> alerts = SingleObjectSerde.ntpAlert().deserializer();
    private final Thread thread;
    private volatile boolean closing;
    private String lastUndecodable;

    /**
     * @param group a consumer group that keeps its place across restarts (a new group starts at the topic's end: the
     *              alerts of before are not pushed again); null to read the whole topic without a group, as for a
     *              broker of one's own that starts empty
     */
    AlertFollower(final String bootstrapServers, final Properties kafka, final String topic, final String group,
                  final Consumer<NtpAlert> sink, final Consumer<String> log) {
        final Properties config = new Properties();
        config.putAll(kafka);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (group == null) {
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        } else {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        }
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.group = group;
        this.sink = sink;
        this.log = log;
        this.thread = new Thread(this::follow, "ntpguard-deliver-follow");
        this.thread.setDaemon(true);
    }

    /** Starts reading; without a group the topic must exist. */
    AlertFollower start() {
        try {
            if (group == null) {
                final List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(topic, Duration.ofMinutes(1))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            } else {
                consumer.subscribe(List.of(topic));
            }
        } catch (final RuntimeException e) {
            consumer.close();
            throw e;
        }
        thread.start();
        return this;
    }

    private void follow() {
        Map<TopicPartition, Long> end = null;
        long catchUpUntil = 0;
        try (consumer) {
            while (true) {
                if (closing && end == null) {
                    end = consumer.endOffsets(consumer.assignment(), CATCH_UP);
                    catchUpUntil = System.nanoTime() + CATCH_UP.toNanos();
                }
                if (end != null && (TopicReader.caughtUp(consumer, end) || System.nanoTime() - catchUpUntil > 0)) {
                    if (group != null) {
                        consumer.commitSync(CATCH_UP);
                    }
                    return;
                }
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    take(record);
                }
            }
        } catch (final WakeupException e) {
            // close() gave up waiting
        } catch (final KafkaException | IllegalStateException e) {
            log.accept("stopped reading " + topic + " for delivery: " + e.getMessage());
        }
    }

    private void take(final ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        final NtpAlert alert;
        try {
            alert = alerts.deserialize(record.topic(), record.value());
        } catch (final RuntimeException e) {
            final String error = e.getMessage();
            if (!String.valueOf(error).equals(lastUndecodable)) {
                log.accept(topic + " partition " + record.partition() + " offset " + record.offset()
                        + ": not an alert, not delivered: " + error);
                lastUndecodable = String.valueOf(error);
            }
            return;
        }
        sink.accept(alert);
    }

    /** Reads on, at most 10 s, until it has passed on everything committed before the call, and stops. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        thread.join(CATCH_UP.plusSeconds(5).toMillis());
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join();
        }
    }
}
