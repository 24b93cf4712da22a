package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import com.sun.net.httpserver.HttpHandler;
import org.apache.kafka.streams.KafkaStreams;
import org.ntpguard.streams.allowlist.ChangeEndpoints;
import org.ntpguard.streams.allowlist.ChangeTopics;
import org.ntpguard.cli.serve.HealthEndpoints;
import org.ntpguard.cli.serve.HttpAccess;
import org.ntpguard.cli.serve.HttpEndpoints;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.app.TopicSetup;
import org.ntpguard.schema.Namespaces;
import org.ntpguard.schema.registry.SchemaRegistryException;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.cli.serve.PrometheusMetrics;
import org.ntpguard.streams.detect.DetectionConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.ntpguard.streams.export.BlocklistFeeds;
import org.ntpguard.streams.export.HostDrillDown;
import org.ntpguard.streams.export.BlocklistFiles;
import org.ntpguard.streams.export.BlocklistView;
import org.ntpguard.streams.export.FeedSettings;
import org.ntpguard.cli.deliver.AlertDelivery;
import org.ntpguard.cli.deliver.DeliveryTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code ntpguard detect}: the detector on a Kafka cluster, live (blocklist expiry on the wall clock). */
@Command(name = "detect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run the detector on a Kafka cluster: alerts, incidents and the blocklist from the sensors' flows.",
        description = "Reads ntp.flows and ntp.heartbeats and writes ntp.alerts (and the same as ECS JSON on "
                + "ntp.alerts.json), ntp.blocklist and ntp.incidents, exactly once, until SIGTERM or Ctrl-C; serves "
                + "the blocklist feeds, /hosts, /metrics and /health over HTTP.")
final class DetectCommand implements Callable<Integer> {

