package org.ntpguard.streams.export;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.streams.detect.AlertType;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.WindowSummary;
import org.ntpguard.streams.topology.AlertRecords;
import org.ntpguard.streams.topology.NtpTopology;
import org.ntpguard.streams.topology.OpenWindowQuery;
import org.ntpguard.streams.topology.RecentWindows;

/**
 * {@code GET /hosts/{address}}: what the detector holds on one address right now, as JSON: its open windows as a
 * client and as a server (requests, bytes each way, byte ratio, distinct peers, KoDs), its closed windows of the last
 * {@link RecentWindows#retention} (the alert cool-down), its current alerts (those the alert tracker holds: not quiet
 * for a cool-down) and its blocklist entry, read from the state stores with interactive queries, as of the last
 * commit. With several instances, each part is read where its partition lives: the instance that owns it is asked for
 * {@code /hosts/{address}?side=PART} (its {@code application.server} address), PART one of {@link Part}'s.
 */
public final class HostDrillDown implements HttpHandler {

    public static final String ROUTE = "/hosts/";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    /** What one instance answers for an address, each from the store of the partition that owns it. */
    enum Part {
        CLIENT("client"), SERVER("server"), CLOSED_CLIENT("closed-client"), CLOSED_SERVER("closed-server"),
        BLOCKLIST("blocklist"), ALERT("alert-");

        private final String query;

        Part(final String query) {
            this.query = query;
        }
    }

    private final KafkaStreams streams;
    private final DetectionConfig config;
    private final HostInfo self;
    private final String scheme;
    private final HttpClient client;

    /** @param self this instance's {@code application.server}: key metadata needs one, even for a lone instance */
    public HostDrillDown(final KafkaStreams streams, final DetectionConfig config, final HostInfo self) {
        this(streams, config, self, "http", HttpClient.newBuilder());
    }

