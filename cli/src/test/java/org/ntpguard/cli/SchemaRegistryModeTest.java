package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.registry.RegistrySerde;
import org.ntpguard.streams.config.TopicNames;

/**
 * The detector with {@code schema.registry.url} in its Kafka settings ({@code detect --config}), against a real
 * Apicurio Registry and the test broker: alerts and blocklist entries go out in the Confluent wire format, their
 * schemas (the topic files) registered under {@code <topic>-value}, and a reader that knows only the registry
 * decodes them.
 */
class SchemaRegistryModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldWriteAlertsAndBlocklistInTheConfluentWireFormatWithTheTopicSchemasRegistered() throws Exception {
        try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("registry.log"))) {
            final Properties kafka = new Properties();
            kafka.setProperty(RegistrySerde.URL_CONFIG, registry.url());

            final TopicNames topics = DetectedCase.run("registry", dir.resolve("state"), kafka);

            for (final String topic : List.of(topics.alerts(), topics.blocklist())) {
                final List<ConsumerRecord<String, byte[]>> raw = TopicReader.readAll(TestBroker.bootstrapServers(),
                        topic, new ByteArrayDeserializer(), Duration.ofSeconds(30));
                final Schema file = new Schema.Parser().parse(Path.of(System.getProperty("ntpguard.root", ".."),
                        "schemas/topics/" + topic.substring(topic.indexOf("ntp.")) + ".avsc").toFile());
                final Set<Integer> ids = new HashSet<>();
                int decoded = 0;
                for (final ConsumerRecord<String, byte[]> record : raw) {
                    if (record.value() == null) {
                        continue;
                    }
                    assertThat(record.value()[0]).as(topic + ": Confluent magic byte").isZero();
                    final int id = ByteBuffer.wrap(record.value(), 1, 4).getInt();
                    ids.add(id);
                    // A reader that knows nothing of ntpguard: the schema from the registry, Avro's generic reader.
                    final Schema fromRegistry = new Schema.Parser().parse(JSON.readTree(
                            get(registry.url() + "/schemas/ids/" + id)).get("schema").asText());
                    final GenericRecord read = new GenericDatumReader<GenericRecord>(fromRegistry).read(null,
                            DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));
                    assertThat(fromRegistry).isEqualTo(file);
                    assertThat(read.getSchema().getName()).isEqualTo(file.getName());
                    decoded++;
                }
                assertThat(decoded).as(topic).isPositive();
                assertThat(ids).as(topic + ": one schema id").hasSize(1);
                assertThat(get(registry.url() + "/subjects")).contains("\"" + topic + "-value\"");
            }
            // ntpguard's own readers (detect's blocklist view, the report) read the format back.
            final List<ConsumerRecord<String, NtpAlert>> alerts = TopicReader.readAll(TestBroker.bootstrapServers(),
                    topics.alerts(), RegistrySerde.ntpAlert(kafka).deserializer(), Duration.ofSeconds(30));
            assertThat(alerts).isNotEmpty().allSatisfy(alert -> assertThat(alert.value().getId()).isNotBlank());
        }
    }

    private static String get(final String url) throws Exception {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
