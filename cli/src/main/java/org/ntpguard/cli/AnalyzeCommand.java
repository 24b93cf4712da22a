package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.ntpguard.cli.deliver.AlertDelivery;
import org.ntpguard.cli.deliver.DeliveryTarget;
import org.ntpguard.cli.evidence.AlertEvidence;
import org.ntpguard.cli.evidence.EvidenceCaptures;
import org.ntpguard.cli.report.AnalysisReport;
import org.ntpguard.cli.report.EcsAlertLog;
import org.ntpguard.cli.report.InputFile;
import org.ntpguard.cli.report.RunDescription;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.cli.report.TrafficOverview;
import org.ntpguard.cli.serve.HttpAccess;
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
                    + "every record is processed, then writes incidents.jsonl, alerts.jsonl (and alerts.ecs.jsonl "
                    + "for SIEMs), the blocklist (blocklist.txt for firewalls' external lists, and ipset, nftables, "
                    + "Cisco, Junos, ExaBGP flowspec and JSON forms) and summary.json into the output folder and "
                    + "prints the incidents (the alerts of one attack grouped), the alerts by type and each subject "
                    + "with its role and evidence.",
            "While it runs, the broker's address is printed: any Kafka tool can read the topics (ntp.flows, "
                    + "ntp.alerts, ntp.alerts.json, ntp.blocklist, ntp.incidents, and ntp.packets with "
                    + "--publish-packets)."
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

    @Mixin
    HttpSecurityOptions httpSecurity;

    @Option(names = "--evidence",
            description = "Also write, for each alert, a capture of its subject's NTP packets over the alert's whole "
                    + "span into <dir>/evidence/<alert id>.pcap (.pcapng when link types differ), named in "
                    + "alerts.jsonl with the input frames of its first and last packet: one more pass over the "
                    + "inputs.")
    boolean evidence;

    @Option(names = "--evidence-limit", paramLabel = "<packets>",
            description = "With --evidence: the most packets in one alert's evidence capture; those beyond are "
                    + "counted in alerts.jsonl (default: " + EvidenceCaptures.DEFAULT_LIMIT + ").")
    Integer evidenceLimit;

    @Option(names = "--top", paramLabel = "<n>", defaultValue = "20",
            description = "List the N most severe alerts and blocklist entries on the console, and count the rest in "
                    + "a line; 0 lists every one. The report files always hold them all (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--quiet",
            description = "Print only the alert counts by type, the blocklist's size, the final figures, where the "
                    + "report went, and problems: no start-up or progress lines, no lists of alerts or entries.")
    boolean quiet;

    @Mixin
    PushOptions push;

    /** Where alerts are pushed (--syslog, --webhook); empty for nowhere. */
    private List<DeliveryTarget> pushTargets = List.of();

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
        if (evidenceLimit != null && !evidence) {
            throw new ParameterException(spec.commandLine(), "--evidence-limit goes with --evidence");
        }
        if (evidenceLimit != null && evidenceLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--evidence-limit: " + evidenceLimit
                    + " (expected: 1 or more)");
        }
        if (top < 0) {
            throw new ParameterException(spec.commandLine(), "--top: " + top + " (expected: 0 for all, or more)");
        }
        final FlowOptions flowOptions = flowSettings.options();
        final PrintWriter err = spec.commandLine().getErr();
        final DetectionConfig detection = DetectionFile.read("analyze", options.config, options.homeNet, err);
        if (detection == null) {
            return ExitCodes.FAILED;
        }
        pushTargets = push.targets(spec, detection.alertCooldown(), () -> null);
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
        final HttpAccess access = httpPort == null ? HttpAccess.PLAIN
                : httpSecurity.access("analyze", httpBind, null, err);
        if (access == null) {
            return ExitCodes.FAILED;
        }
        http = httpPort == null ? null : HttpEndpoints.bind(httpBind, httpPort, access);
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
        final PrintWriter chatter = chatter(err);
        final PublishStats published;
        final boolean caughtUp;
        final boolean detectorFailed;
        final AnalysisReport report;
        final List<NtpAlert> alertUpdates;
        final StageTimes stages;
        final List<InputFile> inputs;
        final TrafficOverview traffic = new TrafficOverview(flowOptions.interval());
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start("analyze", detection, EmbeddedPipeline.Mode.REPLAY,
                chatter, null, metrics == null ? null : metrics.registry());
             FileReplay replay = FileReplay.open(files, true, stats, problems, err);
             AlertDelivery delivery = PushOptions.start(pushTargets, "analyze", err, chatter,
                     metrics == null ? null : metrics.registry())) {
            if (delivery != null) {
                delivery.follow(pipeline.bootstrapServers(), new Properties(), pipeline.topics().alerts(), null);
            }
            if (http != null) {
                err.println("ntpguard analyze: metrics at " + metrics.serveOn(http));
                err.flush();
            }
            final long replayStarted = System.nanoTime();
            published = replay(pipeline, replay, flowOptions, traffic, stats, problems);
            final long replayEnded = System.nanoTime();
            chatter.println("ntpguard analyze: waiting for the detector to process every record ...");
            chatter.flush();
            // As long as it takes: a large capture takes what it takes; after a stop, at most 20 s more.
            caughtUp = pipeline.awaitDetector(ChronoUnit.FOREVER.getDuration(), () -> stopRequested,
                    EmbeddedPipeline.STOP_DETECTOR_WAIT, err);
            detectorFailed = !caughtUp && !pipeline.detectorRunning();
            final long detectorDone = System.nanoTime();
            onCaughtUp.run();
            final Map<String, Long> counters = EmbeddedPipeline.counters(stats, published);
            counters.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
            report = pipeline.report(counters, caughtUp);
            alertUpdates = pipeline.alertUpdates();
            stages = new StageTimes(replayStarted - started, replayEnded - replayStarted, detectorDone - replayEnded,
                    System.nanoTime() - detectorDone);
            inputs = replay.inputs();
        }
        err.println("ntpguard analyze: " + stats.summary() + "; " + published.summary());
        chatter.println("ntpguard analyze: " + stages.summary(stats.frames()));
        chatter.println("ntpguard analyze: " + HomeNetworksLine.used(detection));
        final String homeNetworksHint = HomeNetworksLine.hint(detection, stats);
        if (homeNetworksHint != null) {
            err.println("ntpguard analyze: " + homeNetworksHint);
        }
        final boolean stopped = stopRequested;
        final List<String> partial = new ArrayList<>();
        if (stopped) {
            partial.add("stopped by Ctrl-C or SIGTERM");
        }
        if (!caughtUp && !detectorFailed) {
            partial.add("the detector had not processed " + report.counter(EmbeddedPipeline.UNPROCESSED_FLOW_RECORDS)
                    + " of " + published.batches() + " flow records within "
                    + EmbeddedPipeline.STOP_DETECTOR_WAIT.toSeconds() + " s of the stop");
        }
        // A stop skips the second pass over the inputs that evidence takes.
        final AnalysisReport withEvidence = evidence && !stopped ? withEvidence(report, err) : report;
        final long late = report.counter("lateFlows") + report.counter("lateServerFlows");
        final int detectionStatus = status(FileReplay.exitCode(stats, files.size()), caughtUp, published, stats,
                late);
        // Evidence that could not be written leaves a report without it: results, but not all of them.
        final int status = detectorFailed ? ExitCodes.FAILED : stopped ? ExitCodes.INTERRUPTED
                : withEvidence == null ? Math.max(detectionStatus, ExitCodes.PARTIAL) : detectionStatus;
        final Map<String, Long> problemCounts = new LinkedHashMap<>();
        problems.counts().forEach((kind, count) -> problemCounts.put(kind.name(), count));
        final int listed = quiet ? 0 : top == 0 ? Integer.MAX_VALUE : top;
        final AnalysisReport described = (withEvidence == null ? report : withEvidence).describing(
                new RunDescription(VersionProvider.version(), inputs, problemCounts, detection.settings(),
                        stages.byName(), status)).listing(listed);
        // A failed run, or one stopped before anything reached the detector, writes no blocklist feed: loaded, a
        // feed missing what was not read would empty a firewall's sets.
        final boolean noFeeds = status == ExitCodes.FAILED || stopped && published.published() == 0;
        final boolean ecsWritten = writeEcsLog(alertUpdates, err);
        final boolean written = EmbeddedPipeline.write("analyze",
                partial.isEmpty() ? described : described.markedPartial(String.join("; ", partial)), traffic,
                files.stream().map(Path::toString).toList(), options.out,
                noFeeds ? null : new FeedSettings(detection.blocklistExpiry(), 0, options.feeds.mode), err, spec.commandLine().getOut());
        if (detectorFailed) {
            err.println("ntpguard analyze: the detector stopped before processing every record; the report holds "
                    + "what it found until then, with no blocklist");
        }
        if (published.published() < stats.ntpDatagrams() && !stopped) {
            err.println("ntpguard analyze: " + (stats.ntpDatagrams() - published.published())
                    + " datagrams did not reach the broker; the report misses them");
        }
        err.flush();
        return written && ecsWritten ? status : ExitCodes.FAILED;
    }

    /** alerts.ecs.jsonl, one line per alert update; false, after a line on why, when it cannot be written. */
    private boolean writeEcsLog(final List<NtpAlert> alertUpdates, final PrintWriter err) {
        try {
            EcsAlertLog.write(options.out, alertUpdates);
            return true;
        } catch (final IOException e) {
            err.println("ntpguard analyze: cannot write " + options.out.resolve(EcsAlertLog.FILE) + ": "
                    + OneLineErrors.describe(e));
            return false;
        }
    }

    /** What Ctrl-C or SIGTERM does: the replay stops at its next packet, the wait for the detector soon after. */
    void stop() {
        stopRequested = true;
    }

    /**
     * The exit status: the inputs' (0 read, 1 damaged, 2 none readable), raised to 1 when results are incomplete
     * (the detector stopped early, datagrams did not reach the broker, events came after their window closed), and
     * 2 when not one datagram was published.
     */
    private static int status(final int inputs, final boolean caughtUp, final PublishStats published,
                              final DecodeStats stats, final long late) {
        if (published.published() < stats.ntpDatagrams() && published.published() == 0) {
            return ExitCodes.FAILED;
        }
        final boolean incomplete = !caughtUp || published.published() < stats.ntpDatagrams() || late > 0;
        return incomplete ? Math.max(inputs, ExitCodes.PARTIAL) : inputs;
    }

    private PublishStats replay(final EmbeddedPipeline pipeline, final FileReplay replay,
                                final FlowOptions flowOptions, final TrafficOverview traffic,
                                final DecodeStats stats, final ProblemLog problems) throws IOException {
        final Producer<byte[], byte[]> producer = new KafkaProducer<>(
                FlowPublisher.producerConfig(pipeline.bootstrapServers(), new Properties()));
        final FlowPublisher publisher = new FlowPublisher(producer, "analyze", pipeline.sensorTopics(),
                FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null, flowOptions);
        publisher.observeFlows(traffic);
        if (metrics != null) {
            SensorCommand.bindSensorMetrics(metrics, stats, problems, publisher, producer, null);
        }
        try {
            final ReplayProgress progress = ReplayProgress.onStderr(chatter(spec.commandLine().getErr()), totalSize());
            final PacketSink sink = packet -> {
                if (stopRequested) {
                    throw new FileReplay.Stopped();
                }
                publisher.accept(packet);
                progress.update(stats.frames(), replay.bytesRead());
            };
            replay.run(new CaptureSession(stats, problems), sink, Long.MAX_VALUE);
            progress.finish();
            publisher.heartbeatAfterReplay();
        } finally {
            publisher.close();
        }
        return publisher.stats();
    }

    /** The report with each alert's evidence capture written; null, after a line on why, when that failed. */
    private AnalysisReport withEvidence(final AnalysisReport report, final PrintWriter err) {
        err.println("ntpguard analyze: writing the evidence of " + report.alerts().size()
                + " alert(s): one more pass over the inputs ...");
        err.flush();
        try {
            final Map<String, AlertEvidence> written = EvidenceCaptures.write(files, report.alerts(), options.out,
                    evidenceLimit == null ? EvidenceCaptures.DEFAULT_LIMIT : evidenceLimit);
            err.println("ntpguard analyze: " + EvidenceCaptures.summary(written, options.out));
            final Map<String, String> json = new LinkedHashMap<>();
            written.forEach((id, capture) -> json.put(id, capture.json()));
            return report.withEvidence(json);
        } catch (IOException e) {
            err.println("ntpguard analyze: evidence: " + OneLineErrors.describe(e)
                    + "; the report is written without it");
            return null;
        } finally {
            err.flush();
        }
    }

    /** Where lines that only show the run going on go: nowhere with --quiet (problems and errors still go to err). */
    private PrintWriter chatter(final PrintWriter err) {
        return quiet ? new PrintWriter(java.io.Writer.nullWriter()) : err;
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

        /** The stages by name, in the order they ran, as summary.json records them. */
        Map<String, Duration> byName() {
            final Map<String, Duration> stages = new LinkedHashMap<>();
            stages.put("start", Duration.ofNanos(start));
            stages.put("replay", Duration.ofNanos(replay));
            stages.put("detectorAfterReplay", Duration.ofNanos(detectorAfterReplay));
            stages.put("report", Duration.ofNanos(report));
            return stages;
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
