package org.ntpguard.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.export.FeedSettings;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * The report of a detector that keeps running: one thread follows the alerts and blocklist topics from their start
 * (committed records only: the detector writes transactionally), prints each alert record in one line as it arrives
 * ({@link AnalysisReport#line}), and rewrites {@code alerts.jsonl}, {@code blocklist.txt} and {@code summary.json}
 * (each atomically) at most every {@code rewriteEvery}, when the alerts, the blocklist or the figures changed; and
 * appends each alert record to {@code alerts.ecs.jsonl} as it arrives ({@link EcsAlertLog}: one file for the run).
 */
public final class LiveReport implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    /** How long {@link #close()} reads on to print what was committed before it. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final String alertsTopic;
    private final String blocklistTopic;
    private final Path dir;
    private final FeedSettings feeds;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String command;
    private final Supplier<Map<String, Long>> counters;
    private final long rewriteNanos;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Deserializer<NtpAlert> alerts = SingleObjectSerde.ntpAlert().deserializer();
    private final Deserializer<BlocklistEntry> entries = SingleObjectSerde.blocklistEntry().deserializer();
    /** The latest update of each alert, by id: a long run re-publishes its alerts many times. */
    private final Map<String, NtpAlert> latestAlerts = new LinkedHashMap<>();
    private final Map<String, BlocklistEntry> blocklist = new LinkedHashMap<>();
    private volatile boolean closing;
    private boolean writeFailed;
    private final EcsAlertLog ecs;
    private boolean ecsFailed;

    /**
     * @param command  the command's name, for the one line saying the folder cannot be written
     * @param counters the run's figures for summary.json, called on the report thread
     */
    public LiveReport(final String bootstrapServers, final String alertsTopic, final String blocklistTopic,
                      final Path dir, final FeedSettings feeds, final PrintWriter out, final PrintWriter err,
                      final String command,
                      final Supplier<Map<String, Long>> counters, final Duration rewriteEvery) {
        this.alertsTopic = alertsTopic;
        this.blocklistTopic = blocklistTopic;
        this.dir = dir;
        this.feeds = feeds;
        this.out = out;
        this.err = err;
        this.command = command;
        this.counters = counters;
        this.rewriteNanos = rewriteEvery.toNanos();
        this.ecs = EcsAlertLog.in(dir);
        final Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::follow, "ntpguard-live-report");
        this.thread.setDaemon(true);
    }

    /** Starts following; the topics must exist. */
    public LiveReport start() {
        final List<TopicPartition> partitions = new ArrayList<>();
        try {
            for (final String topic : List.of(alertsTopic, blocklistTopic)) {
                consumer.partitionsFor(topic, Duration.ofMinutes(1))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    /**
     * Prints what was committed up to now (reading on for at most 10 s), writes the files once more if something
     * changed, and stops.
     */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        thread.join(CATCH_UP.plusSeconds(5).toMillis());
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join();
        }
    }

    private void follow() {
        Map<String, Long> written = null;
        boolean changed = false;
        long nextWrite = System.nanoTime();
        Map<TopicPartition, Long> end = null;
        long stopBy = Long.MAX_VALUE;
        try (consumer; ecs) {
            appendEcs(null); // this run's file from the start, even before its first alert
            while (true) {
                if (closing && end == null) {
                    end = consumer.endOffsets(consumer.assignment(), CATCH_UP);
                    stopBy = System.nanoTime() + CATCH_UP.toNanos();
                }
                final boolean last = end != null
                        && (TopicReader.caughtUp(consumer, end) || System.nanoTime() - stopBy > 0);
                if (!last) {
                    for (final ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        take(record);
                        changed = true;
                    }
                }
                final Map<String, Long> figures = counters.get();
                if ((changed || !figures.equals(written)) && (last || System.nanoTime() - nextWrite >= 0)) {
                    write(figures);
                    written = figures;
                    changed = false;
                    nextWrite = System.nanoTime() + rewriteNanos;
                }
                if (last) {
                    return;
                }
            }
        } catch (KafkaException | IllegalStateException | IOException e) {
            if (!closing) {
                err.println("ntpguard " + command + ": stopped following the alerts: " + e.getMessage());
                err.flush();
            }
        }
    }

    private void take(final ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(alertsTopic)) {
            final NtpAlert alert = alerts.deserialize(record.topic(), record.value());
            latestAlerts.put(alert.getId(), alert);
            appendEcs(alert);
            out.println(AnalysisReport.line(alert));
            out.flush();
        } else if (record.value() == null) {
            blocklist.remove(record.key());
        } else {
            blocklist.put(record.key(), entries.deserialize(record.topic(), record.value()));
        }
    }

    /** Appends the alert's ECS line (null: only what is pending), saying once that the file cannot be written. */
    private void appendEcs(final NtpAlert alert) {
        try {
            if (alert == null) {
                ecs.flush();
            } else {
                ecs.append(alert);
            }
            ecsFailed = false;
        } catch (IOException e) {
            if (!ecsFailed) {
                err.println("ntpguard " + command + ": cannot write " + ecs.file() + ": " + e.getMessage()
                        + "; retrying");
                err.flush();
            }
            ecsFailed = true;
        }
    }

    private void write(final Map<String, Long> figures) {
        if (ecsFailed) {
            appendEcs(null);
        }
        try {
            new AnalysisReport(new ArrayList<>(latestAlerts.values()), new ArrayList<>(blocklist.values()), figures)
                    .writeTo(dir, feeds);
            writeFailed = false;
        } catch (IOException e) {
            if (!writeFailed) {
                err.println("ntpguard " + command + ": cannot write the report into " + dir + ": " + e.getMessage()
                        + "; retrying");
                err.flush();
            }
            writeFailed = true;
        }
    }
}
