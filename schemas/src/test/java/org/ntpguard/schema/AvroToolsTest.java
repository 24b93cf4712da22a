package org.ntpguard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic schema files with Avro's own command-line tool, avro-tools from Maven Central (the project's Avro
 * version), run as a user runs it: each file loads alone and decodes the records ntpguard writes; and the decode
 * step of the README's kcat recipe, {@code schemas/topics/SingleObjectToJson.java} run on avro-tools' jar.
 */
class AvroToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(final byte[] input, final String... command) throws IOException, InterruptedException {
        final List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(Arrays.asList(command));
        final Process process = new ProcessBuilder(line).start();
        final var stderr = new java.util.concurrent.CompletableFuture<byte[]>();
        final Thread errReader = new Thread(() -> {
            try {
                stderr.complete(process.getErrorStream().readAllBytes());
            } catch (final IOException e) {
                stderr.completeExceptionally(e);
            }
        });
        errReader.start();
        try (var in = process.getOutputStream()) {
            in.write(input);
        }
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ends", line).isTrue();
        return new Run(process.exitValue(), out, new String(stderr.join(), StandardCharsets.UTF_8));
    }

    private static String avroTools() {
        final String jar = System.getProperty("avro.tools.jar");
        assertThat(jar).as("avro.tools.jar (set by schemas/pom.xml)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return jar;
    }

    private static Path checkedIn(final TopicRecords<?> topic) {
        return TopicRecords.checkedIn().resolve(topic.fileName());
    }

    /** The record as ntpguard reads it, in Avro's JSON encoding: what any Avro tool should print too. */
    private static JsonNode expectedJson(final TopicRecords<?> topic) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final var schema = TopicRecords.parse(TopicRecords.SHIPPED + topic.fileName());
        final var encoder = org.apache.avro.io.EncoderFactory.get().jsonEncoder(schema, out);
        new org.apache.avro.generic.GenericDatumWriter<Object>(schema).write(topic.record(), encoder);
        encoder.flush();
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void shouldLoadEachTopicSchemaAloneAndDecodeARecordNtpguardWroteWithAvroTools() throws Exception {
        JsonNode decodedAlert = null;
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            final byte[] written = topic.written();
            final Path datum = dir.resolve(topic.topic() + ".bin");
            Files.write(datum, Arrays.copyOfRange(written, SingleObjectSerde.HEADER_LENGTH, written.length));

            final Run run = run(new byte[0], "-jar", avroTools(), "fragtojson", "--no-pretty", "--schema-file",
                    checkedIn(topic).toString(), datum.toString());

            assertThat(run.status()).as(topic.topic() + ": " + run.err()).isZero();
            final JsonNode decoded = JSON.readTree(run.out());
            assertThat(decoded).as(topic.topic()).isEqualTo(expectedJson(topic));
            decodedAlert = topic.topic().equals("ntp.alerts") ? decoded : decodedAlert;
        }
        // And the values themselves, not only Avro agreeing with itself:
        assertThat(decodedAlert.get("windowStart").asLong()).isEqualTo(1_740_834_000_000L);
        assertThat(decodedAlert.get("type").asText()).isEqualTo("AMPLIFICATION_VICTIM");
        assertThat(decodedAlert.get("summary").asText()).startsWith("203.0.113.66 received");
    }

    @Test
    void shouldPrintWithAvroToolsTheFingerprintThatTheRecordHeadersCarry() throws Exception {
        final List<String> command = new ArrayList<>(List.of("-jar", avroTools(), "fingerprint"));
        TopicRecords.all().forEach(topic -> command.add(checkedIn(topic).toString()));

        final Run run = run(new byte[0], command.toArray(String[]::new));

        assertThat(run.status()).as(run.err()).isZero();
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            final String header = HexFormat.of().formatHex(topic.written(), 2, SingleObjectSerde.HEADER_LENGTH);
            assertThat(run.out()).contains(header + " " + checkedIn(topic));
        }
    }

    @Test
    void shouldTurnAKcatStreamIntoJsonLinesNamingWhatItSkips() throws Exception {
        final TopicRecords<?> blocklist = TopicRecords.all().get(4);
        final byte[] entry = blocklist.written();
        final byte[] otherSchema = entry.clone();
        otherSchema[2] ^= 0x55;
        final ByteArrayOutputStream kcat = new ByteArrayOutputStream();
        final DataOutputStream framed = new DataOutputStream(kcat);
        // As kcat -f '%R%s' writes them: each value's length (big-endian int, -1 for null), then the value.
        framed.writeInt(entry.length);
        framed.write(entry);
        framed.writeInt(-1); // a tombstone: the entry was removed
        framed.writeInt(otherSchema.length);
        framed.write(otherSchema);
        framed.writeInt(3);
        framed.write(new byte[] {'{', '}', '\n'});

        final Run run = run(kcat.toByteArray(), "-cp", avroTools(),
                TopicRecords.checkedIn().resolve("SingleObjectToJson.java").toString(),
                checkedIn(blocklist).toString());

        final List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0))).isEqualTo(expectedJson(blocklist));
        assertThat(lines.get(1)).isEqualTo("null");
        assertThat(run.err()).contains("record 3: written with schema fingerprint "
                + HexFormat.of().formatHex(otherSchema, 2, SingleObjectSerde.HEADER_LENGTH));
        assertThat(run.err()).contains("record 4: not Avro single-object encoding: 7b7d (expected: c301)");
        assertThat(run.status()).isEqualTo(1);
    }
}
