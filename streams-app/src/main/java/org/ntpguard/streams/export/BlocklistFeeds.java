package org.ntpguard.streams.export;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Serves every {@link BlocklistFormat} at its path, GET and HEAD, to pollers: a strong ETag from the content (so
 * {@code If-None-Match} answers 304 while the list is unchanged), {@code Cache-Control: no-cache}, {@code ?limit=N}
 * to cap a feed below the configured cap. Until the view has read the blocklist topic to its end, 503: a firewall
 * must not swap its list for a partial one after a restart.
 */
public final class BlocklistFeeds implements HttpHandler {

    /** Retry-After of a 503 while the list is loading, in seconds. */
    static final int LOADING_RETRY_SECONDS = 5;
    /** Every feed's answer says whether it blocks: {@code enforce} or {@code monitor}. */
    public static final String MODE_HEADER = "X-Ntpguard-Feeds";

    private final Supplier<BlocklistSnapshot> snapshots;
    private final FeedSettings settings;
    private final Clock clock;

    public BlocklistFeeds(final Supplier<BlocklistSnapshot> snapshots, final FeedSettings settings,
                          final Clock clock) {
        this.snapshots = snapshots;
        this.settings = settings;
        this.clock = clock;
    }

    /** The path prefixes to route to this handler; it answers 404 to what it does not serve under them. */
    public static List<String> routes() {
        return List.of("/blocklist.txt", "/blocklist.json", "/blocklist/");
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final Optional<BlocklistFormat> format = BlocklistFormat.forPath(exchange.getRequestURI().getPath());
            if (format.isEmpty()) {
                sendText(exchange, 404, "no blocklist feed at " + exchange.getRequestURI().getPath());
                return;
            }
            final String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, method + " not allowed (expected: GET or HEAD)");
                return;
            }
            final FeedSettings feed;
            try {
                feed = settingsFor(exchange.getRequestURI().getRawQuery());
            } catch (final IllegalArgumentException e) {
                sendText(exchange, 400, e.getMessage());
                return;
            }
            final BlocklistSnapshot snapshot = snapshots.get();
            if (!snapshot.loaded()) {
                exchange.getResponseHeaders().set("Retry-After", String.valueOf(LOADING_RETRY_SECONDS));
                sendText(exchange, 503, "the blocklist is still loading");
                return;
            }
            send(exchange, format.get(), feed.mode(), format.get().render(snapshot, clock.instant(), feed)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private FeedSettings settingsFor(final String query) {
        FeedSettings feed = settings;
        if (query == null) {
            return feed;
        }
        for (final String parameter : query.split("&")) {
            if (parameter.startsWith("limit=")) {
                final String value = parameter.substring("limit=".length());
                if (!value.matches("\\d{1,9}")) {
                    throw new IllegalArgumentException("limit '" + value + "' (expected: a count, 1 or more)");
                }
                feed = feed.limitedTo(Integer.parseInt(value));
            }
        }
        return feed;
    }

    private static void send(final HttpExchange exchange, final BlocklistFormat format, final FeedMode mode,
                             final byte[] body) throws IOException {
        final String etag = etag(body);
        final Headers headers = exchange.getResponseHeaders();
        headers.set("ETag", etag);
        headers.set("Cache-Control", "no-cache");
        headers.set(MODE_HEADER, mode.label());
        if (matches(exchange.getRequestHeaders().get("If-None-Match"), etag)) {
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        headers.set("Content-Type", format.contentType());
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A strong validator: the same bytes, the same tag, whichever instance serves them. */
    static String etag(final byte[] body) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** RFC 9110 §13.1.2: weak comparison, a list of tags or {@code *}. */
    static boolean matches(final List<String> ifNoneMatch, final String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (final String header : ifNoneMatch) {
            for (final String tag : header.split(",")) {
                final String trimmed = tag.trim();
                if (trimmed.equals("*") || (trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed).equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void sendText(final HttpExchange exchange, final int status, final String message)
            throws IOException {
        final byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
