package org.ntpguard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SingleObjectSerdeTest {

    @Test
    void shouldRoundTripAPacketWithNestedRecords() {
        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket();
        final NtpPacket packet = NtpPackets.monlistResponse();

        final byte[] bytes = serde.serializer().serialize("ntp.packets", packet);
        final NtpPacket back = serde.deserializer().deserialize("ntp.packets", bytes);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3); // single-object marker
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(back).isEqualTo(packet);
        assertThat(back.getPrivateHeader().getMonlistEntries()).hasSize(1);
    }

    @Test
    void shouldWriteTheBytesAvrosOwnEncoderWritesAndReadThem() throws Exception {
        final NtpPacket small = NtpPackets.monlistResponse();
        final NtpPrivate header = small.getPrivateHeader();
        // Ten entries: more than the codec's first 256-byte buffer holds, so it grows once.
        final NtpPacket large = NtpPacket.newBuilder(small).setPrivateHeader(NtpPrivate.newBuilder(header)
                .setMonlistEntries(java.util.Collections.nCopies(10, header.getMonlistEntries().get(0))).build())
                .build();
        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket();

        for (final NtpPacket packet : java.util.List.of(small, large)) {
            final java.nio.ByteBuffer avro = NtpPacket.getEncoder().encode(packet);
            final byte[] expected = new byte[avro.remaining()];
            avro.get(expected);

            final byte[] ours = serde.serializer().serialize("ntp.packets", packet);

            assertThat(ours).isEqualTo(expected);
            assertThat(NtpPacket.getDecoder().decode(ours)).isEqualTo(packet);
            assertThat(serde.deserializer().deserialize("ntp.packets", expected)).isEqualTo(packet);
        }
        assertThat(serde.serializer().serialize("ntp.packets", large)).hasSizeGreaterThan(256);
    }

    @Test
    void shouldRefuseARecordOfAWriterSchemaItDoesNotKnowNamingTheFingerprint() {
        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket();
        final byte[] bytes = serde.serializer().serialize("ntp.packets", NtpPackets.monlistResponse());
        bytes[2] ^= 0x55; // another fingerprint

        assertThatThrownBy(() -> serde.deserializer().deserialize("ntp.packets", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("ntp.packets")
                .hasMessageContaining("fingerprint");
    }

    @Test
    void shouldPassNullsThroughForTombstones() {
        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket();

        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldRejectBytesThatAreNotSingleObjectEncodedWithATopicNamingMessage() {
        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket();

        assertThatThrownBy(() -> serde.deserializer().deserialize("ntp.packets", new byte[] {1, 2, 3, 4, 5}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("ntp.packets")
                .hasMessageContaining("5 bytes");
    }

    @Test
    void shouldReadRecordsWrittenWithAnOlderSchemaFoundInTheSchemaStore() {
        final Schema older = SchemaBuilder.record("NtpPacket").namespace("org.ntpguard.schema").fields()
                .requiredString("sensor").requiredLong("ts").endRecord();
        final Schema current = NtpPacket.getClassSchema();
        final GenericRecord old = new GenericData.Record(older);
        old.put("sensor", "old-sensor");
        old.put("ts", 42L);
        final byte[] bytes;
        try {
            bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        final SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(older);

        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket(store);

        // The old schema lacks required fields of the current one, so resolution must fail loudly, not guess.
        assertThat(current.getField("frame").hasDefaultValue()).isFalse();
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldReadABlocklistEntryWrittenBeforeSeverityExistedAsUnknownSeverity() throws Exception {
        final Schema firstVersion;
        try (java.io.InputStream in = SingleObjectSerde.class.getResourceAsStream("history/BlocklistEntry-1.avsc")) {
            firstVersion = new Schema.Parser().parse(in);
        }
        final GenericRecord old = new GenericData.Record(firstVersion);
        old.put("address", java.nio.ByteBuffer.wrap(new byte[] {(byte) 198, 51, 100, 7}));
        old.put("prefixLength", 32);
        old.put("reason", "SCANNER (SCANNER): 120 servers");
        old.put("alertIds", java.util.List.of("a1"));
        old.put("firstSeen", 1_000L);
        old.put("lastSeen", 2_000L);
        old.put("expiresAt", 3_602_000L);
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), firstVersion).encode(old)
                .array();

        final BlocklistEntry read = SingleObjectSerde.blocklistEntry().deserializer().deserialize("ntp.blocklist",
                bytes);

        assertThat(firstVersion.getField("severity")).isNull();
        assertThat(read.getSeverity()).isEqualTo(Severity.UNKNOWN);
        assertThat(read.getReason()).isEqualTo("SCANNER (SCANNER): 120 servers");
        assertThat(read.getExpiresAt()).isEqualTo(3_602_000L);
    }

    @Test
    void shouldReadAHeartbeatOfAnOlderSensorWithNoPacketOffsets() throws Exception {
        final Schema firstVersion;
        try (java.io.InputStream in = SingleObjectSerde.class.getResourceAsStream("history/SensorHeartbeat-1.avsc")) {
            firstVersion = new Schema.Parser().parse(in);
        }
        final GenericRecord old = new GenericData.Record(firstVersion);
        old.put("sensor", "old-sensor");
        old.put("ts", 1_700_000_000_000_000_000L);
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), firstVersion).encode(old)
                .array();

        final SensorHeartbeat read = SingleObjectSerde.sensorHeartbeat().deserializer().deserialize("ntp.heartbeats",
                bytes);

        assertThat(firstVersion.getField("packetOffsets")).isNull();
        assertThat(read.getSensor()).isEqualTo("old-sensor");
        assertThat(read.getTs()).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(read.getPacketOffsets()).isEmpty();
    }

    @Test
    void shouldDeclareTheGeneratedPackageTrusted() {
        SingleObjectSerde.ntpPacket();

        assertThat(System.getProperty(TrustedPackages.PROPERTY)).contains("org.ntpguard.schema");
    }
}
