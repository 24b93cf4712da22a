package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.ntpguard.broker.EmbeddedBroker;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.cli.report.AnalysisReport;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.cli.serve.HttpEndpoints;
import org.ntpguard.cli.serve.PrometheusMetrics;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.export.FeedSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ntpguard analyze}: the whole product on one machine, with nothing to install. A single-node KRaft broker
 * runs inside the process; the captures are replayed into it at full speed in event time; the detector processes
 * every record; then the alerts and the blocklist are written out and summed up.
 */
@Command(name = "analyze",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Replay captures through an embedded Kafka and the detector; write and print what was found.",
        description = {
            "Starts a single-node Kafka broker inside the process (data in a temporary folder), replays the capture "
                    + "files into it at full speed (capture time stays the event time), runs the detector until "
                    + "every record is processed, then writes alerts.jsonl, the blocklist (blocklist.txt for "
                    + "firewalls' external lists, and ipset, nftables, Cisco, Junos, ExaBGP flowspec and JSON forms) "
                    + "and summary.json into the output folder and prints the alerts by type and each subject with "
                    + "its role and evidence.",
            "While it runs, the broker's address is printed: any Kafka tool can read the topics (ntp.packets, "
                    + "ntp.alerts, ntp.blocklist)."
        })
final class AnalyzeCommand implements Callable<Integer> {

    /** A stop's bound, from the signal: the replay's end, the wait for the detector, the report, the broker's end. */
    private static final Duration STOP_GRACE = EmbeddedPipeline.STOP_DETECTOR_WAIT.plusSeconds(70);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<file>", arity = "1..*", description = "Capture files: pcap or pcapng, plain or gzip.")
    List<Path> files;

    @Mixin
    ReportOptions options;

    @Mixin
    FlowSettings flowSettings;

    @Option(names = "--http-port", paramLabel = "<port>",
            description = "Serve Prometheus metrics (the sensor's and the detector's) on this port while it runs; "
                    + "0 picks a free port (default: no HTTP).")
    Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "<address>", defaultValue = "127.0.0.1",
            description = "Address of the HTTP server; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String httpBind;