    /** How long closing the app (committing its transaction) may take. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** A stop's bound: the app's close and the last lines. */
    private static final Duration STOP_GRACE = CLOSE_TIMEOUT.plusSeconds(15);

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "<hosts>",
            description = "Kafka bootstrap servers, host:port[,host:port...].")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Properties: ntpguard.* detection keys; every other key goes to Kafka Streams and its "
                    + "clients (security.protocol, sasl.*, ssl.*, ...); schema.registry.url: alerts and blocklist "
                    + "in the Confluent wire format, schemas registered there.")
    Path config;

    @Option(names = "--home-net", paramLabel = "<cidr>[,<cidr>...]",
            description = "The site's own networks (replaces the default private ranges; loopback and link-local are "
                    + "always local): mode 6/7 from them is not exposure, traffic between them is never abuse, and "
                    + "they are not blocklisted; overrides ntpguard.home.networks.")
    String homeNet;

    @Option(names = "--partitions", defaultValue = "" + DetectorApp.DEFAULT_PARTITIONS, paramLabel = "<n>",
            description = "Partitions of the topics it creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--state-dir", paramLabel = "<dir>", description = "Kafka Streams state (default: a folder in "
            + "the system's temporary directory).")
    Path stateDir;

    @Option(names = "--application-id", defaultValue = DetectorApp.DEFAULT_APPLICATION_ID, paramLabel = "<id>",
            description = "Kafka Streams application id, the consumer group (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "<n>",
            description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "<port>",
            description = "Port of the HTTP endpoints (/metrics, blocklist feeds); 0: any free port "
                    + "(default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-bind", defaultValue = "127.0.0.1", paramLabel = "<address>",
            description = "Address the HTTP endpoints listen on; 0.0.0.0 for every interface, where the feeds and "
                    + "/hosts need --http-token-file (or --insecure-http) (default: ${DEFAULT-VALUE}).")
    String httpBind;

    @Option(names = "--no-http", description = "Serve no HTTP endpoint.")
    boolean noHttp;

    @Mixin
    HttpSecurityOptions httpSecurity;

    @Option(names = "--export-dir", paramLabel = "<dir>",
            description = "Also write the blocklist feeds into <dir> (blocklist.txt, .ipset, .nft, .cisco, .junos, "
                    + ".flowspec, .json), each replaced atomically when it changes.")
    Path exportDir;

    @Option(names = "--blocklist-limit", defaultValue = "0", paramLabel = "<n>",
            description = "List at most <n> entries in every feed, the most severe then the most recent (PAN-OS "
                    + "external lists take 50,000 or 150,000 by model); 0: all (default: ${DEFAULT-VALUE}).")
    int blocklistLimit;

    @Mixin
    FeedModeOption feedMode;

    @Option(names = "--ready-max-lag", defaultValue = "1000", paramLabel = "<n>",
            description = "Readiness: /health/ready answers 200 while the stream threads run, the broker answers and "
                    + "no input partition lags by more than <n> flow batch records (up to 4,096 flows each), 503 with "
                    + "the reason otherwise (default: ${DEFAULT-VALUE}).")
    long readyMaxLag;

    @Option(names = "--application-server", paramLabel = "<host:port>",
            description = "Where other detector instances reach this one's HTTP endpoints (Kafka Streams' "
                    + "application.server): /hosts/{address} asks the instance that owns the address.")
    String applicationServer;

    @Option(names = "--namespace", paramLabel = "<name>",
            description = "Read and write the topics of namespace <name> (every topic prefixed with <name>.), as a "
                    + "sensor "
                    + "started with the same --namespace writes them; the application id and the dead-letter topic "
                    + "get the prefix too: a replayed case with a detector of its own, apart from live detection.")
    String namespace;

    @Mixin
    PushOptions.Live push;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The /hosts/ URL as other hosts reach it, Alertmanager's link to an alert's subject; null when there is none. */
    private volatile String hostsUrl;

    @Override
    public Integer call() throws Exception {
        if (readyMaxLag < 0) {
            throw new ParameterException(spec.commandLine(), "--ready-max-lag: " + readyMaxLag + " (expected: >= 0)");
        }
        if (httpPort < 0 || httpPort > 65_535) {
            throw new ParameterException(spec.commandLine(), "--http-port: " + httpPort + " (expected: 0 to 65535)");
        }
        if (namespace != null) {
            try {
                Namespaces.check(namespace);
            } catch (final IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
        }
        final HttpAccess access = noHttp ? HttpAccess.PLAIN : httpSecurity.access("detect", httpBind,
                "the blocklist feeds and /hosts", spec.commandLine().getErr());
        if (access == null) {
            return ExitCodes.FAILED;
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
            detection = DetectionConfig.fromProperties(DetectionFile.withHomeNet(file, homeNet));
        } catch (final IllegalArgumentException e) {
            spec.commandLine().getErr().println("ntpguard detect: " + (config == null ? "--home-net" : config
                    + (homeNet == null ? "" : " with --home-net")) + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        final List<DeliveryTarget> pushTargets = push.targets(spec, detection.alertCooldown(), () -> hostsUrl);
        final Properties kafka = new Properties();
        file.stringPropertyNames().stream().filter(key -> !key.startsWith("ntpguard."))
                .forEach(key -> kafka.put(key, file.getProperty(key)));
        HostInfo self;
        try {
            self = applicationServer == null ? null : HostInfo.buildFromEndpoint(applicationServer);
        } catch (final org.apache.kafka.common.config.ConfigException e) {
            spec.commandLine().getErr().println("ntpguard detect: --application-server " + applicationServer
                    + " (expected: host:port)");
            return ExitCodes.FAILED;
        }
        final Path state = stateDir != null ? stateDir
                : Path.of(System.getProperty("java.io.tmpdir"), "ntpguard-streams");
        final String prefix = namespace == null ? "" : namespace + ".";
        final DetectorApp.Settings settings = new DetectorApp.Settings(bootstrapServers, prefix + applicationId,
                namespace == null ? state : state.resolve(namespace), threads,
                namespace == null ? TopicNames.defaults() : TopicNames.defaults().inNamespace(namespace),
                prefix + DetectorApp.DEFAULT_DEAD_LETTER_TOPIC, partitions, true, kafka);
        final FeedSettings feeds;
        final HttpEndpoints http;
        try {
            feeds = new FeedSettings(detection.blocklistExpiry(), blocklistLimit, feedMode.mode);
            if (exportDir != null) {
                Files.createDirectories(exportDir);
            }
            http = noHttp ? null : HttpEndpoints.bind(httpBind, httpPort, access);
        } catch (final IllegalArgumentException | IOException | UncheckedIOException e) {
            spec.commandLine().getErr().println("ntpguard detect: " + OneLineErrors.describe(e));
            return ExitCodes.FAILED;
        }

        if (self == null && http != null) {
            // Alone, this instance owns every key: its own HTTP address makes the key metadata of /hosts answer.
            self = new HostInfo(httpBind, http.port());
        }
        if (self != null) {
            kafka.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        final HostInfo advertised = self;
        if (advertised != null && !isWildcard(advertised.host())) {
            hostsUrl = access.scheme() + "://" + (advertised.host().contains(":") ? "[" + advertised.host() + "]"
                    : advertised.host()) + ":" + advertised.port() + HostDrillDown.ROUTE;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        try (http; PrometheusMetrics metrics = new PrometheusMetrics();
             DetectorApp app = new DetectorApp(settings, detection, metrics.registry());
             AlertDelivery delivery = PushOptions.start(pushTargets, "detect", spec.commandLine().getErr(),
                     spec.commandLine().getErr(), metrics.registry())) {
            if (http != null) {
                // Before the start: a detector starting or joining its group answers 503 with why, not 404.
                http.route(HealthEndpoints.ROUTE, new HealthEndpoints(() -> app.notReady(readyMaxLag)));
            }
            serveMetrics(http, metrics, spec.commandLine().getErr());
            // From the stop on, /metrics answers 503: its meters read the stores and clients being closed.
            final Runnable stop = () -> {
                metrics.stopping();
                stopped.countDown();
            };
            app.streams().setStateListener((now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stop.run();
                }
            });
            // Ctrl-C or SIGTERM ends the wait below; the app is closed (its transaction committed) here, and the
            // exit status is 0, a stop asked for.
            try (StopOnSignal signal = new StopOnSignal("detect", stop, STOP_GRACE, ExitCodes.PARTIAL,
                    spec.commandLine().getErr())) {
                return detect(app, http, feeds, settings, detection, advertised, stopped, delivery);
            }
        }
    }

    private int detect(final DetectorApp app, final HttpEndpoints http, final FeedSettings feeds,
                       final DetectorApp.Settings settings, final DetectionConfig detection,
                       final HostInfo advertised, final CountDownLatch stopped, final AlertDelivery delivery)
            throws InterruptedException {
        try {
            app.start(Duration.ofMinutes(5));
        } catch (final TopicSetup.TopicSetupException | SchemaRegistryException e) {
            spec.commandLine().getErr().println("ntpguard detect: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (delivery != null) {
            // A consumer of the committed alerts, not a step of the topology: a slow or dead target never holds a
            // stream thread or its transaction, and an aborted transaction's alerts are never pushed. Its group keeps
            // its place across restarts; a new group starts at the topic's end (the alerts of before stay unpushed).
            delivery.follow(settings.bootstrapServers(), settings.kafka(), settings.topics().alerts(),
                    settings.applicationId() + "-delivery");
        }
        spec.commandLine().getErr().println("ntpguard detect: running as " + applicationId + " on "
                + bootstrapServers);
        try (ChangeEndpoints changes = http == null ? null : new ChangeEndpoints(settings.bootstrapServers(),
                settings.kafka(), ChangeTopics.beside(settings.topics()), Clock.systemUTC());
             BlocklistView blocklist = exportBlocklist(http, exportDir, feeds, settings,
                spec.commandLine().getErr(), changes)) {
            if (http != null) {
                http.routeProtected(ChangeEndpoints.ALLOWLIST_ROUTE, changes);
                http.routeProtected(ChangeEndpoints.AUDIT_ROUTE, changes);
                http.routeProtected(HostDrillDown.ROUTE, new HostDrillDown(app.streams(), detection, advertised,
                        http.access().scheme(), http.access().peerClient()));
                http.start();
                spec.commandLine().getErr().println("ntpguard detect: blocklist feeds" + (feeds.monitorOnly()
                        ? " (monitor-only: nothing listed for firewalls, would-be entries in /blocklist.json)" : "")
                        + " at "
                        + http.url("/blocklist.txt") + ", /blocklist.json, /blocklist/{ipset,nftables,cisco,"
                        + "junos,flowspec}; windows, alerts and blocklist entry per address at /hosts/{address}; "
                        + "/health/live and /health/ready; runtime changes at /allowlist/{prefix}, DELETE "
                        + "/blocklist/{address}, /audit");
            }
            spec.commandLine().getErr().flush();
            stopped.await();
        }
        final boolean failed = app.state() == KafkaStreams.State.ERROR;
        app.close(CLOSE_TIMEOUT);
        spec.commandLine().getErr().println("ntpguard detect: stopped; " + app.deadLetters()
                + " undecodable records sent to " + DetectorApp.DEFAULT_DEAD_LETTER_TOPIC);
        spec.commandLine().getErr().flush();
        return failed ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /**
     * The blocklist feeds: a view of the whole blocklist topic, served under {@code /blocklist*} when there is an
     * HTTP server, and written into {@code exportDir} when given, on every change; null when neither is wanted. A file
     * that cannot be written is reported once per distinct error; serving goes on.
     */
    static BlocklistView exportBlocklist(final HttpEndpoints http, final Path exportDir, final FeedSettings feeds,
                                         final DetectorApp.Settings settings, final PrintWriter err) {
        return exportBlocklist(http, exportDir, feeds, settings, err, null);
    }

    /**
     * @param unblock answers {@code DELETE /blocklist/{address}} (the feeds answer the rest of the prefix), or null
     */
    static BlocklistView exportBlocklist(final HttpEndpoints http, final Path exportDir, final FeedSettings feeds,
                                         final DetectorApp.Settings settings, final PrintWriter err,
                                         final HttpHandler unblock) {
        if (http == null && exportDir == null) {
            return null;
        }
        final BlocklistFiles files = exportDir == null ? null : new BlocklistFiles(exportDir, feeds);
        final AtomicReference<String> lastError = new AtomicReference<>();
        final BlocklistView view = BlocklistView.start(settings.bootstrapServers(), settings.kafka(),
                settings.topics().blocklist(), snapshot -> {
                    if (files == null) {
                        return;
                    }
                    try {
                        files.write(snapshot, Clock.systemUTC().instant());
                        lastError.set(null);
                    } catch (final IOException | UncheckedIOException e) {
                        final String message = OneLineErrors.describe(e);
                        if (!Objects.equals(lastError.getAndSet(message), message)) {
                            err.println("ntpguard detect: cannot write the blocklist into " + exportDir + ": "
                                    + message);
                            err.flush();
                        }
                    }
                });
        if (http != null) {
            final BlocklistFeeds handler = new BlocklistFeeds(view::snapshot, feeds, Clock.systemUTC());
            final HttpHandler feedsOrUnblock = unblock == null ? handler : exchange ->
                    (exchange.getRequestMethod().equals("DELETE") ? unblock : handler).handle(exchange);
            BlocklistFeeds.routes().forEach(route -> http.routeProtected(route, feedsOrUnblock));
        }
        return view;
    }

    /** 0.0.0.0 or ::, which no other host can reach this one at. */
    private static boolean isWildcard(final String host) {
        try {
            return java.net.InetAddress.getByName(host).isAnyLocalAddress();
        } catch (final java.net.UnknownHostException e) {
            return false;
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
