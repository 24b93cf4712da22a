import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;

/**
 * Build step of the schemas module, run by {@code java TopicSchemaFiles.java} before Avro's code generator (see
 * schemas/pom.xml). From {@code src/main/avro} it writes:
 *
 * <ul>
 *   <li>one schema per topic, {@code TOPICS/<topic>.avsc}, self-contained: Avro's parser resolves the types the
 *       record refers to and its JSON form writes each of them inline, so that any Avro tool loads the
 *       file alone;</li>
 *   <li>the copies the Java classes are generated from, {@code WIRE/*.avsc}: the same files without the timestamp
 *       logical types. Avro's compiler would turn those fields into {@code java.time.Instant} (and give up its
 *       custom coders for every record holding one) across capture, detection and the report; the encoding is a
 *       {@code long} either way and logical types are not part of a schema's fingerprint, so the records on the
 *       wire are the same.</li>
 * </ul>
 */
public final class TopicSchemaFiles {

    /** In the order Avro's parser needs them: a type before the records that refer to it. */
    private static final List<String> FILES = List.of("Severity", "Role", "MonlistEntry", "NtpControl",
            "NtpPrivate", "PeerTraffic", "NtpPacket", "NtpFlowBatch", "SensorHeartbeat", "NtpAlert",
            "BlocklistEntry", "NtpIncident");

    /** The default topic names (streams-app's TopicNames) and the record each carries. */
    private static final Map<String, String> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put("ntp.flows", "NtpFlowBatch");
        TOPICS.put("ntp.packets", "NtpPacket");
        TOPICS.put("ntp.heartbeats", "SensorHeartbeat");
        TOPICS.put("ntp.alerts", "NtpAlert");
        TOPICS.put("ntp.blocklist", "BlocklistEntry");
        TOPICS.put("ntp.incidents", "NtpIncident");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicSchemaFiles() {
    }

    public static void main(final String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java TopicSchemaFiles.java SOURCE_DIR WIRE_DIR TOPICS_DIR");
            System.exit(2);
        }
        final Path source = Path.of(args[0]);
        final Path wire = Path.of(args[1]);
        final Path topics = Path.of(args[2]);
        checkEveryFileListed(source);

        final Schema.Parser parser = new Schema.Parser();
        final Map<String, Schema> records = new LinkedHashMap<>();
        for (final String name : FILES) {
            records.put(name, parser.parse(source.resolve(name + ".avsc").toFile()));
        }
        Files.createDirectories(topics);
        for (final Map.Entry<String, String> topic : TOPICS.entrySet()) {
            final String inlined = SchemaFormatter.format("json/pretty", records.get(topic.getValue()));
            Files.writeString(topics.resolve(topic.getKey() + ".avsc"), inlined + "\n", StandardCharsets.UTF_8);
        }

        Files.createDirectories(wire);
        for (final String name : FILES) {
            final JsonNode tree = JSON.readTree(source.resolve(name + ".avsc").toFile());
            withoutTimestampLogicalTypes(tree);
            Files.writeString(wire.resolve(name + ".avsc"), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(tree) + "\n", StandardCharsets.UTF_8);
        }
    }

    /** A new .avsc not listed here would be left out of the classes: refused, naming it. */
    private static void checkEveryFileListed(final Path source) throws IOException {
        final TreeSet<String> unlisted = new TreeSet<>();
        try (Stream<Path> files = Files.list(source)) {
            files.map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".avsc"))
                    .map(file -> file.substring(0, file.length() - ".avsc".length()))
                    .filter(name -> !FILES.contains(name)).forEach(unlisted::add);
        }
        if (!unlisted.isEmpty()) {
            throw new IllegalStateException("schemas not listed in TopicSchemaFiles.FILES: " + unlisted
                    + " (expected: every .avsc of " + source + ", each after the types it refers to)");
        }
    }

    private static void withoutTimestampLogicalTypes(final JsonNode node) {
        if (node instanceof ObjectNode object) {
            final JsonNode logicalType = object.get("logicalType");
            if (logicalType != null && logicalType.asText().contains("timestamp-")) {
                object.remove("logicalType");
            }
        }
        final List<JsonNode> children = new ArrayList<>();
        node.elements().forEachRemaining(children::add);
        children.forEach(TopicSchemaFiles::withoutTimestampLogicalTypes);
    }
}