    /**
     * @param scheme how the other instances serve: "https" when this one does (instances of one deployment alike)
     * @param client for asking them, e.g. with an {@code SSLContext} that trusts their certificates
     */
    public HostDrillDown(final KafkaStreams streams, final DetectionConfig config, final HostInfo self,
                         final String scheme, final HttpClient.Builder client) {
        this.streams = streams;
        this.config = config;
        this.self = java.util.Objects.requireNonNull(self, "self");
        this.scheme = scheme;
        this.client = client.connectTimeout(FORWARD_TIMEOUT).build();
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "text/plain", exchange.getRequestMethod() + " not allowed (expected: GET)");
                return;
            }
            final String text = exchange.getRequestURI().getPath().substring(ROUTE.length());
            final IpAddress address;
            try {
                address = IpAddress.parse(text);
            } catch (final IllegalArgumentException e) {
                send(exchange, 400, "text/plain", e.getMessage());
                return;
            }
            final String query = exchange.getRequestURI().getRawQuery();
            // The caller's credentials go along to the owner, which asks for the same token.
            final String forward = java.util.Objects.requireNonNullElse(
                    exchange.getRequestHeaders().getFirst("Authorization"), "");
            try {
                if (query != null && query.startsWith("side=")) {
                    final String part = query.substring("side=".length());
                    final String answer = part(address, part);
                    if (answer == null) {
                        send(exchange, 400, "text/plain", "side: " + part + " (expected: client, server, "
                                + "closed-client, closed-server, blocklist or alert-TYPE)");
                    } else {
                        send(exchange, 200, "application/json", answer);
                    }
                    return;
                }
                final StringBuilder json = new StringBuilder("{\"address\":\"").append(address)
                        .append("\",\"windowSizeMs\":").append(config.windowSize().toMillis())
                        .append(",\"client\":").append(open(Part.CLIENT, address, forward))
                        .append(",\"server\":").append(open(Part.SERVER, address, forward))
                        .append(",\"closedWindowsKeptMs\":").append(RecentWindows.retention(config).toMillis())
                        .append(",\"closedClient\":").append(closed(Part.CLOSED_CLIENT, address, forward))
                        .append(",\"closedServer\":").append(closed(Part.CLOSED_SERVER, address, forward))
                        .append(",\"alerts\":[");
                boolean first = true;
                for (final AlertType type : AlertType.values()) {
                    final String alert = alert(type, address, forward);
                    if (!alert.equals("null")) {
                        json.append(first ? "" : ",").append(alert);
                        first = false;
                    }
                }
                json.append("],\"blocklist\":").append(blocklist(address, forward)).append('}');
                send(exchange, 200, "application/json", json.toString());
            } catch (final InvalidStateStoreException e) {
                exchange.getResponseHeaders().set("Retry-After", "5");
                send(exchange, 503, "text/plain", "the state stores are not queryable now (rebalancing or "
                        + "restoring): " + e.getMessage());
            } catch (final IOException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                send(exchange, 502, "text/plain", "the instance that owns " + address + " did not answer: "
                        + e.getMessage());
            }
        }
    }

    /** One part, read here (a request forwarded by another instance); null for an unknown part. */
    private String part(final IpAddress address, final String part) throws IOException, InterruptedException {
        if (part.startsWith(Part.ALERT.query)) {
            final String type = part.substring(Part.ALERT.query.length());
            for (final AlertType known : AlertType.values()) {
                if (known.name().equals(type)) {
                    return alert(known, address, null);
                }
            }
            return null;
        }
        for (final Part known : Part.values()) {
            if (known.query.equals(part)) {
                return switch (known) {
                    case CLIENT, SERVER -> open(known, address, null);
                    case CLOSED_CLIENT, CLOSED_SERVER -> closed(known, address, null);
                    case BLOCKLIST -> blocklist(address, null);
                    case ALERT -> null;
                };
            }
        }
        return null;
    }

    /**
     * The open windows of one side, as a JSON array. Here and below, {@code forward}: ask the owner with these
     * credentials (the caller's, may be empty); null: answer here.
     */
    private String open(final Part side, final IpAddress address, final String forward) throws IOException,
            InterruptedException {
        final String store = side == Part.CLIENT ? NtpTopology.CLIENT_WINDOW_STORE : NtpTopology.SERVER_WINDOW_STORE;
        final KeyQueryMetadata owner = owner(store, Bytes.wrap(address.toBytes()), Serdes.Bytes().serializer());
        if (forward != null && remote(owner)) {
            return fetch(owner.activeHost(), address, side.query, forward);
        }
        final ReadOnlyKeyValueStore<Bytes, byte[]> windows = keyValueStore(store, owner.partition());
        final List<WindowSummary> summaries = new ArrayList<>();
        if (side == Part.CLIENT) {
            OpenWindowQuery.clientWindows(windows, address)
                    .forEach((start, window) -> summaries.add(WindowSummary.of(start, window)));
        } else {
            OpenWindowQuery.serverWindows(windows, address)
                    .forEach((start, window) -> summaries.add(WindowSummary.of(start, window)));
        }
        return windows(summaries);
    }

    /** The recent closed windows of one side, oldest first, as a JSON array. */
    private String closed(final Part side, final IpAddress address, final String forward) throws IOException,
            InterruptedException {
        final String store = side == Part.CLOSED_CLIENT ? NtpTopology.CLIENT_RECENT_STORE
                : NtpTopology.SERVER_RECENT_STORE;
        final KeyQueryMetadata owner = owner(store, Bytes.wrap(address.toBytes()), Serdes.Bytes().serializer());
        if (forward != null && remote(owner)) {
            return fetch(owner.activeHost(), address, side.query, forward);
        }
        final ReadOnlyWindowStore<Bytes, byte[]> recent = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.<Bytes, byte[]>windowStore()).withPartition(owner.partition()));
        return windows(RecentWindows.of(recent, address));
    }

    /** The address's current alert of one type as JSON (as alerts.jsonl has it), or {@code null}. */
    private String alert(final AlertType type, final IpAddress address, final String forward) throws IOException,
            InterruptedException {
        final String key = AlertRecords.key(type, address);
        final KeyQueryMetadata owner = owner(NtpTopology.ALERT_STORE, key, Serdes.String().serializer());
        if (forward != null && remote(owner)) {
            return fetch(owner.activeHost(), address, Part.ALERT.query + type.name(), forward);
        }
        final NtpAlert alert = this.<String, NtpAlert>keyValueStore(NtpTopology.ALERT_STORE, owner.partition())
                .get(key);
        return alert == null ? "null" : JsonLines.append(new StringBuilder(), alert).toString();
    }

    /** The address's blocklist entry as JSON, or {@code null}. */
    private String blocklist(final IpAddress address, final String forward) throws IOException, InterruptedException {
        final String key = AlertRecords.blocklistKey(address);
        final KeyQueryMetadata owner = owner(NtpTopology.BLOCKLIST_STORE, key, Serdes.String().serializer());
        if (forward != null && remote(owner)) {
            return fetch(owner.activeHost(), address, Part.BLOCKLIST.query, forward);
        }
        final BlocklistEntry entry = this.<String, BlocklistEntry>keyValueStore(NtpTopology.BLOCKLIST_STORE,
                owner.partition()).get(key);
        return entry == null ? "null" : JsonLines.append(new StringBuilder(), entry).toString();
    }

    private <K> KeyQueryMetadata owner(final String store, final K key, final Serializer<K> serializer) {
        final KeyQueryMetadata owner = streams.queryMetadataForKey(store, key, serializer);
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new InvalidStateStoreException("no instance owns " + store + " for " + key + " yet");
        }
        return owner;
    }

    private boolean remote(final KeyQueryMetadata owner) {
        return !owner.activeHost().equals(self) && !owner.activeHost().equals(HostInfo.unavailable());
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(final String name, final int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition));
    }

    private String fetch(final HostInfo host, final IpAddress address, final String part, final String authorization)
            throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + host.host()
                + ":" + host.port() + ROUTE + address + "?side=" + part)).timeout(FORWARD_TIMEOUT);
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        final HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException(host + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private static String windows(final List<WindowSummary> summaries) {
        final StringBuilder json = new StringBuilder("[");
        for (final WindowSummary w : summaries) {
            json.append(json.length() > 1 ? "," : "").append("{\"windowStart\":").append(w.windowStart())
                    .append(",\"requests\":").append(w.requests()).append(",\"requestBytes\":")
                    .append(w.requestBytes()).append(",\"responses\":").append(w.responses())
                    .append(",\"responseBytes\":").append(w.responseBytes())
                    .append(",\"byteRatio\":").append(w.requestBytes() == 0 ? "null"
                            : String.format(java.util.Locale.ROOT, "%.2f", (double) w.responseBytes()
                            / w.requestBytes()));
            w.counts().forEach((name, count) -> json.append(",\"").append(name).append("\":").append(count));
            counts(json, "kissCodes", w.kissCodes()).append('}');
        }
        return json.append(']').toString();
    }

    private static StringBuilder counts(final StringBuilder json, final String name, final Map<String, Long> counts) {
        json.append(",\"").append(name).append("\":{");
        boolean first = true;
        for (final Map.Entry<String, Long> entry : counts.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonLines.appendString(json, entry.getKey());
            json.append(':').append(entry.getValue());
        }
        return json.append('}');
    }

    private static void send(final HttpExchange exchange, final int status, final String type, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
