package org.ntpguard.cli;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.metrics.SensorMetrics;
import org.ntpguard.capture.publish.BrokerProbe;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.schema.Namespaces;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.cli.serve.HealthEndpoints;
import org.ntpguard.cli.serve.HttpAccess;
import org.ntpguard.cli.serve.HttpEndpoints;
import org.ntpguard.cli.serve.PrometheusMetrics;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ntpguard sensor}: decodes a live interface or capture files and publishes every NTP datagram to Kafka. */
@Command(name = "sensor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Publish the NTP traffic of a live interface or of capture files to Kafka as flow summaries.",
        description = {
            "Decodes like 'ntpguard decode', combines the datagrams into NTP flow summaries (one per client-server "
                    + "pair and --flow-interval of capture time) and publishes them in NtpFlowBatch records to "
                    + "ntp.flows, with an idempotent producer (acks=all, lz4); with --publish-packets also one "
                    + "NtpPacket record per datagram to ntp.packets, a forensic feed. Heartbeats go to every partition of "
                    + "ntp.heartbeats so that the detector's windows close: every second live, once after a replay "
                    + "(one hour past its last packet).",
            "Live, the capture never waits for Kafka: when the queue between capture and producer is full, "
                    + "packets are dropped and counted, next to libpcap's own drop counters. A replay waits "
                    + "instead. An unreachable broker is reported in one line and retried; what is queued is sent "
                    + "once it answers. Ctrl-C or SIGTERM flushes what the sensor holds.",
            ""
        })
final class SensorCommand implements Callable<Integer> {

    /** How long the start-up check waits for a broker before saying it is not reachable. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = {"-i", "--interface"}, paramLabel = "<interface>",
                description = "Capture live on this interface (needs root or CAP_NET_RAW); stop with Ctrl-C.")
        String interfaceName;

        @Option(names = {"-r", "--read"}, paramLabel = "<file>", arity = "1..*",
                description = "Replay these capture files at full speed (pcap or pcapng, plain or gzip-compressed).")
        List<Path> files;
    }

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "<hosts>", required = true,
            description = "Kafka bootstrap servers, host:port[,host:port...].")
    String bootstrapServers;

    @Option(names = "--producer-config", paramLabel = "<file>",
            description = "Kafka producer properties (SASL, TLS, tuning); they override the sensor's defaults.")
    Path producerConfig;

    @Option(names = "--sensor", paramLabel = "<name>", defaultValue = "sensor",
            description = "Sensor name carried in every record (default: ${DEFAULT-VALUE}).")
    String sensor;

    @Option(names = "--queue", paramLabel = "<n>", defaultValue = "" + FlowPublisher.DEFAULT_QUEUE_CAPACITY,
            description = "Closed flow intervals (and, with --publish-packets, packets) held between capture and "
                    + "producer (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = {"-f", "--filter"}, paramLabel = "<bpf>",
            description = "Live only: BPF capture filter (default: as 'ntpguard decode').")
    String filter;

    @Option(names = "--flows-topic", paramLabel = "<topic>", defaultValue = "ntp.flows",
            description = "Topic for NtpFlowBatch records, what detection reads (default: ${DEFAULT-VALUE}).")
    String flowsTopic;

    @Mixin
    LiveCaptureTuning tuning;

    @Option(names = "--packets-topic", paramLabel = "<topic>", defaultValue = "ntp.packets",
            description = "Topic for NtpPacket records, with --publish-packets (default: ${DEFAULT-VALUE}).")
    String packetsTopic;

    @Option(names = "--namespace", paramLabel = "<name>",
            description = "Prefix every topic with <name>. (e.g. case-2024-05): a replay's own topics, read by a "
                    + "detector started with the same --namespace, so that old capture time never disturbs live "
                    + "detection.")
    String namespace;

    @Mixin
    FlowSettings flowSettings;

    @Option(names = "--heartbeats-topic", paramLabel = "<topic>", defaultValue = "ntp.heartbeats",
            description = "Topic for SensorHeartbeat records (default: ${DEFAULT-VALUE}).")
    String heartbeatsTopic;

    @Option(names = "--http-port", paramLabel = "<port>", defaultValue = "9464",
            description = "Serve Prometheus metrics on http://<address>:<port>/metrics, and /health/live and "
                    + "/health/ready; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-bind", paramLabel = "<address>", defaultValue = "127.0.0.1",
            description = "Address of the HTTP server; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String httpBind;

    @Option(names = "--no-http", description = "Serve no HTTP (no metrics, no health checks).")
    boolean noHttp;

    @Mixin
    HttpSecurityOptions httpSecurity;

    private volatile boolean stopRequested;
    private volatile LiveSensor live;
    /** The HTTP server and what it serves; null with --no-http. */
    private HttpEndpoints http;
    private PrometheusMetrics metrics;
    /** What /health/ready answers from. */
    private SensorReadiness readiness;

