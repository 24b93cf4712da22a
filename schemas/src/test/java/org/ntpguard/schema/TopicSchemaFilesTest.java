package org.ntpguard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * The per-topic schema files: shipped in the jar, checked in as {@code schemas/topics/}, each loadable alone and
 * describing exactly the records ntpguard writes to its topic.
 */
class TopicSchemaFilesTest {

    @Test
    void shouldCheckInExactlyTheSchemaFilesTheBuildGenerates() throws IOException {
        final List<String> checkedIn;
        try (Stream<Path> files = Files.list(TopicRecords.checkedIn())) {
            checkedIn = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".avsc"))
                    .sorted().toList();
        }

        assertThat(checkedIn).containsExactlyInAnyOrderElementsOf(
                TopicRecords.all().stream().map(TopicRecords::fileName).toList());
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            final String generated;
            try (InputStream in = TopicRecords.class.getResourceAsStream(TopicRecords.SHIPPED + topic.fileName())) {
                generated = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(Files.readString(TopicRecords.checkedIn().resolve(topic.fileName())))
                    .as("schemas/topics/%s is what the build generates (copy it from "
                            + "schemas/target/classes/org/ntpguard/schema/topics/)", topic.fileName())
                    .isEqualTo(generated);
        }
    }

    @Test
    void shouldLoadEachFileAloneAsTheSchemaWhoseFingerprintTheTopicsRecordsCarry() throws IOException {
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            // A parser of its own: no other file loaded before it.
            final Schema schema = new Schema.Parser().parse(TopicRecords.checkedIn().resolve(topic.fileName())
                    .toFile());
            final byte[] written = topic.written();

            assertThat(fingerprintInHeader(written)).as(topic.topic())
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
        }
    }

    @Test
    void shouldGiveEveryEpochTimeATimestampLogicalTypeWhileTheGeneratedClassesKeepLongs() {
        final List<String> annotated = new ArrayList<>();
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            final Schema file = TopicRecords.parse(TopicRecords.SHIPPED + topic.fileName());
            final Schema classSchema = topic.record().getSchema();
            for (final Schema.Field field : file.getFields()) {
                final String format = field.getProp("textFormat");
                final LogicalType logicalType = field.schema().getLogicalType();
                if ("epochMillis".equals(format)) {
                    assertThat(logicalType).as(topic.topic() + " " + field.name()).isNotNull();
                    assertThat(logicalType.getName()).isEqualTo("timestamp-millis");
                } else if ("epochNanos".equals(format)) {
                    assertThat(logicalType).as(topic.topic() + " " + field.name()).isNotNull();
                    assertThat(logicalType.getName()).isEqualTo("timestamp-nanos");
                }
                if (logicalType != null) {
                    annotated.add(topic.topic() + " " + field.name() + " " + logicalType.getName());
                    assertThat(classSchema.getField(field.name()).schema().getLogicalType()).isNull();
                    assertThat(classSchema.getField(field.name()).schema().getType()).isEqualTo(Schema.Type.LONG);
                }
            }
        }

        assertThat(annotated).contains("ntp.packets ts timestamp-nanos", "ntp.heartbeats ts timestamp-nanos",
                "ntp.alerts windowStart timestamp-millis", "ntp.blocklist expiresAt timestamp-millis",
                "ntp.flows intervalStart timestamp-millis");
        final Schema flow = TopicRecords.parse(TopicRecords.SHIPPED + "ntp.flows.avsc").getField("flows").schema()
                .getElementType();
        assertThat(flow.getField("firstSeen").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
        // A sentinel of Long.MAX_VALUE milliseconds ("no RATE KoD") would overflow most date types: left a long.
        assertThat(flow.getField("firstRateKod").schema().getLogicalType()).isNull();
        // Avro 1.12.0's Java reader fails on arrays of long with a logical type (AVRO-4039, fixed in 1.12.1): left
        // a long, so that a Java consumer on the project's Avro version can read the flows with conversions on.
        assertThat(flow.getField("pendingRequestTimes").schema().getElementType().getLogicalType()).isNull();
    }

    static long fingerprintInHeader(final byte[] written) {
        long fingerprint = 0;
        for (int i = SingleObjectSerde.HEADER_LENGTH - 1; i >= 2; i--) {
            fingerprint = fingerprint << 8 | (written[i] & 0xFF);
        }
        return fingerprint;
    }
}
