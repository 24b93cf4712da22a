package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.app.TopicSetup;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.cli.serve.HttpEndpoints;
import org.ntpguard.cli.serve.PrometheusMetrics;
import org.ntpguard.streams.detect.DetectionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code ntpguard detect}: the detector on a Kafka cluster, live (blocklist expiry on the wall clock). */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Runs the detector on a Kafka cluster: reads ntp.packets and ntp.heartbeats, writes ntp.alerts "
                + "and ntp.blocklist, exactly once, until SIGTERM or Ctrl-C.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped on request", "2:bad option or config, topic setup refused, or the app failed"})
final class DetectCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOSTS",
            description = "Kafka bootstrap servers, host:port[,host:port...]")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "properties: ntpguard.* detection keys; every other key goes to Kafka Streams and its "
                    + "clients (security.protocol, sasl.*, ssl.*, ...)")
    Path config;

    @Option(names = "--partitions", defaultValue = "" + DetectorApp.DEFAULT_PARTITIONS, paramLabel = "N",
            description = "partitions of the topics it creates (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state (default: a folder in the"
            + " system's temporary directory)")
    Path stateDir;

    @Option(names = "--application-id", defaultValue = DetectorApp.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id, the consumer group (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--threads", defaultValue = "1", description = "stream threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
            description = "HTTP port for /metrics (Prometheus); 0 picks a free port (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--http-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "address of the HTTP server; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String httpBind;

    @Option(names = "--no-http", description = "serve no HTTP")
    boolean noHttp;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (httpPort < 0 || httpPort > 65_535) {
            throw new ParameterException(spec.commandLine(), "--http-port: " + httpPort + " (expected: 0 to 65535)");
        }
        final Properties file = new Properties();
        if (config != null) {
            try (Reader reader = Files.newBufferedReader(config)) {
                file.load(reader);
            } catch (final IOException e) {
                spec.commandLine().getErr().println("ntpguard detect: " + config + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        final DetectionConfig detection;
        try {
            detection = DetectionConfig.fromProperties(file);
        } catch (final IllegalArgumentException e) {
            spec.commandLine().getErr().println("ntpguard detect: " + config + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        final Properties kafka = new Properties();
        file.stringPropertyNames().stream().filter(key -> !key.startsWith("ntpguard."))
                .forEach(key -> kafka.put(key, file.getProperty(key)));
        final Path state = stateDir != null ? stateDir
                : Path.of(System.getProperty("java.io.tmpdir"), "ntpguard-streams");
        final DetectorApp.Settings settings = new DetectorApp.Settings(bootstrapServers, applicationId, state, threads,
                TopicNames.defaults(), DetectorApp.DEFAULT_DEAD_LETTER_TOPIC, partitions, true, kafka);

        // Bound before anything starts: a port in use is one line (OneLineErrors) and nothing to undo.
        final HttpEndpoints http = noHttp ? null : HttpEndpoints.bind(httpBind, httpPort);
        final CountDownLatch stopped = new CountDownLatch(1);
        try (http; PrometheusMetrics metrics = new PrometheusMetrics();
             DetectorApp app = new DetectorApp(settings, detection, metrics.registry())) {
            serveMetrics(http, metrics, spec.commandLine().getErr());
            app.streams().setStateListener((now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stopped.countDown();
                }
            });
            // The JVM exits once the hooks return: the hook itself closes the app (commits the transaction).
            final Thread hook = new Thread(() -> {
                stopped.countDown();
                app.close(Duration.ofSeconds(30));
            }, "ntpguard-detect-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                app.start(Duration.ofMinutes(5));
            } catch (final TopicSetup.TopicSetupException e) {
                spec.commandLine().getErr().println("ntpguard detect: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            spec.commandLine().getErr().println("ntpguard detect: running as " + applicationId + " on "
                    + bootstrapServers);
            stopped.await();
            final boolean failed = app.state() == KafkaStreams.State.ERROR;
            app.close(Duration.ofSeconds(30));
            spec.commandLine().getErr().println("ntpguard detect: stopped; " + app.deadLetters()
                    + " undecodable records sent to " + DetectorApp.DEFAULT_DEAD_LETTER_TOPIC);
            return failed ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    /**
     * Serves /metrics from now on, unless {@code --no-http}: the detector's meters, Kafka Streams' and its clients'
     * (bound by the app), the JVM's.
     */
    private static void serveMetrics(final HttpEndpoints http, final PrometheusMetrics metrics, final PrintWriter err) {
        if (http == null) {
            return;
        }
        err.println("ntpguard detect: metrics at " + metrics.serveOn(http));
        err.flush();
    }
}