    @Override
    public Integer call() throws IOException {
        if (queue < 1) {
            throw new ParameterException(spec.commandLine(), "--queue: " + queue + " (expected: 1 or more)");
        }
        if (filter != null && input.files != null) {
            throw new ParameterException(spec.commandLine(), "--filter applies to live capture (--interface) only");
        }
        if (tuning.given() && input.files != null) {
            throw new ParameterException(spec.commandLine(),
                    "--buffer-size and --immediate apply to live capture (--interface) only");
        }
        if (httpPort < 0 || httpPort > 65_535) {
            throw new ParameterException(spec.commandLine(), "--http-port: " + httpPort + " (expected: 0 to 65535)");
        }
        final FlowOptions flowOptions = flowSettings.options();
        if (namespace != null) {
            try {
                Namespaces.check(namespace);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
        }
        final PrintWriter err = spec.commandLine().getErr();
        final Properties user = new Properties();
        if (producerConfig != null) {
            try (InputStream in = Files.newInputStream(producerConfig)) {
                user.load(in);
            } catch (NoSuchFileException e) {
                err.println("ntpguard sensor: " + producerConfig + ": no such file");
                return ExitCodes.FAILED;
            } catch (IOException | IllegalArgumentException e) {
                err.println("ntpguard sensor: " + producerConfig + ": cannot read: " + OneLineErrors.describe(e));
                return ExitCodes.FAILED;
            }
        }
        // Bound before anything starts: a port in use is one line (OneLineErrors) and nothing to undo.
        final HttpAccess access = noHttp ? HttpAccess.PLAIN : httpSecurity.access("sensor", httpBind, null, err);
        if (access == null) {
            return ExitCodes.FAILED;
        }
        http = noHttp ? null : HttpEndpoints.bind(httpBind, httpPort, access);
        metrics = noHttp ? null : new PrometheusMetrics();
        final Properties config = FlowPublisher.producerConfig(bootstrapServers, user);
        readiness = new SensorReadiness(bootstrapServers, config);
        if (http != null) {
            http.route(HealthEndpoints.ROUTE, new HealthEndpoints(readiness::notReady));
        }
        if (!BrokerProbe.reachable(config, PROBE_TIMEOUT)) {
            err.println("ntpguard sensor: broker " + bootstrapServers + " not reachable; retrying (packets are "
                    + "queued, up to " + queue + ")");
            err.flush();
        }
        final SensorTopics named = new SensorTopics(flowsTopic, packetsTopic, heartbeatsTopic);
        final SensorTopics topics = namespace == null ? named : named.inNamespace(namespace);
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(err);
        final CaptureSession session = new CaptureSession(stats, problems);
        try {
            return input.files != null
                    ? replay(config, topics, flowOptions, session, stats, problems, err)
                    : live(config, topics, flowOptions, session, stats, problems, err);
        } finally {
            if (http != null) {
                http.close();
                metrics.close();
            }
        }
    }

    /**
     * Serves /metrics from now on, unless {@code --no-http}: the sensor's counters (read at scrape time, never
     * written for it), its producer's and the JVM's.
     *
     * @param live the live capture, for libpcap's drop counters; null for a replay
     */
    static void serveMetrics(final HttpEndpoints http, final PrometheusMetrics metrics, final DecodeStats stats,
                             final ProblemLog problems, final FlowPublisher publisher,
                             final Producer<?, ?> producer, final LiveCaptureReader live, final PrintWriter err) {
        if (http == null) {
            return;
        }
        bindSensorMetrics(metrics, stats, problems, publisher, producer, live);
        err.println("ntpguard sensor: metrics at " + metrics.serveOn(http));
        err.flush();
    }

    /** The sensor's meters and its producer's on {@code metrics}: for every command that publishes packets. */
    static void bindSensorMetrics(final PrometheusMetrics metrics, final DecodeStats stats, final ProblemLog problems,
                                  final FlowPublisher publisher, final Producer<?, ?> producer,
                                  final LiveCaptureReader live) {
        new SensorMetrics(stats, problems, publisher, live).bindTo(metrics.registry());
        metrics.bind(new KafkaClientMetrics(producer));
    }

    private int replay(final Properties config, final SensorTopics topics, final FlowOptions flowOptions,
                       final CaptureSession session, final DecodeStats stats, final ProblemLog problems,
                       final PrintWriter err) throws IOException {
        final Producer<byte[], byte[]> producer = new KafkaProducer<>(config);
        final FlowPublisher publisher = new FlowPublisher(producer, sensor, topics, queue,
                FlowPublisher.Overflow.WAIT, null, flowOptions);
        serveMetrics(http, metrics, stats, problems, publisher, producer, null, err);
        final PacketSink sink = packet -> {
            if (stopRequested) {
                throw new FileReplay.Stopped();
            }
            publisher.accept(packet);
        };
        try (StopOnSignal stop = new StopOnSignal("sensor", this::stop,
                FlowPublisher.DEFAULT_CLOSE_TIMEOUT.plusSeconds(5), ExitCodes.PARTIAL, err)) {
            readiness.capturing(publisher, false);
            try {
                FileReplay.read(input.files, session, sink, Long.MAX_VALUE, stats, problems, err);
            } finally {
                readiness.ended();
            }
            publisher.heartbeatAfterReplay();
            publisher.close();
            final PublishStats published = publisher.stats();
            err.println("ntpguard sensor: " + stats.summary() + "; " + published.summary());
            err.flush();
            final int status = FileReplay.exitCode(stats, input.files.size());
            return status == ExitCodes.OK && !LiveSensor.complete(published) ? ExitCodes.PARTIAL : status;
        } finally {
            publisher.close(Duration.ZERO);
        }
    }

    private int live(final Properties config, final SensorTopics topics, final FlowOptions flowOptions,
                     final CaptureSession session, final DecodeStats stats, final ProblemLog problems,
                     final PrintWriter err) throws IOException {
        final LiveSensor opened = LiveSensor.open("sensor", input.interfaceName, filter, tuning, config, sensor,
                topics, flowOptions, queue, session, stats, err);
        if (opened == null) {
            return ExitCodes.FAILED;
        }
        live = opened;
        serveMetrics(http, metrics, stats, problems, opened.publisher(), opened.producer(), opened.reader(), err);
        // Ctrl-C or SIGTERM: stop capturing, then let the queue drain and the summary be written before exit.
        try (StopOnSignal stop = new StopOnSignal("sensor", this::stop,
                FlowPublisher.DEFAULT_CLOSE_TIMEOUT.plusSeconds(5), ExitCodes.PARTIAL, err)) {
            err.println("ntpguard sensor: " + opened.describe() + " to " + bootstrapServers + "; stop with Ctrl-C");
            err.flush();
            readiness.capturing(opened.publisher(), true);
            try {
                opened.capture();
            } finally {
                readiness.ended();
            }
            return opened.finish(err) ? ExitCodes.OK : ExitCodes.PARTIAL;
        } finally {
            opened.release();
        }
    }

    /** What Ctrl-C or SIGTERM does: a replay stops at the next packet, a live capture at once. */
    void stop() {
        stopRequested = true;
        if (metrics != null) {
            metrics.stopping(); // /metrics answers 503 while the producer is flushed and closed
        }
        final LiveSensor capturing = live;
        if (capturing != null) {
            capturing.stop();
        }
    }
}
