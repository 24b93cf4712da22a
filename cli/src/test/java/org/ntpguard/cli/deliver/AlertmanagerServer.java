package org.ntpguard.cli.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager) on loopback: cluster listener off, storage and
 * configuration in the test's folder, one receiver that sends nowhere.
 */
public final class AlertmanagerServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final ServerProcess process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private AlertmanagerServer(final ServerProcess process, final String url) {
        this.process = process;
        this.url = url;
    }

    public static AlertmanagerServer start(final Path dir) throws IOException, InterruptedException {
        DebianTool.require(BINARY, "prometheus-alertmanager");
        final Path config = Files.writeString(dir.resolve("alertmanager.yml"),
                "route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n");
        final Path log = dir.resolve("alertmanager.log");
        for (int attempt = 1; ; attempt++) {
            final int port = DebianTool.freeTcpPort();
            final ServerProcess process = ServerProcess.start(log, BINARY.toString(), "--config.file=" + config,
                    "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=", "--log.level=warn");
            final AlertmanagerServer server = new AlertmanagerServer(process, "http://127.0.0.1:" + port);
            if (process.awaitReady(START_TIMEOUT, () -> server.get("/-/ready").statusCode() == 200)) {
                return server;
            }
            server.close();
            // The free port may have been taken between finding it and Alertmanager binding it: try another.
            if (attempt == START_ATTEMPTS || !process.log().contains("address already in use")) {
                throw new IllegalStateException("Alertmanager did not start: " + process.log());
            }
        }
    }

    public String url() {
        return url;
    }

    /** GET /api/v2/alerts: the alerts it holds as active (or silenced, inhibited). */
    public JsonNode alerts() throws IOException, InterruptedException {
        return new ObjectMapper().readTree(get("/api/v2/alerts").body());
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
