package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.config.TopicNames;

/**
 * The README's recipe for reading a topic with standard tools ("Reading the topics"), run as written: Debian's kcat
 * against the test broker, piped into {@code schemas/topics/SingleObjectToJson.java} on avro-tools' jar, on the
 * records a real {@code ntpguard sensor} and detector wrote. Each topic's JSON lines are the records ntpguard's own
 * deserializers read, in Avro's JSON encoding.
 */
class KcatRecipeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldReadEveryTopicAsJsonLinesWithKcatAndTheDocumentedDecodeStep() throws Exception {
        final String bootstrap = TestBroker.bootstrapServers();
        final TopicNames topics = DetectedCase.run("kcat", dir.resolve("state"), new Properties());

        final Map<String, Deserializer<?>> deserializers = Map.of(
                topics.flows(), SingleObjectSerde.ntpFlowBatch().deserializer(),
                topics.packets(), SingleObjectSerde.ntpPacket().deserializer(),
                topics.heartbeats(), SingleObjectSerde.sensorHeartbeat().deserializer(),
                topics.alerts(), SingleObjectSerde.ntpAlert().deserializer(),
                topics.blocklist(), SingleObjectSerde.blocklistEntry().deserializer());
        for (final Map.Entry<String, Deserializer<?>> topic : deserializers.entrySet()) {
            // The namespace's prefix off: ntp.alerts for kcat-1a2b3c4d.ntp.alerts.
            final String defaultName = topic.getKey().substring(topic.getKey().indexOf("ntp."));
            final Path schemaFile = root().resolve("schemas/topics/" + defaultName + ".avsc");
            final List<? extends ConsumerRecord<String, ?>> records = TopicReader.readAll(bootstrap, topic.getKey(),
                    topic.getValue(), Duration.ofSeconds(30));

            final List<String> lines = recipe(bootstrap, topic.getKey(), schemaFile);

            assertThat(records).as(topic.getKey()).isNotEmpty();
            assertThat(lines.stream().map(KcatRecipeTest::tree).toList()).as(topic.getKey())
                    .containsExactlyInAnyOrderElementsOf(expected(records, schemaFile));
        }
    }

    /** The README's two lines, with the test broker's address and the topic's name. */
    private static List<String> recipe(final String bootstrap, final String topic, final Path schemaFile)
            throws IOException, InterruptedException {
        final String line = "kcat -C -b " + bootstrap + " -t " + topic + " -o beginning -e -q -f '%R%s'"
                + " | java -cp " + System.getProperty("avro.tools.jar")
                + " schemas/topics/SingleObjectToJson.java " + root().relativize(schemaFile);
        final Process process = new ProcessBuilder("bash", "-o", "pipefail", "-c", line).directory(root().toFile())
                .start();
        final CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(line).isTrue();
        assertThat(process.exitValue()).as(line + "\n" + new String(stderr.join(), StandardCharsets.UTF_8)).isZero();
        return out.lines().toList();
    }

    private static List<JsonNode> expected(final List<? extends ConsumerRecord<String, ?>> records,
                                           final Path schemaFile) throws IOException {
        final Schema schema = new Schema.Parser().parse(schemaFile.toFile());
        final GenericDatumWriter<Object> writer = new GenericDatumWriter<>(schema);
        final List<JsonNode> expected = new ArrayList<>();
        for (final ConsumerRecord<String, ?> record : records) {
            if (record.value() == null) {
                expected.add(tree("null"));
                continue;
            }
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
            writer.write(record.value(), encoder);
            encoder.flush();
            expected.add(tree(out.toString(StandardCharsets.UTF_8)));
        }
        return expected;
    }

    private static JsonNode tree(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static Path root() {
        return Path.of(System.getProperty("ntpguard.root", ".."));
    }
}
