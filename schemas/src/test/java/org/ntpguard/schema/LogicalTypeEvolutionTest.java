package org.ntpguard.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/**
 * Timestamps got Avro logical types ({@code timestamp-millis}, {@code timestamp-nanos}) as a compatible evolution:
 * records written before read with the new schemas, and records written now read with the schemas before. The
 * schemas before are those of the release before, self-contained ({@code before-logical-types/}).
 */
class LogicalTypeEvolutionTest {

    /** A reader or writer that knows the logical types: timestamps as {@link Instant}. */
    private static GenericData withTimeConversions() {
        final GenericData data = new GenericData();
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
        return data;
    }

    private static Schema before(final TopicRecords<?> topic) {
        return TopicRecords.parse(TopicRecords.BEFORE_LOGICAL_TYPES + topic.fileName());
    }

    private static Schema now(final TopicRecords<?> topic) {
        return TopicRecords.parse(TopicRecords.SHIPPED + topic.fileName());
    }

    @Test
    void shouldBeCompatibleBothWaysWithTheSchemasBeforeAndKeepTheFingerprint() {
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now(topic), before(topic)).getType())
                    .as(topic.topic() + ": new reader, old writer")
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before(topic), now(topic)).getType())
                    .as(topic.topic() + ": old reader, new writer")
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            // Logical types are not part of the parsing canonical form: the 10-byte header stays the same, so a
            // reader of the release before finds the writer schema it knows.
            assertThat(SchemaNormalization.parsingFingerprint64(now(topic)))
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(before(topic)));
        }
    }

    @Test
    void shouldReadRecordsWrittenBeforeTheLogicalTypesWithTheNewSchemas() throws Exception {
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            final byte[] old = new BinaryMessageEncoder<Object>(GenericData.get(), before(topic))
                    .encode(topic.record()).array();

            final Object read = topic.serde().deserializer().deserialize(topic.topic(), old);
            final GenericRecord instants = new BinaryMessageDecoder<GenericRecord>(withTimeConversions(), now(topic))
                    .decode(old);

            assertThat(read).as(topic.topic()).isEqualTo(topic.record());
            assertThat(instants).as(topic.topic()).isNotNull();
        }
        final NtpAlert alert = TopicRecords.alert();
        final GenericRecord alertInstants = new BinaryMessageDecoder<GenericRecord>(withTimeConversions(),
                now(alerts())).decode(new BinaryMessageEncoder<Object>(GenericData.get(), before(alerts()))
                .encode(alert).array());
        assertThat(alertInstants.get("windowStart")).isEqualTo(Instant.ofEpochMilli(alert.getWindowStart()));
        assertThat(alertInstants.get("lastSeen")).isEqualTo(Instant.ofEpochMilli(alert.getLastSeen()));
        final NtpPacket packet = NtpPackets.monlistResponse();
        final GenericRecord packetInstants = new BinaryMessageDecoder<GenericRecord>(withTimeConversions(),
                now(packets())).decode(new BinaryMessageEncoder<Object>(GenericData.get(), before(packets()))
                .encode(packet).array());
        assertThat(packetInstants.get("ts")).isEqualTo(Instant.ofEpochSecond(0, packet.getTs()));
    }

    @Test
    void shouldLetReadersOfTheSchemasBeforeReadRecordsWrittenNowAlsoByAWriterOfInstants() throws Exception {
        for (final TopicRecords<?> topic : TopicRecords.all()) {
            final byte[] written = topic.written();
            // Another program's writer that takes the topic's schema file at its word: Instants in, the same bytes out.
            final GenericData instants = withTimeConversions();
            final GenericRecord asInstants = new BinaryMessageDecoder<GenericRecord>(instants, now(topic))
                    .decode(written);
            final byte[] writtenFromInstants = new BinaryMessageEncoder<GenericRecord>(instants, now(topic))
                    .encode(asInstants).array();

            final GenericRecord oldReader = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), before(topic))
                    .decode(writtenFromInstants);

            assertThat(writtenFromInstants).as(topic.topic()).isEqualTo(written);
            assertThat(GenericData.get().deepCopy(before(topic), oldReader).toString())
                    .isEqualTo(GenericData.get().deepCopy(before(topic), (Object) topic.record()).toString());
        }
    }

    private static TopicRecords<? extends SpecificRecordBase> alerts() {
        return TopicRecords.all().stream().filter(topic -> topic.topic().equals("ntp.alerts")).findFirst()
                .orElseThrow();
    }

    private static TopicRecords<? extends SpecificRecordBase> packets() {
        return TopicRecords.all().stream().filter(topic -> topic.topic().equals("ntp.packets")).findFirst()
                .orElseThrow();
    }
}
