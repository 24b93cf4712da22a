package org.ntpguard.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which routes of a real {@link HttpEndpoints} at 127.0.0.1 ask for the token, through the JDK's client. */
class HttpEndpointsAccessTest {

    private static final String TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00";

    private static HttpEndpoints serve(final boolean protectMonitoring) {
        final HttpEndpoints http = HttpEndpoints.bind("127.0.0.1", 0, new HttpAccess(Optional.empty(),
                Optional.of(AccessToken.of(TOKEN)), protectMonitoring, false));
        http.route("/metrics", exchange -> answer(exchange, "metrics"));
        http.routeProtected("/blocklist.txt", exchange -> answer(exchange, "list of " + exchange.getPrincipal()
                .getUsername()));
        return http.start();
    }

    private static void answer(final com.sun.net.httpserver.HttpExchange exchange, final String body)
            throws java.io.IOException {
        try (exchange) {
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String get(final HttpEndpoints http, final String path, final String authorization)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.url(path)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        final HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static String basic(final String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldAskTheTokenForProtectedRoutesOnlyAndCountTheRefusals() throws Exception {
        try (HttpEndpoints http = serve(false)) {
            assertThat(get(http, "/metrics", null)).isEqualTo("200 metrics");
            assertThat(get(http, "/blocklist.txt", null)).isEqualTo("401 ");
            assertThat(get(http, "/blocklist.txt", "Token " + TOKEN)).isEqualTo("401 ");
            assertThat(get(http, "/blocklist.txt", "Bearer " + TOKEN + "0")).isEqualTo("401 ");
            assertThat(get(http, "/blocklist.txt", "Basic %%%")).isEqualTo("401 ");
            assertThat(get(http, "/blocklist.txt", basic("firewall"))).isEqualTo("401 ");
            assertThat(get(http, "/blocklist.txt", "bearer " + TOKEN)).isEqualTo("200 list of bearer");
            assertThat(get(http, "/blocklist.txt", basic("firewall:" + TOKEN))).isEqualTo("200 list of firewall");

            assertThat(http.refusedRequests().count(RefusedRequests.Reason.NO_CREDENTIALS)).isEqualTo(2);
            assertThat(http.refusedRequests().count(RefusedRequests.Reason.WRONG_CREDENTIALS)).isEqualTo(3);
        }
    }

    @Test
    void shouldAskTheTokenForMetricsWhenProtectingThem() throws Exception {
        try (HttpEndpoints http = serve(true)) {
            assertThat(get(http, "/metrics", null)).isEqualTo("401 ");
            assertThat(get(http, "/metrics", basic("prometheus:" + TOKEN))).isEqualTo("200 metrics");
        }
    }

    @Test
    void shouldRefuseATokenTooShortOrNotFitForAHeaderWithoutQuotingIt() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> AccessToken.of("secret")))
                .hasMessage("6 characters (expected: 32 or more, e.g. from openssl rand -hex 32)");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> AccessToken.of(TOKEN + "\n" + TOKEN)))
                .hasMessageStartingWith("holds characters a bearer token cannot").hasMessageNotContaining(TOKEN);
    }
}
