package org.ntpguard.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /health/live} (200 while the process serves HTTP at all) and {@code /health/ready} (200 when the component
 * can be relied on, else 503 with the reason): what orchestrators, load balancers and compose health checks ask.
 */
public final class HealthEndpoints implements HttpHandler {

    /** The route prefix. */
    public static final String ROUTE = "/health/";

    private final Supplier<Optional<String>> notReady;

    /** @param notReady why the component is not ready, empty when it is */
    public HealthEndpoints(final Supplier<Optional<String>> notReady) {
        this.notReady = notReady;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "GET or HEAD\n");
            } else if (path.equals(ROUTE + "live")) {
                send(exchange, 200, "live\n");
            } else if (path.equals(ROUTE + "ready")) {
                final Optional<String> reason = notReady.get();
                send(exchange, reason.isEmpty() ? 200 : 503, reason.map(r -> "not ready: " + r + "\n")
                        .orElse("ready\n"));
            } else {
                send(exchange, 404, "no such health check: " + path + " (try /health/live or /health/ready)\n");
            }
        }
    }

    private static void send(final HttpExchange exchange, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
