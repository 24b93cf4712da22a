package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.ntpguard.capture.live.CaptureStats;
import org.ntpguard.capture.live.LiveCaptureException;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.cli.deliver.AlertDelivery;
import org.ntpguard.cli.deliver.DeliveryTarget;
import org.ntpguard.cli.report.AnalysisReport;
import org.ntpguard.cli.report.LiveReport;
import org.ntpguard.cli.report.TrafficOverview;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.export.FeedSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ntpguard run}: {@code analyze} on a live interface, until Ctrl-C. The embedded broker and the detector run
 * in the process as for {@code analyze}, the capture publishes to them as {@code sensor --interface} does, each alert
 * is printed as it comes, and the report folder is kept up to date.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Watch a live interface through an embedded Kafka and the detector; print alerts as they come.",
        description = {
            "Starts a single-node Kafka broker inside the process (data in a temporary folder) and the detector on "
                    + "it, captures the interface as 'ntpguard sensor --interface' does (a full queue drops and "
                    + "counts; a heartbeat every second closes the windows), prints each alert in one line as the "
                    + "detector publishes it, and keeps alerts.jsonl, blocklist.txt and summary.json in the output "
                    + "folder up to date (rewritten every 2 s when something changed).",
            "Ctrl-C or SIGTERM stops the capture, closes the open windows as at the end of a replay, waits for the "
                    + "detector (at most 20 s), then writes the final report and prints it as 'analyze' does. The "
                    + "broker's address is printed: any Kafka tool can read the topics meanwhile."
        })
final class RunCommand implements Callable<Integer> {

