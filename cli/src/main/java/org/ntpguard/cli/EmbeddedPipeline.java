package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.ntpguard.broker.EmbeddedBroker;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.cli.report.AnalysisReport;
import org.ntpguard.cli.report.EcsAlertLog;
import org.ntpguard.cli.report.HtmlReport;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.cli.report.TrafficOverview;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpIncident;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.export.FeedSettings;

/**
 * The whole chain in one process, with nothing to install, for {@code analyze} and {@code run}: a single-node KRaft
 * broker in a temporary folder, the detector on it, and at the end the report read back from its topics. The
 * sensor side (a replay or a live capture) publishes to {@link #bootstrapServers()}.
 */
final class EmbeddedPipeline implements AutoCloseable {

    /** How long starting the detector or reading a topic back may take. */
    static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    /** How often a long wait for the detector says it is still waiting. */
    private static final Duration WAIT_STEP = Duration.ofSeconds(30);
    /** How soon a wait for the detector notices a stop. */
    private static final Duration STOP_CHECK = Duration.ofSeconds(2);
    /** How long a stop waits for the detector to process what was published: the bound README and --help give. */
    static final Duration STOP_DETECTOR_WAIT = Duration.ofSeconds(20);

    /** System properties with this prefix go to the embedded Kafka Streams (bench tuning). */
    static final String STREAMS_PROPERTY_PREFIX = "ntpguard.streams.";
    /** The summary.json figure of flow records the detector had not processed when the report was read. */
    static final String UNPROCESSED_FLOW_RECORDS = "unprocessedFlowRecords";

    /** What feeds the pipeline. */
    enum Mode {
        /** Capture files at full speed: blocklist expiry follows stream time. */
        REPLAY("ntpguard-analyze", false, DetectorApp.DEFAULT_COMMIT_INTERVAL),
        /** A live interface: blocklist expiry follows the wall clock. */
        LIVE("ntpguard-run", true, DetectorApp.DEFAULT_COMMIT_INTERVAL);

        private final String applicationId;
        private final boolean wallClockExpiry;
        /**
         * How often the detector commits when no window closes (closing windows asks for a commit at once). Each
         * commit writes a snapshot of every open window that changed since the last, which is most of a commit's
         * cost; a second is also the live default.
         */
        private final Duration commitInterval;

        Mode(final String applicationId, final boolean wallClockExpiry, final Duration commitInterval) {
            this.applicationId = applicationId;
            this.wallClockExpiry = wallClockExpiry;
            this.commitInterval = commitInterval;
        }
    }

    private final String command;
    private final Path work;
    private final EmbeddedBroker broker;
    private final DetectorApp.Settings settings;
    private final DetectorApp detector;
    private List<NtpAlert> alertUpdates = List.of();

    private EmbeddedPipeline(final String command, final Path work, final EmbeddedBroker broker,
                             final DetectorApp.Settings settings, final DetectorApp detector) {
        this.command = command;
        this.work = work;
        this.broker = broker;
        this.settings = settings;
        this.detector = detector;
    }

