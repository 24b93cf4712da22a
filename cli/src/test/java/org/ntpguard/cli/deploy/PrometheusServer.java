package org.ntpguard.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server on loopback, run from the binary of Debian's prometheus package with the project's
 * dashboards/prometheus/prometheus.yml turned towards one test target: its ntpguard jobs scrape that target every
 * second, the other jobs are left out, and its rule files are evaluated every second.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path log;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(final Process process, final Path log, final String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** One answer of the HTTP API: {@code status} success or error, and for a success the result's series. */
    record Answer(String status, String error, String resultType, List<JsonNode> result) {

        boolean success() {
            return status.equals("success");
        }

        /** Series of an instant or range vector; a scalar or a string counts as one, an error as none. */
        int series() {
            if (!success()) {
                return 0;
            }
            return resultType.equals("vector") || resultType.equals("matrix") ? result.size() : 1;
        }

        /** The value of the first sample of an instant vector. */
        double value() {
            return Double.parseDouble(result.get(0).path("value").path(1).asText());
        }
    }

    /**
     * Starts Prometheus on a free loopback port with storage in {@code dir}, scraping {@code metricsUrl} as every
     * ntpguard job of the project's configuration, and waits until it is ready.
     */
    static PrometheusServer start(final Path binary, final String metricsUrl, final Path dir) throws IOException,
            InterruptedException {
        final Path config = Files.writeString(dir.resolve("prometheus.yml"), config(URI.create(metricsUrl)));
        final Path log = dir.resolve("prometheus.log");
        for (int attempt = 1; ; attempt++) {
            final int port = freeLoopbackPort();
            final Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            final PrometheusServer server = new PrometheusServer(process, log, "http://127.0.0.1:" + port);
            if (server.awaitReady()) {
                return server;
            }
            server.close();
            // The free port may have been taken between finding it and Prometheus binding it: try another.
            if (attempt == START_ATTEMPTS || !Files.readString(log).contains("address already in use")) {
                throw new IllegalStateException("Prometheus did not start: " + Files.readString(log));
            }
        }
    }

    /** The project's configuration, its ntpguard jobs scraping {@code target} each second. */
    private static String config(final URI target) throws IOException {
        final Path projectConfig = DeploymentFiles.file("dashboards/prometheus/prometheus.yml");
        final JsonNode project = DeploymentFiles.yaml(projectConfig);
        final ObjectNode config = (ObjectNode) DeploymentFiles.yaml(projectConfig);
        config.withObject("global").put("scrape_interval", "1s").put("scrape_timeout", "1s")
                .put("evaluation_interval", "1s");
        final ArrayNode ruleFiles = config.putArray("rule_files");
        for (final JsonNode pattern : DeploymentFiles.elements(project.path("rule_files"))) {
            ruleFiles.add(projectConfig.resolveSibling(pattern.asText()).toString()); // relative to the config file
        }
        final ArrayNode jobs = config.putArray("scrape_configs");
        for (final JsonNode job : DeploymentFiles.elements(project.path("scrape_configs"))) {
            if (MetricsCatalogue.JOBS.containsKey(job.path("job_name").asText())) {
                final ObjectNode scraped = ((ObjectNode) job).put("metrics_path", target.getPath());
                scraped.putArray("static_configs").addObject().putArray("targets")
                        .add(target.getHost() + ":" + target.getPort());
                jobs.add(scraped);
            }
        }
        if (jobs.size() != MetricsCatalogue.JOBS.size()) {
            throw new IllegalStateException(projectConfig + " scrapes " + jobs.size() + " of the jobs "
                    + MetricsCatalogue.JOBS.keySet());
        }
        return new YAMLMapper().writeValueAsString(config);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private boolean awaitReady() throws InterruptedException {
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return true;
                }
            } catch (final IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Evaluates {@code expression} now. */
    Answer query(final String expression) throws IOException, InterruptedException {
        final JsonNode body = JSON.readTree(get("/api/v1/query?query="
                + URLEncoder.encode(expression, StandardCharsets.UTF_8)).body());
        final JsonNode data = body.path("data");
        return new Answer(body.path("status").asText(), body.path("error").asText(),
                data.path("resultType").asText(), DeploymentFiles.elements(data.path("result")));
    }

    /**
     * Waits until {@code condition} (an instant query) returns a series, or the time is up.
     *
     * @return whether it did
     */
    boolean await(final String condition, final Duration timeout) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final Answer answer = query(condition);
            if (!answer.success()) {
                throw new IllegalArgumentException(condition + ": " + answer.error());
            }
            if (answer.series() > 0) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