    /** How often the report folder is rewritten while something changes. */
    static final Duration REWRITE_EVERY = Duration.ofSeconds(2);
    /** Flush, detector, report and broker shutdown, after a signal: the most a stop takes. */
    private static final Duration STOP_GRACE =
            FlowPublisher.DEFAULT_CLOSE_TIMEOUT.plus(EmbeddedPipeline.STOP_DETECTOR_WAIT).plusSeconds(40);
    /** How long a stop waits for the detector to process what the capture published last. */
    private static final Duration DETECTOR_WAIT = EmbeddedPipeline.STOP_DETECTOR_WAIT;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--interface"}, paramLabel = "<interface>", required = true,
            description = "Capture live on this interface (needs root or CAP_NET_RAW); stop with Ctrl-C.")
    String interfaceName;

    @Mixin
    ReportOptions options;

    @Mixin
    FlowSettings flowSettings;

    @Option(names = {"-f", "--filter"}, paramLabel = "<bpf>",
            description = "BPF capture filter (default: as 'ntpguard decode').")
    String filter;

    @Mixin
    LiveCaptureTuning tuning;

    @Mixin
    PushOptions.Live push;

    private volatile boolean detectorFailed;
    private volatile LiveCaptureReader capture;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final FlowOptions flowOptions = flowSettings.options();
        final PrintWriter err = spec.commandLine().getErr();
        final PrintWriter stdout = spec.commandLine().getOut();
        final DetectionConfig detection = DetectionFile.read("run", options.config, options.homeNet, err);
        final FeedSettings feeds = detection == null ? null : new FeedSettings(detection.blocklistExpiry(), 0,
                options.feeds.mode);
        if (detection == null) {
            return ExitCodes.FAILED;
        }
        final List<DeliveryTarget> pushTargets = push.targets(spec, detection.alertCooldown(), () -> null);
        // A report that could not be written would be found out only at the first alert, or at the stop.
        final ReportFolderLock lock = Preflight.lockReportFolder("run", options.out, err);
        if (lock == null) {
            return ExitCodes.FAILED;
        }
        try (lock) {
            return run(detection, feeds, flowOptions, pushTargets, err, stdout);
        }
    }

    private int run(final DetectionConfig detection, final FeedSettings feeds, final FlowOptions flowOptions,
                    final List<DeliveryTarget> pushTargets, final PrintWriter err, final PrintWriter stdout)
            throws IOException, InterruptedException {
        // Opened first: a wrong interface is said at once, not after the broker's start.
        final LiveCaptureReader reader = LiveInput.open("run", interfaceName, filter, tuning, err);
        if (reader == null) {
            return ExitCodes.FAILED;
        }
        capture = reader;
        final long started = System.nanoTime();
        final DecodeStats stats = new DecodeStats();
        // The hook covers the broker's start too: a signal then closes the capture before it began, and the rest
        // of the run still stops the broker and writes the (empty) report.
        try (StopOnSignal stop = new StopOnSignal("run", this::stop, STOP_GRACE, ExitCodes.PARTIAL, err);
             EmbeddedPipeline pipeline = EmbeddedPipeline.start("run", detection, EmbeddedPipeline.Mode.LIVE, err,
                     () -> detectorFailed(err), null);
             AlertDelivery delivery = PushOptions.start(pushTargets, "run", err, err, null)) {
            if (delivery != null) {
                delivery.follow(pipeline.bootstrapServers(), new Properties(), pipeline.topics().alerts(), null);
            }
            final LiveSensor live = LiveSensor.publishing("run", reader,
                    FlowPublisher.producerConfig(pipeline.bootstrapServers(), new Properties()), "run",
                    pipeline.sensorTopics(), flowOptions, FlowPublisher.DEFAULT_QUEUE_CAPACITY,
                    new CaptureSession(stats, new ProblemLog(err)), stats);
            final TrafficOverview traffic = new TrafficOverview(flowOptions.interval());
            live.publisher().observeFlows(traffic);
            final List<String> captured = List.of("interface " + interfaceName);
            final boolean complete;
            final boolean caughtUp;
            try (LiveReport report = new LiveReport(pipeline.bootstrapServers(), pipeline.topics().alerts(),
                    pipeline.topics().blocklist(), options.out, feeds, stdout, err, "run",
                    () -> liveCounters(stats, live.publisher().stats(), reader), REWRITE_EVERY).start()) {
                err.println("ntpguard run: " + live.describe() + "; alerts below as they come, report in "
                        + options.out + "; stop with Ctrl-C");
                err.flush();
                live.capture();
                // Nothing more will come: close the open windows as a replay's end does, so the last seconds count.
                live.publisher().heartbeatAfterReplay();
                complete = live.finish(err);
                err.println("ntpguard run: waiting for the detector (at most " + DETECTOR_WAIT.toSeconds() + " s) ...");
                err.flush();
                caughtUp = !detectorFailed && pipeline.awaitDetector(DETECTOR_WAIT, () -> false, Duration.ZERO, err);
            } finally {
                live.release();
            }
            final Map<String, Long> counters = liveCounters(stats, live.publisher().stats(), reader);
            counters.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
            final AnalysisReport report = pipeline.report(counters, caughtUp);
            if (detectorFailed) {
                err.println("ntpguard run: the detector failed (" + pipeline.detectorState() + "); the report holds "
                        + "what it found until then, with no blocklist");
                err.flush();
                EmbeddedPipeline.write("run", report, traffic, captured, options.out, null, err, stdout);
                return ExitCodes.FAILED;
            }
            if (!caughtUp) {
                // The stop keeps its bound: what the detector did not reach is named, not waited for.
                final boolean written = EmbeddedPipeline.write("run", report.markedPartial("the detector had not "
                        + "processed " + report.counter(EmbeddedPipeline.UNPROCESSED_FLOW_RECORDS) + " of "
                        + live.publisher().stats().batches() + " flow records within " + DETECTOR_WAIT.toSeconds()
                        + " s of the stop"), traffic, captured, options.out, feeds, err, stdout);
                return written ? ExitCodes.PARTIAL : ExitCodes.FAILED;
            }
            if (!EmbeddedPipeline.write("run", report, traffic, captured, options.out, feeds, err, stdout)) {
                return ExitCodes.FAILED;
            }
            return complete ? ExitCodes.OK : ExitCodes.PARTIAL;
        } finally {
            reader.close();
        }
    }

    /** What Ctrl-C or SIGTERM does: stops the capture; the rest of the run finishes the report. */
    void stop() {
        final LiveCaptureReader reader = capture;
        if (reader != null) {
            reader.close();
        }
    }

    /** The detector failed while running: nothing would process what is captured from now on. */
    private void detectorFailed(final PrintWriter err) {
        detectorFailed = true;
        err.println("ntpguard run: the detector failed; stopping the capture");
        err.flush();
        stop();
    }

    /**
     * The figures of summary.json: {@code dropped} counts every packet lost on the way, in the kernel's buffer
     * (libpcap's ps_drop), by the interface (ps_ifdrop) and in the queue to the producer; each is there on its own too.
     */
    private static Map<String, Long> liveCounters(final DecodeStats stats, final PublishStats published,
                                                  final LiveCaptureReader reader) {
        final Map<String, Long> counters = EmbeddedPipeline.counters(stats, published);
        final CaptureStats captured = captureStats(reader);
        counters.put("dropped", published.dropped() + Math.max(0, captured.droppedByKernel())
                + Math.max(0, captured.droppedByInterface()));
        counters.put("droppedQueueFull", published.dropped());
        counters.put(AnalysisReport.CAPTURE_GROUP + ".received", captured.received());
        counters.put(AnalysisReport.CAPTURE_GROUP + ".droppedByKernel", captured.droppedByKernel());
        counters.put(AnalysisReport.CAPTURE_GROUP + ".droppedByInterface", captured.droppedByInterface());
        return counters;
    }

    /** libpcap's counters, or -1 each when libpcap cannot read them (as after a failed close). */
    private static CaptureStats captureStats(final LiveCaptureReader reader) {
        try {
            return reader.stats();
        } catch (LiveCaptureException e) {
            return new CaptureStats(-1, -1, -1);
        }
    }
}
