package org.ntpguard.cli.deliver;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/** A real HTTP server on loopback (the JDK's) that records each POST and answers it with the status it is told. */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it came. */
    record Request(String path, String contentType, String alertId, String alertUpdate, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** @param status the answer to the n-th request (1 for the first), and its body */
    WebhookReceiver(final IntFunction<Integer> status, final String refusal) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("X-Ntpguard-Alert-Id"),
                        exchange.getRequestHeaders().getFirst("X-Ntpguard-Alert-Update"), body));
                final int code = status.apply(requests.size());
                final byte[] answer = code / 100 == 2 ? new byte[0] : refusal.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(code, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer);
                    }
                }
            }
        });
        server.start();
    }

    String url(final String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> requests() {
        return requests;
    }

    /** Waits until {@code count} requests came (at most a minute). */
    void awaitRequests(final int count) throws InterruptedException {
        final long deadline = System.nanoTime() + java.time.Duration.ofMinutes(1).toNanos();
        while (requests.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
