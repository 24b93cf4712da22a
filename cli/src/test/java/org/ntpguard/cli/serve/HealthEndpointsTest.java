package org.ntpguard.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** /health/live and /health/ready on a real {@link HttpEndpoints} at 127.0.0.1, through the JDK's client. */
class HealthEndpointsTest {

    @Test
    void shouldAnswerLiveAlwaysAndReadyOnlyWithoutAReason() throws Exception {
        final AtomicReference<Optional<String>> notReady = new AtomicReference<>(Optional.of("stream threads "
                + "REBALANCING"));
        try (HttpEndpoints http = HttpEndpoints.bind("127.0.0.1", 0)) {
            http.route(HealthEndpoints.ROUTE, new HealthEndpoints(notReady::get)).start();

            assertThat(get(http, "/health/live")).isEqualTo("200 live\n");
            assertThat(get(http, "/health/ready")).isEqualTo("503 not ready: stream threads REBALANCING\n");
            notReady.set(Optional.empty());
            assertThat(get(http, "/health/ready")).isEqualTo("200 ready\n");
            assertThat(get(http, "/health/other")).startsWith("404 no such health check: /health/other");
        }
    }

    private static String get(final HttpEndpoints http, final String path) throws Exception {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + http.address() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
