package org.ntpguard.streams.allowlist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ntpguard.streams.export.BlocklistView;

/**
 * The operators' runtime changes over HTTP, for authenticated callers only (routed as protected):
 * {@code POST}/{@code DELETE /allowlist/{address-or-prefix}}, {@code DELETE /blocklist/{address}} and
 * {@code GET /audit}. Each change is written to the allowlist topic (what every detector instance applies) and the
 * audit topic before it is answered; {@code reason} (required) and {@code by} come from the query or a JSON body.
 */
public final class ChangeEndpoints implements HttpHandler, AutoCloseable {

    public static final String ALLOWLIST_ROUTE = "/allowlist/";
    public static final String AUDIT_ROUTE = "/audit";
    /** Unblocks share their prefix with the feeds: {@code DELETE} here, the rest to the feeds. */
    public static final String BLOCKLIST_PREFIX = "/blocklist/";
    /** Changes {@code GET /audit} lists unless {@code ?limit=N} says otherwise. */
    static final int AUDIT_DEFAULT_LIMIT = 100;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChangeTopics topics;
    private final Map<String, Object> consumerConfig;
    private final KafkaProducer<String, String> producer;
    private final Clock clock;

    public ChangeEndpoints(final String bootstrapServers, final Properties clientSettings, final ChangeTopics topics,
                           final Clock clock) {
        this.topics = topics;
        this.clock = clock;
        this.consumerConfig = BlocklistView.consumerConfig(bootstrapServers, clientSettings);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "ntpguard-audit-reader");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        final Map<String, Object> producerConfig = new HashMap<>();
        clientSettings.forEach((key, value) -> producerConfig.put(key.toString(), value));
        producerConfig.keySet().retainAll(ProducerConfig.configNames());
        producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "ntpguard-allowlist-changes");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String path = exchange.getRequestURI().getPath();
            final String method = exchange.getRequestMethod();
            try {
                if (path.equals(AUDIT_ROUTE)) {
                    if (!method.equals("GET")) {
                        refuseMethod(exchange, "GET");
                        return;
                    }
                    send(exchange, 200, "application/json", audit(limit(exchange)));
                } else if (path.startsWith(ALLOWLIST_ROUTE) && (method.equals("POST") || method.equals("DELETE"))) {
                    apply(exchange, method.equals("POST") ? ListAction.ALLOW : ListAction.DISALLOW,
                            path.substring(ALLOWLIST_ROUTE.length()));
                } else if (path.startsWith(ALLOWLIST_ROUTE)) {
                    refuseMethod(exchange, "POST, DELETE");
                } else if (path.startsWith(BLOCKLIST_PREFIX) && method.equals("DELETE")) {
                    apply(exchange, ListAction.UNBLOCK, path.substring(BLOCKLIST_PREFIX.length()));
                } else {
                    send(exchange, 404, "text/plain; charset=utf-8", "nothing at " + path + "\n");
                }
            } catch (final IllegalArgumentException e) {
                send(exchange, 400, "text/plain; charset=utf-8", e.getMessage() + "\n");
            } catch (final KafkaUnavailable e) {
                send(exchange, 503, "text/plain; charset=utf-8", e.getMessage() + "\n");
            }
        }
    }

    private void apply(final HttpExchange exchange, final ListAction action, final String target)
            throws IOException {
        final Map<String, String> fields = fields(exchange);
        final String principal = exchange.getPrincipal() == null ? "anonymous" : exchange.getPrincipal().getUsername();
        final String by = fields.getOrDefault("by", principal);
        if (action == ListAction.UNBLOCK && target.contains("/")) {
            throw new IllegalArgumentException("unblock " + target + " (expected: one address; allowlist a prefix)");
        }
        final ListChange change = new ListChange(action, target, fields.get("reason"), by, principal,
                clock.millis());
        final String key = change.key();
        write(new ProducerRecord<>(topics.allowlist(), key, action == ListAction.DISALLOW ? null : change.toJson()));
        write(new ProducerRecord<>(topics.audit(), change.prefix(), change.toJson()));
        send(exchange, 200, "application/json", change.toJson() + "\n");
    }

    private void write(final ProducerRecord<String, String> record) {
        try {
            producer.send(record).get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new KafkaUnavailable("not recorded: " + record.topic() + ": " + e.getCause().getMessage());
        } catch (final TimeoutException e) {
            throw new KafkaUnavailable("not recorded: " + record.topic() + " did not answer in "
                    + KAFKA_TIMEOUT.toSeconds() + " s");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("not recorded: interrupted");
        }
    }

    /** The last {@code limit} changes of the audit topic, oldest first, as a JSON array. */
    private String audit(final int limit) {
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topics.audit(), KAFKA_TIMEOUT)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
            final Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, KAFKA_TIMEOUT);
            final Map<TopicPartition, Long> left = new HashMap<>();
            for (final TopicPartition partition : partitions) {
                final long from = Math.max(begins.get(partition), ends.get(partition) - limit);
                consumer.seek(partition, from);
                if (ends.get(partition) > from) {
                    left.put(partition, ends.get(partition));
                }
            }
            final long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                }
                left.keySet().removeIf(partition -> consumer.position(partition) >= left.get(partition));
            }
            if (!left.isEmpty()) {
                throw new KafkaUnavailable(topics.audit() + " not read to its end in " + KAFKA_TIMEOUT.toSeconds()
                        + " s");
            }
        } catch (final org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaUnavailable(topics.audit() + ": " + e.getMessage());
        }
        records.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        final List<ConsumerRecord<String, String>> newest = records.subList(Math.max(0, records.size() - limit),
                records.size());
        final StringBuilder out = new StringBuilder("[");
        for (final ConsumerRecord<String, String> record : newest) {
            out.append(out.length() == 1 ? "\n" : ",\n").append(record.value());
        }
        return out.append(newest.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    private static int limit(final HttpExchange exchange) {
        final String value = query(exchange).get("limit");
        if (value == null) {
            return AUDIT_DEFAULT_LIMIT;
        }
        if (!value.matches("\\d{1,6}") || Integer.parseInt(value) == 0) {
            throw new IllegalArgumentException("limit '" + value + "' (expected: a count, 1 to 999999)");
        }
        return Integer.parseInt(value);
    }

    /** {@code reason} and {@code by} from the query, then from a JSON object body, which wins. */
    private static Map<String, String> fields(final HttpExchange exchange) throws IOException {
        final Map<String, String> fields = query(exchange);
        final byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(64 * 1024);
        }
        final String text = new String(body, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty()) {
            final JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (final JsonProcessingException e) {
                throw new IllegalArgumentException("request body: not JSON (expected: {\"reason\": \"...\", "
                        + "\"by\": \"...\"})");
            }
            for (final String field : List.of("reason", "by")) {
                if (node.hasNonNull(field)) {
                    fields.put(field, node.get(field).asText());
                }
            }
        }
        return fields;
    }

    private static Map<String, String> query(final HttpExchange exchange) {
        final Map<String, String> fields = new HashMap<>();
        final String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (final String parameter : query.split("&")) {
                final int equals = parameter.indexOf('=');
                if (equals > 0) {
                    fields.put(URLDecoder.decode(parameter.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return fields;
    }

    private static void refuseMethod(final HttpExchange exchange, final String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        send(exchange, 405, "text/plain; charset=utf-8", exchange.getRequestMethod() + " not allowed (expected: "
                + allowed + ")\n");
    }

    private static void send(final HttpExchange exchange, final int status, final String type, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        producer.close(KAFKA_TIMEOUT);
    }

    /** Kafka did not take or give the change in time: answered 503. */
    private static final class KafkaUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaUnavailable(final String message) {
            super(message);
        }
    }
}