    /** The HTTP server and what it serves; null without --http-port. */
    private HttpEndpoints http;
    private PrometheusMetrics metrics;
    /**
     * Runs once the detector has processed the whole replay, while the broker, the detector and the HTTP server still
     * run (the report is read and everything stops after it): where a test scrapes a finished pipeline.
     */
    Runnable onCaughtUp = () -> { };
    /** Ctrl-C or SIGTERM: the replay stops at the next packet, a wait for the detector within 20 s. */
    private volatile boolean stopRequested;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (httpPort != null && (httpPort < 0 || httpPort > 65_535)) {
            throw new ParameterException(spec.commandLine(), "--http-port: " + httpPort + " (expected: 0 to 65535)");
        }
        final FlowOptions flowOptions = flowSettings.options();
        final PrintWriter err = spec.commandLine().getErr();
        final DetectionConfig detection = DetectionFile.read("analyze", options.config, options.homeNet, err);
        if (detection == null) {
            return ExitCodes.FAILED;
        }
        // Checked before the broker and the detector start (seconds), and the replay (minutes): a report that cannot
        // be written, or inputs of which none is a capture, end here in a line each.
        final ReportFolderLock lock = Preflight.lockReportFolder("analyze", options.out, err);
        if (lock == null) {
            return ExitCodes.FAILED;
        }
        try (lock) {
            return checkInputsAndAnalyze(detection, flowOptions, err);
        }
    }

    private int checkInputsAndAnalyze(final DetectionConfig detection, final FlowOptions flowOptions,
                                      final PrintWriter err) throws IOException, InterruptedException {
        final List<String> unreadable = Preflight.inputProblems(files);
        if (unreadable.size() == files.size()) {
            unreadable.forEach(line -> err.println("ntpguard analyze: " + line));
            err.println("ntpguard analyze: no input can be read as a capture; nothing was analysed, no report written");
            err.flush();
            return ExitCodes.FAILED;
        }
        // Bound before anything starts: a port in use is one line (OneLineErrors) and nothing to undo.
        http = httpPort == null ? null : HttpEndpoints.bind(httpBind, httpPort);
        metrics = http == null ? null : new PrometheusMetrics();
        // A signal stops the replay, and the rest ends as a replay's end does: the report (marked partial), the
        // broker's temporary folder deleted, exit 130.
        try (StopOnSignal stop = new StopOnSignal("analyze", this::stop, STOP_GRACE, ExitCodes.INTERRUPTED, err)) {
            return analyze(detection, flowOptions, err);
        } finally {
            if (http != null) {
                http.close();
                metrics.close();
            }
        }
    }

    private int analyze(final DetectionConfig detection, final FlowOptions flowOptions, final PrintWriter err)
            throws IOException, InterruptedException {
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(err);
        final long started = System.nanoTime();
        final PublishStats published;
        final boolean caughtUp;
        final boolean detectorFailed;
        final AnalysisReport report;
        final StageTimes stages;
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start("analyze", detection, EmbeddedPipeline.Mode.REPLAY,
                err, null, metrics == null ? null : metrics.registry())) {
            if (http != null) {
                err.println("ntpguard analyze: metrics at " + metrics.serveOn(http));
                err.flush();
            }
            final long replayStarted = System.nanoTime();
            published = replay(pipeline, flowOptions, stats, problems, err);
            final long replayEnded = System.nanoTime();
            err.println("ntpguard analyze: waiting for the detector to process every record ...");
            err.flush();
            // As long as it takes: a large capture takes what it takes; after a stop, at most 20 s more.
            caughtUp = pipeline.awaitDetector(ChronoUnit.FOREVER.getDuration(), () -> stopRequested,
                    EmbeddedPipeline.STOP_DETECTOR_WAIT, err);
            detectorFailed = !caughtUp && !pipeline.detectorRunning();
            final long detectorDone = System.nanoTime();
            onCaughtUp.run();
            final Map<String, Long> counters = EmbeddedPipeline.counters(stats, published);
            counters.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
            report = pipeline.report(counters, caughtUp);
            stages = new StageTimes(replayStarted - started, replayEnded - replayStarted, detectorDone - replayEnded,
                    System.nanoTime() - detectorDone);
        }
        err.println("ntpguard analyze: " + stats.summary() + "; " + published.summary());
        err.println("ntpguard analyze: " + stages.summary(stats.frames()));
        err.println("ntpguard analyze: " + HomeNetworksLine.used(detection));
        final String homeNetworksHint = HomeNetworksLine.hint(detection, stats);
        if (homeNetworksHint != null) {
            err.println("ntpguard analyze: " + homeNetworksHint);
        }
        final boolean stopped = stopRequested;
        final List<String> partial = new ArrayList<>();
        if (stopped) {
            partial.add("stopped by Ctrl-C or SIGTERM");
        }
        int status = FileReplay.exitCode(stats, files.size());
        if (detectorFailed) {
            err.println("ntpguard analyze: the detector stopped before processing every record; the report holds "
                    + "what it found until then, with no blocklist");
            status = ExitCodes.FAILED;
        } else if (!caughtUp) {
            partial.add("the detector had not processed " + report.counter(EmbeddedPipeline.UNPROCESSED_FLOW_RECORDS)
                    + " of " + published.batches() + " flow records within "
                    + EmbeddedPipeline.STOP_DETECTOR_WAIT.toSeconds() + " s of the stop");
            status = Math.max(status, ExitCodes.PARTIAL);
        }
        if (published.published() < stats.ntpDatagrams() && !stopped) {
            err.println("ntpguard analyze: " + (stats.ntpDatagrams() - published.published())
                    + " datagrams did not reach the broker; the report misses them");
            status = published.published() == 0 ? ExitCodes.FAILED : Math.max(status, ExitCodes.PARTIAL);
        }
        err.flush();
        final AnalysisReport written = partial.isEmpty() ? report : report.markedPartial(String.join("; ", partial));
        // A failed run, or one stopped before anything reached the detector, writes no blocklist feed: loaded, a
        // feed missing what was not read would empty a firewall's sets.
        final boolean noFeeds = status == ExitCodes.FAILED || stopped && published.published() == 0;
        if (!EmbeddedPipeline.write("analyze", written, options.out,
                noFeeds ? null : new FeedSettings(detection.blocklistExpiry(), 0), err, spec.commandLine().getOut())) {
            status = ExitCodes.FAILED;
        }
        return stopped && status != ExitCodes.FAILED ? ExitCodes.INTERRUPTED : status;
    }

    /** What Ctrl-C or SIGTERM does: the replay stops at its next packet, the wait for the detector soon after. */
    void stop() {
        stopRequested = true;
    }

    private PublishStats replay(final EmbeddedPipeline pipeline, final FlowOptions flowOptions,
                                final DecodeStats stats, final ProblemLog problems, final PrintWriter err)
            throws IOException {
        final Producer<byte[], byte[]> producer = new KafkaProducer<>(
                FlowPublisher.producerConfig(pipeline.bootstrapServers(), new Properties()));
        final FlowPublisher publisher = new FlowPublisher(producer, "analyze", pipeline.sensorTopics(),
                FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null, flowOptions);
        if (metrics != null) {
            SensorCommand.bindSensorMetrics(metrics, stats, problems, publisher, producer, null);
        }
        try {
            final ReplayProgress progress = ReplayProgress.onStderr(err, totalSize());
            final long[] position = {0, 0, 0}; // file index, bytes of the files before it, last offset
            final PacketSink sink = packet -> {
                if (stopRequested) {
                    throw new FileReplay.Stopped();
                }
                publisher.accept(packet);
                if (packet.fileOffset() < position[2]) { // the next file started
                    position[1] += size(files.get((int) Math.min(position[0]++, files.size() - 1)));
                }
                position[2] = packet.fileOffset();
                progress.update(stats.frames(), position[1] + packet.fileOffset());
            };
            FileReplay.read(files, new CaptureSession(stats, problems), sink, Long.MAX_VALUE, stats, problems, err);
            progress.finish();
            publisher.heartbeatAfterReplay();
        } finally {
            publisher.close();
        }
        return publisher.stats();
    }

    /** Where a run's time went, in nanoseconds: what a slow analysis is asked first. */
    record StageTimes(long start, long replay, long detectorAfterReplay, long report) {

        String summary(final long frames) {
            final double replaySeconds = replay / 1e9;
            return String.format(Locale.ROOT, "time: broker and detector start %.1f s, replay %.1f s (%,.0f frames/s),"
                    + " detector after the replay %.1f s, report %.1f s; %.1f s in all", start / 1e9, replaySeconds,
                    replaySeconds > 0 ? frames / replaySeconds : 0.0, detectorAfterReplay / 1e9, report / 1e9,
                    (start + replay + detectorAfterReplay + report) / 1e9);
        }
    }

    private long totalSize() {
        return files.stream().mapToLong(AnalyzeCommand::size).sum();
    }

    /** The file's size, 0 when it cannot be read (which is reported when it is read). */
    private static long size(final Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
