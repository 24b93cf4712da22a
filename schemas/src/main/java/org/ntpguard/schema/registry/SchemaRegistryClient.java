package org.ntpguard.schema.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The two calls of Confluent's Schema Registry REST API that a serde needs, which Apicurio Registry also answers
 * under {@code /apis/ccompat/v7}: register a schema under a subject (an existing identical one keeps its id), and
 * fetch a schema by id. Ids are cached: a registry's id always names the same schema.
 */
public final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

    /**
     * @param url the registry's API root: {@code http://registry:8081} (Confluent) or
     *            {@code http://registry:8080/apis/ccompat/v7} (Apicurio)
     */
    public SchemaRegistryClient(final String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI.create(this.url);
    }

    public String url() {
        return url;
    }

    /** Registers {@code schema} under {@code subject}; the id it has there. */
    public int register(final String subject, final Schema schema) {
        final String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (final IOException e) {
            throw new IllegalStateException("cannot write a schema as JSON: " + e.getMessage(), e);
        }
        final JsonNode answer = call(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
        final int id = field(answer, "id", "POST /subjects/" + subject + "/versions").asInt();
        byId.putIfAbsent(id, schema);
        return id;
    }

    /** The schema with this id. */
    public Schema schema(final int id) {
        final Schema known = byId.get(id);
        if (known != null) {
            return known;
        }
        final JsonNode answer = call(HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id)).GET());
        final Schema schema = new Schema.Parser().parse(field(answer, "schema", "GET /schemas/ids/" + id).asText());
        byId.putIfAbsent(id, schema);
        return schema;
    }

    private JsonNode call(final HttpRequest.Builder request) {
        final HttpRequest built = request.header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
                .timeout(TIMEOUT).build();
        final HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new SchemaRegistryException("schema registry " + url + ": " + built.method() + " " + built.uri()
                    + ": " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("schema registry " + url + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("schema registry " + url + ": " + built.method() + " " + built.uri()
                    + ": HTTP " + response.statusCode() + " (expected: 200) " + abbreviated(response.body()), null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new SchemaRegistryException("schema registry " + url + ": " + built.uri() + ": not JSON: "
                    + abbreviated(response.body()), e);
        }
    }

    private JsonNode field(final JsonNode answer, final String name, final String call) {
        final JsonNode value = answer.get(name);
        if (value == null) {
            throw new SchemaRegistryException("schema registry " + url + ": " + call + ": no \"" + name
                    + "\" in " + abbreviated(answer.toString()), null);
        }
        return value;
    }

    private static String abbreviated(final String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
