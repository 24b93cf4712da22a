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
import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.topology.NtpTopology;
import org.ntpguard.streams.topology.OpenWindowQuery;

/**
 * {@code GET /hosts/{address}}: what the detector holds on one address right now, as JSON: its open windows as a
 * client and as a server (requests, bytes each way, byte ratio, distinct peers, KoDs), read from the state stores
 * with interactive queries. With several instances, each side is read where its partition lives: the instance that
 * owns it is asked for {@code /hosts/{address}?side=client|server} (its {@code application.server} address).
 */
public final class HostDrillDown implements HttpHandler {

    public static final String ROUTE = "/hosts/";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

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
                if ("side=client".equals(query)) {
                    send(exchange, 200, "application/json", clientSide(address, null));
                } else if ("side=server".equals(query)) {
                    send(exchange, 200, "application/json", serverSide(address, null));
                } else {
                    send(exchange, 200, "application/json", "{\"address\":\"" + address + "\",\"windowSizeMs\":"
                            + config.windowSize().toMillis() + ",\"client\":" + clientSide(address, forward)
                            + ",\"server\":" + serverSide(address, forward) + "}");
                }
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

    /** @param forward forward to the owner with these credentials (may be empty); null: answer here */
    private String clientSide(final IpAddress address, final String forward) throws IOException,
            InterruptedException {
        final KeyQueryMetadata owner = owner(NtpTopology.CLIENT_WINDOW_STORE, address);
        if (forward != null && remote(owner)) {
            return fetch(owner.activeHost(), address, "client", forward);
        }
        final SortedMap<Long, ClientWindow> windows = OpenWindowQuery.clientWindows(
                store(NtpTopology.CLIENT_WINDOW_STORE, owner.partition()), address);
        final StringBuilder json = new StringBuilder("[");
        for (final Map.Entry<Long, ClientWindow> entry : windows.entrySet()) {
            final ClientWindow w = entry.getValue();
            window(json, entry.getKey(), w.requests(), w.requestBytes(), w.responses(), w.responseBytes())
                    .append(",\"monlistRequests\":").append(w.monlistRequests())
                    .append(",\"monlistResponses\":").append(w.monlistResponses())
                    .append(",\"distinctServersAsked\":").append(w.distinctServersAsked())
                    .append(",\"distinctServersAnswering\":").append(w.distinctServersAnswering())
                    .append(",\"distinctControlServersAsked\":").append(w.distinctControlServersAsked());
            counts(json, "kissCodes", w.kissCodes()).append("},");
        }
        return close(json);
    }

    /** @param forward forward to the owner with these credentials (may be empty); null: answer here */
    private String serverSide(final IpAddress address, final String forward) throws IOException,
            InterruptedException {
        final KeyQueryMetadata owner = owner(NtpTopology.SERVER_WINDOW_STORE, address);
        if (forward != null && remote(owner)) {
            return fetch(owner.activeHost(), address, "server", forward);
        }
        final SortedMap<Long, ServerWindow> windows = OpenWindowQuery.serverWindows(
                store(NtpTopology.SERVER_WINDOW_STORE, owner.partition()), address);
        final StringBuilder json = new StringBuilder("[");
        for (final Map.Entry<Long, ServerWindow> entry : windows.entrySet()) {
            final ServerWindow w = entry.getValue();
            window(json, entry.getKey(), w.requests(), w.requestBytes(), w.responses(), w.responseBytes())
                    .append(",\"controlResponses\":").append(w.controlResponses())
                    .append(",\"monlistResponses\":").append(w.monlistResponses())
                    .append(",\"unsynchronizedResponses\":").append(w.unsynchronizedResponses())
                    .append(",\"distinctClients\":").append(w.distinctClients());
            counts(json, "kissCodes", w.kissCodes()).append("},");
        }
        return close(json);
    }

    private KeyQueryMetadata owner(final String store, final IpAddress address) {
        final KeyQueryMetadata owner = streams.queryMetadataForKey(store, Bytes.wrap(address.toBytes()),
                Serdes.Bytes().serializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new InvalidStateStoreException("no instance owns " + store + " for " + address + " yet");
        }
        return owner;
    }

    private boolean remote(final KeyQueryMetadata owner) {
        return !owner.activeHost().equals(self) && !owner.activeHost().equals(HostInfo.unavailable());
    }

    private ReadOnlyKeyValueStore<Bytes, byte[]> store(final String name, final int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<Bytes, byte[]>keyValueStore()).withPartition(partition));
    }

    private String fetch(final HostInfo host, final IpAddress address, final String side, final String authorization)
            throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + host.host()
                + ":" + host.port() + ROUTE + address + "?side=" + side)).timeout(FORWARD_TIMEOUT);
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        final HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException(host + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private static StringBuilder window(final StringBuilder json, final long start, final long requests,
                                        final long requestBytes, final long responses, final long responseBytes) {
        return json.append("{\"windowStart\":").append(start)
                .append(",\"requests\":").append(requests).append(",\"requestBytes\":").append(requestBytes)
                .append(",\"responses\":").append(responses).append(",\"responseBytes\":").append(responseBytes)
                .append(",\"byteRatio\":").append(requestBytes == 0 ? "null"
                        : String.format(java.util.Locale.ROOT, "%.2f", (double) responseBytes / requestBytes));
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

    private static String close(final StringBuilder json) {
        if (json.charAt(json.length() - 1) == ',') {
            json.setLength(json.length() - 1);
        }
        return json.append(']').toString();
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
