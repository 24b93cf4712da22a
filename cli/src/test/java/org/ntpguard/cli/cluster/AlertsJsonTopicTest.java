package org.ntpguard.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.ecs.EcsAlertWriter;
import org.ntpguard.streams.topology.AlertRecords;

/**
 * {@code ntp.alerts.json} on the real broker, as the detector {@code ntpguard detect} runs publishes it for a
 * sensor's replay of a monlist reflection: every alert update on {@code ntp.alerts} is there as its ECS document,
 * keyed by the subject's address, read back with a plain StringDeserializer, with Kafka Connect's JsonConverter
 * ({@code schemas.enable=false}) and with kcat (Debian's {@code kcat}).
 */
class AlertsJsonTopicTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TopicNames topics;
    private static List<ConsumerRecord<String, NtpAlert>> avro;
    private static List<ConsumerRecord<String, String>> json;

    @BeforeAll
    static void detectAReplayedMonlistReflection() throws Exception {
        final String bootstrap = TestBroker.bootstrapServers();
        final String namespace = "ecs-" + UUID.randomUUID().toString().substring(0, 8);
        topics = TopicNames.defaults().inNamespace(namespace);
        final DetectorApp.Settings settings = new DetectorApp.Settings(bootstrap, namespace + ".ntpguard-detector",
                dir.resolve("state"), 1, topics, namespace + ".ntp.dead-letters", 1, true, new Properties());
        try (DetectorApp detector = new DetectorApp(settings, DetectionConfig.defaults())) {
            detector.start(WAIT);
            try (InterleavedSensors sensor = new InterleavedSensors(bootstrap,
                    SensorTopics.defaults().inNamespace(namespace), "mirror-1")) {
                sensor.replay(SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap")).finish();
            }
            assertThat(detector.awaitCaughtUp(WAIT)).isTrue();
        }
        avro = TopicReader.readAll(bootstrap, topics.alerts(), SingleObjectSerde.ntpAlert().deserializer(), WAIT);
        json = TopicReader.readAll(bootstrap, topics.alertsJson(), new StringDeserializer(), WAIT);
    }

    @Test
    void shouldPublishEveryAlertUpdateAsItsEcsDocumentKeyedByTheSubject() throws Exception {
        // The victim, its 50 reflectors, the monlist servers: every update of each.
        assertThat(avro).hasSizeGreaterThan(50);
        assertThat(json).hasSameSizeAs(avro);
        for (int i = 0; i < avro.size(); i++) {
            final NtpAlert alert = avro.get(i).value();
            final String subject = IpText.append(new StringBuilder(), alert.getSubject()).toString();
            final JsonNode doc = JSON.readTree(json.get(i).value());

            assertThat(json.get(i).key()).isEqualTo(subject);
            assertThat(doc).isEqualTo(JSON.readTree(EcsAlertWriter.json(AlertRecords.toAlert(alert))));
            assertThat(Instant.parse(doc.get("@timestamp").asText()).toEpochMilli()).isEqualTo(alert.getLastSeen());
            assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
            assertThat(doc.at("/event/severity").isIntegralNumber()).isTrue();
            assertThat(doc.at("/rule/id").asText()).isEqualTo(alert.getType().name());
            assertThat(doc.at("/ntpguard/alert/id").asText()).isEqualTo(alert.getId());
            assertThat(doc.at("/ntpguard/alert/update").asInt()).isEqualTo(alert.getUpdates());
            assertThat(doc.at("/observer/name").asText()).isEqualTo("mirror-1");
            assertThat(json.get(i).timestamp()).isEqualTo(avro.get(i).timestamp());
        }
        final JsonNode victim = json.stream().filter(record -> record.key().equals("203.0.113.66"))
                .map(record -> read(record.value()))
                .filter(doc -> doc.at("/rule/id").asText().equals("AMPLIFICATION_VICTIM")).findFirst().orElseThrow();
        assertThat(victim.at("/destination/ip").asText()).isEqualTo("203.0.113.66");
        assertThat(victim.at("/threat/technique/subtechnique/id/0").asText()).isEqualTo("T1498.002");
        assertThat(json).filteredOn(record -> read(record.value()).at("/rule/id").asText().equals("REFLECTOR"))
                .isNotEmpty().allSatisfy(record -> {
                    final JsonNode reflector = read(record.value());
                    assertThat(reflector.at("/source/ip").asText()).isEqualTo(record.key());
                    assertThat(reflector.at("/source/port").asInt()).isEqualTo(123);
                    assertThat(reflector.at("/destination/ip").asText()).isEqualTo("203.0.113.66");
                });
    }

    @Test
    void shouldBeReadAsItIsByKafkaConnectsJsonConverterWithoutSchemas() {
        final JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);

        for (final ConsumerRecord<String, String> record : json) {
            final SchemaAndValue value = converter.toConnectData(topics.alertsJson(),
                    record.value().getBytes(StandardCharsets.UTF_8));

            assertThat(value.schema()).isNull();
            assertThat(value.value()).isInstanceOfSatisfying(Map.class, doc -> {
                assertThat(doc.get("@timestamp")).isEqualTo(read(record.value()).get("@timestamp").asText());
                assertThat(doc.get("event")).isInstanceOfSatisfying(Map.class,
                        event -> assertThat(event.get("kind")).isEqualTo("alert"));
            });
        }
    }

    @Test
    void shouldBeReadAsItIsByKcat() throws Exception {
        requireKcat();
        final Process kcat = new ProcessBuilder("kcat", "-b", TestBroker.bootstrapServers(), "-C", "-t",
                topics.alertsJson(), "-X", "isolation.level=read_committed", "-o", "beginning", "-e", "-q",
                "-f", "%k\\t%s\\n").redirectErrorStream(true).start();
        final String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(kcat.exitValue()).as(output).isZero();
        final List<String> keys = new ArrayList<>();
        for (final String line : output.lines().toList()) {
            final String[] keyAndValue = line.split("\t", 2);
            keys.add(keyAndValue[0]);
            assertThat(read(keyAndValue[1]).at("/network/transport").asText()).isEqualTo("udp");
        }
        assertThat(keys).isEqualTo(json.stream().map(ConsumerRecord::key).toList());
    }

    /** Without kcat the test is skipped, except under CI, where it must run (as ReportPageBrowserTest does). */
    private static void requireKcat() {
        for (final String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && java.nio.file.Files.isExecutable(Path.of(folder, "kcat"))) {
                return;
            }
        }
        final String missing = "kcat is not on the PATH: apt-get install kcat (.ci/run installs it)";
        if (System.getenv("CI") != null) {
            org.junit.jupiter.api.Assertions.fail(missing);
        }
        org.junit.jupiter.api.Assumptions.abort(missing);
    }

    private static JsonNode read(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
