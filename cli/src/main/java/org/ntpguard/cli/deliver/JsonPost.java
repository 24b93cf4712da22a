package org.ntpguard.cli.deliver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.ntpguard.cli.deliver.DeliveryTarget.DeliveryException;

/** One HTTP POST of a JSON body, as Alertmanager and webhooks take it: any 2xx is delivered. */
final class JsonPost {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A target that accepts the connection and never answers fails the attempt after this. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How much of a refusal's body goes into the one line that reports it. */
    private static final int ERROR_BODY_CHARS = 200;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    private final URI uri;

    JsonPost(final URI uri) {
        this.uri = uri;
    }

    URI uri() {
        return uri;
    }

    void post(final String json, final Map<String, String> headers) throws DeliveryException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        final HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw DeliveryException.of(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", false);
        }
        final int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        // 408 and 429 say "later"; any other 4xx refuses this body, which no retry changes.
        final boolean retry = status >= 500 || status == 408 || status == 429;
        final String body = response.body().strip().replaceAll("\\s+", " ");
        throw new DeliveryException("HTTP " + status + (body.isEmpty() ? ""
                : ": " + (body.length() > ERROR_BODY_CHARS ? body.substring(0, ERROR_BODY_CHARS) + "..." : body)),
                retry);
    }

    /** An http or https URL with a host, or an IllegalArgumentException naming what is wrong. */
    static URI httpUrl(final String option, final String url) {
        final URI uri;
        try {
            uri = new URI(url);
        } catch (final java.net.URISyntaxException e) {
            throw new IllegalArgumentException(option + ": " + url + " (expected: http://HOST[:PORT][/PATH])");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(option + ": " + url + " (expected: http://HOST[:PORT][/PATH] or https)");
        }
        return uri;
    }
}