    /**
     * Starts the broker (its address goes to stderr: any Kafka tool can read the topics meanwhile) and the detector
     * on it, and waits until the detector runs.
     *
     * @param onDetectorFailure called (on a Kafka Streams thread) if the detector fails later; may be null
     * @param registry          where the detector's meters go; null for none
     */
    static EmbeddedPipeline start(final String command, final DetectionConfig detection, final Mode mode,
                                  final PrintWriter err, final Runnable onDetectorFailure,
                                  final MeterRegistry registry)
            throws IOException, InterruptedException {
        final Path work = Files.createTempDirectory("ntpguard-" + command + "-");
        EmbeddedBroker broker = null;
        DetectorApp detector = null;
        try {
            err.println("ntpguard " + command + ": starting an embedded Kafka broker ...");
            err.flush();
            broker = EmbeddedBroker.start(work, new Properties());
            err.println("ntpguard " + command + ": broker at " + broker.bootstrapServers()
                    + " (read its topics with any Kafka tool while this runs)");
            err.flush();
            // One partition: a replay at full speed must reach the per-server windows in event-time order, and one
            // sensor live gains nothing from more.
            DetectorApp.Settings settings = DetectorApp.Settings.of(broker.bootstrapServers(),
                            work.resolve("state")).withApplicationId(mode.applicationId).withPartitions(1)
                    .withWallClockExpiry(mode.wallClockExpiry)
                    .withKafka(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, mode.commitInterval.toMillis())
                    .withKafka(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
            // Tuning for measurements: -Dntpguard.streams.KEY=VALUE passes KEY=VALUE to the embedded Kafka Streams.
            for (final String key : System.getProperties().stringPropertyNames()) {
                if (key.startsWith(STREAMS_PROPERTY_PREFIX)) {
                    settings = settings.withKafka(key.substring(STREAMS_PROPERTY_PREFIX.length()),
                            System.getProperty(key));
                }
            }
            detector = registry == null ? new DetectorApp(settings, detection)
                    : new DetectorApp(settings, detection, registry);
            if (onDetectorFailure != null) {
                // Once: a failing app goes through PENDING_ERROR to ERROR.
                detector.streams().setStateListener((now, before) -> {
                    if (now == KafkaStreams.State.PENDING_ERROR
                            || now == KafkaStreams.State.ERROR && before != KafkaStreams.State.PENDING_ERROR) {
                        onDetectorFailure.run();
                    }
                });
            }
            detector.start(STEP_TIMEOUT);
            return new EmbeddedPipeline(command, work, broker, settings, detector);
        } catch (InterruptedException | RuntimeException e) {
            if (detector != null) {
                detector.close();
            }
            if (broker != null) {
                broker.close();
            }
            deleteTree(work);
            throw e;
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The detector's input topics, as a sensor names them. */
    SensorTopics sensorTopics() {
        final TopicNames topics = settings.topics();
        return new SensorTopics(topics.flows(), topics.packets(), topics.heartbeats());
    }

    TopicNames topics() {
        return settings.topics();
    }

    KafkaStreams.State detectorState() {
        return detector.state();
    }

    /**
     * Waits, at most {@code limit}, until the detector has processed every record published so far; once
     * {@code stopped} says so (Ctrl-C), at most {@code afterStop} more. A long wait says every 30 s that it goes on.
     *
     * @return true once every record is processed, false if the limit passed or the detector stopped first
     */
    boolean awaitDetector(final Duration limit, final BooleanSupplier stopped, final Duration afterStop,
                          final PrintWriter err) throws InterruptedException {
        final long started = System.nanoTime();
        Duration bound = limit;
        boolean stopSeen = false;
        Duration nextNote = WAIT_STEP;
        while (true) {
            final Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            if (!stopSeen && stopped.getAsBoolean()) {
                stopSeen = true;
                final Duration stopBound = elapsed.plus(afterStop);
                bound = stopBound.compareTo(bound) < 0 ? stopBound : bound;
            }
            final Duration left = bound.minus(elapsed);
            if (left.isNegative() || left.isZero()) {
                return false;
            }
            if (detector.awaitCaughtUp(left.compareTo(STOP_CHECK) < 0 ? left : STOP_CHECK)) {
                return true;
            }
            if (!detectorRunning()) {
                err.println("ntpguard " + command + ": the detector is " + detector.state());
                err.flush();
                return false;
            }
            if (elapsed.compareTo(nextNote) >= 0 && left.compareTo(WAIT_STEP) > 0) {
                err.println("ntpguard " + command + ": still processing, " + elapsed.toSeconds() + " s so far");
                err.flush();
                nextNote = nextNote.plus(WAIT_STEP);
            }
        }
    }

    /** Whether the detector runs (or rebalances): false once it failed or was closed. */
    boolean detectorRunning() {
        final KafkaStreams.State state = detector.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    /**
     * Stops the detector and reads what it found: every alert update and the blocklist table as they stand.
     *
     * @param caughtUp whether the detector had processed everything; if not, {@code unprocessedFlowRecords} counts
     *                 the flow records it never processed
     */
    AnalysisReport report(final Map<String, Long> counters, final boolean caughtUp) {
        detector.close();
        if (!caughtUp) {
            counters.put(UNPROCESSED_FLOW_RECORDS, unprocessedFlowRecords());
        }
        // Flows that came after their window closed were not counted: a report that hid them would look complete.
        final DetectorMetrics meters = detector.metrics();
        counters.put("lateFlows", meters.lateFlows(DetectorMetrics.CLIENT_SIDE));
        counters.put("latePackets", meters.latePackets(DetectorMetrics.CLIENT_SIDE));
        counters.put("lateServerFlows", meters.lateFlows(DetectorMetrics.SERVER_SIDE));

        final List<NtpAlert> alerts = new ArrayList<>();
        for (final ConsumerRecord<String, NtpAlert> record : TopicReader.readAll(bootstrapServers(),
                settings.topics().alerts(), SingleObjectSerde.ntpAlert().deserializer(), STEP_TIMEOUT)) {
            alerts.add(record.value());
        }
        alertUpdates = List.copyOf(alerts);
        final List<BlocklistEntry> blocklist = new ArrayList<>(TopicReader.table(TopicReader.readAll(
                bootstrapServers(), settings.topics().blocklist(), SingleObjectSerde.blocklistEntry().deserializer(),
                STEP_TIMEOUT)).values());
        final List<NtpIncident> incidents = new ArrayList<>();
        for (final ConsumerRecord<String, NtpIncident> record : TopicReader.readAll(bootstrapServers(),
                settings.topics().incidents(), SingleObjectSerde.ntpIncident().deserializer(), STEP_TIMEOUT)) {
            incidents.add(record.value());
        }
        return new AnalysisReport(alerts, blocklist, counters).withIncidents(incidents);
    }

    /** Every alert update {@link #report} read, in order: what alerts.ecs.jsonl holds. */
    List<NtpAlert> alertUpdates() {
        return alertUpdates;
    }

    /**
     * Flow records on the flows topic beyond the offsets the detector committed: what it never processed. Read
     * after it closed (its last commit counts); -1 when the broker does not say.
     */
    private long unprocessedFlowRecords() {
        final String flows = settings.topics().flows();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(settings.applicationId()).partitionsToOffsetAndMetadata()
                    .get(STOP_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            final Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            final int partitions = admin.describeTopics(List.of(flows)).allTopicNames()
                    .get(STOP_CHECK.toMillis(), TimeUnit.MILLISECONDS).get(flows).partitions().size();
            for (int p = 0; p < partitions; p++) {
                ends.put(new TopicPartition(flows, p), OffsetSpec.latest());
            }
            long left = 0;
            for (final var end : admin.listOffsets(ends).all().get(STOP_CHECK.toMillis(), TimeUnit.MILLISECONDS)
                    .entrySet()) {
                final OffsetAndMetadata done = committed.get(end.getKey());
                left += Math.max(0, end.getValue().offset() - (done == null ? 0 : done.offset()));
            }
            return left;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The figures of summary.json that every run of the pipeline has, in display order. */
    static Map<String, Long> counters(final DecodeStats stats, final PublishStats published) {
        final Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("frames", stats.frames());
        counters.put("ntpDatagrams", stats.ntpDatagrams());
        counters.put("malformedNtp", stats.malformedNtp());
        counters.put("published", published.published());
        counters.put("flows", published.flows());
        counters.put("flowRecords", published.batches());
        return counters;
    }

    /**
     * Writes the report's files into {@code out}, report.html last, says so on stderr (and why the report is
     * partial, when it is), and prints the report on stdout, even when the files cannot be written.
     *
     * @param traffic the run's traffic for report.html's charts and top lists; null for none
     * @param inputs  what was analysed, as the user named it, for report.html
     * @param feeds   null for a run that failed: no blocklist feeds ({@link AnalysisReport#writeTo})
     * @return whether the files were written
     */
    static boolean write(final String command, final AnalysisReport report, final TrafficOverview traffic,
                         final List<String> inputs, final Path out, final FeedSettings feeds, final PrintWriter err,
                         final PrintWriter stdout) {
        boolean written = true;
        try {
            report.writeTo(out, feeds);
            new HtmlReport(report, traffic, inputs).writeTo(out, Instant.now());
        } catch (IOException | UncheckedIOException e) {
            err.println("ntpguard " + command + ": cannot write the report into " + out + ": "
                    + OneLineErrors.describe(e) + "; the alerts are below only");
            written = false;
        }
        final long late = report.counter("lateFlows") + report.counter("lateServerFlows");
        if (late > 0) {
            err.println("ntpguard " + command + ": " + report.counter("lateFlows") + " flow(s) with "
                    + report.counter("latePackets") + " datagram(s) came after their client's window had closed, "
                    + report.counter("lateServerFlows") + " after their server's, and were not counted (capture "
                    + "time out of order, or a sensor's clock behind the others'); summary.json lists them");
        }
        if (written) {
            err.println("ntpguard " + command + ": wrote " + out.resolve("incidents.jsonl") + ", "
                    + out.resolve("alerts.jsonl") + ", " + out.resolve(EcsAlertLog.FILE) + ", "
                    + (feeds == null ? "no blocklist feed (the run failed or read nothing), "
                            : out.resolve("blocklist.txt") + " (and .ipset, .nft, .cisco, .junos, .flowspec, .json), ")
                    + out.resolve("summary.json") + ", " + out.resolve(HtmlReport.FILE));
        }
        if (report.partial()) {
            err.println("ntpguard " + command + ": partial report: " + report.partialReason());
        }
        err.flush();
        report.print(stdout);
        stdout.flush();
        return written;
    }

    /** Stops the detector and the broker and deletes their data. */
    @Override
    public void close() throws IOException {
        try {
            detector.close();
        } finally {
            try {
                broker.close();
            } finally {
                deleteTree(work);
            }
        }
    }

    /** The broker deletes its own data; the detector's state folder beside it goes here. */
    private static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
