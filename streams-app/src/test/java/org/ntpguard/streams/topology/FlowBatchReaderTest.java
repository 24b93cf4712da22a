package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.detect.FlowBatch;
import org.ntpguard.streams.detect.FlowPorts;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.serde.FlowBatchReader;

/** The detector's reader of ntp.flows: what Avro decodes, read straight from the bytes; damage refused with a reason. */
class FlowBatchReaderTest {

    private final FlowBatchReader reader = new FlowBatchReader();

    private static List<NtpFlowBatch> batches() throws Exception {
        final List<NtpFlowBatch> batches = new ArrayList<>();
        for (final String file : List.of("b_monlist_amplification.pcap", "c_kod_storm.pcap",
                "f_encapsulations.pcap", "d_mode6_scan.pcap")) {
            batches.addAll(ScenarioTest.flows(file));
        }
        return batches;
    }

    @Test
    void shouldReadEveryFlowAsAvroDecodesIt() throws Exception {
        final List<PairFlow> direct = new ArrayList<>();
        final List<PairFlow> viaAvro = new ArrayList<>();
        for (final NtpFlowBatch batch : batches()) {
            final byte[] bytes = SingleObjectSerde.ntpFlowBatch().serializer().serialize("ntp.flows", batch);
            assertThat(FlowBatchReader.isCurrentSchema(bytes)).as("read directly").isTrue();
            final FlowBatch read = reader.deserialize("ntp.flows", bytes);
            assertThat(read.sensor()).isEqualTo(batch.getSensor());
            direct.addAll(read.flows());
            viaAvro.addAll(FlowBatchReader.from(SingleObjectSerde.ntpFlowBatch().deserializer()
                    .deserialize("ntp.flows", bytes)).flows());
        }

        assertThat(direct).usingRecursiveFieldByFieldElementComparator().isEqualTo(viaAvro);
        assertThat(direct).anySatisfy(f -> assertThat(f.kissCodes()).isNotEmpty());
        assertThat(direct).anySatisfy(f -> assertThat(f.pendingRequestTimes()).isNotEmpty());
        assertThat(direct).anySatisfy(f -> assertThat(f.client().ipv6()).isTrue());
        assertThat(direct).anySatisfy(f -> assertThat(f.monlistResponses()).isPositive());
        assertThat(direct).anySatisfy(f -> assertThat(f.controlOpcodes()).isNotZero());
    }

    @Test
    void shouldReadAVersion1BatchWithPortsUnknownAndTheCurrentOneWithTheSensorsPorts() throws Exception {
        final NtpFlowBatch batch = ScenarioTest.flows("c_kod_storm.pcap").get(5);
        final Schema version1;
        try (java.io.InputStream in = SingleObjectSerde.class.getResourceAsStream("history/NtpFlowBatch-1.avsc")) {
            version1 = new Schema.Parser().parse(in);
        }
        // The batch as a version 1 sensor wrote it: the current record resolved to the old schema.
        final ByteArrayOutputStream current = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(current, null);
        new SpecificDatumWriter<>(NtpFlowBatch.class).write(batch, encoder);
        encoder.flush();
        final GenericRecord old = new GenericDatumReader<GenericRecord>(NtpFlowBatch.getClassSchema(), version1)
                .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), version1).encode(old).array();

        final FlowBatch fromVersion1 = reader.deserialize("ntp.flows", bytes);
        final FlowBatch fromCurrent = reader.deserialize("ntp.flows",
                SingleObjectSerde.ntpFlowBatch().serializer().serialize("ntp.flows", batch));

        assertThat(FlowBatchReader.isCurrentSchema(bytes)).isFalse();
        assertThat(fromVersion1.flows()).isNotEmpty().allSatisfy(f -> assertThat(f.ports()).isEqualTo(FlowPorts.UNKNOWN));
        assertThat(fromCurrent.flows()).allSatisfy(f -> assertThat(f.ports().known()).isTrue());
        assertThat(fromVersion1.flows()).usingRecursiveFieldByFieldElementComparator().isEqualTo(
                fromCurrent.flows().stream().map(f -> f.withPorts(FlowPorts.UNKNOWN)).toList());
    }

    @Test
    void shouldReadArraysWrittenInSizedBlocks() throws Exception {
        // Avro writers may split arrays into blocks with negative counts and byte sizes (BlockingBinaryEncoder).
        final NtpFlowBatch batch = ScenarioTest.flows("c_kod_storm.pcap").get(0);
        final byte[] plain = SingleObjectSerde.ntpFlowBatch().serializer().serialize("ntp.flows", batch);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 10); // the single-object header
        final BinaryEncoder encoder = EncoderFactory.get().blockingBinaryEncoder(out, null);
        new SpecificDatumWriter<>(NtpFlowBatch.class).write(batch, encoder);
        encoder.flush();
        final byte[] blocked = out.toByteArray();
        assertThat(blocked).isNotEqualTo(plain);

        assertThat(reader.deserialize("ntp.flows", blocked).flows()).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(reader.deserialize("ntp.flows", plain).flows());
    }

    @Test
    void shouldRefuseDamagedBatchesNamingWhatAndWhere() throws Exception {
        final byte[] bytes = SingleObjectSerde.ntpFlowBatch().serializer().serialize("ntp.flows",
                ScenarioTest.flows("c_kod_storm.pcap").get(0));

        assertThatThrownBy(() -> reader.deserialize("ntp.flows", Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot decode NtpFlowBatch from topic ntp.flows")
                .hasMessageContaining("truncated");
        final byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
        assertThatThrownBy(() -> reader.deserialize("ntp.flows", longer))
                .isInstanceOf(SerializationException.class).hasMessageContaining("2 trailing bytes");
        final byte[] badAddress = bytes.clone();
        // The first flow's client address length (after the header, sensor, interval start and length, and
        // the block count): 4 bytes (zigzag 8) made 5 (zigzag 10).
        final int at = indexOfAddressLength(bytes);
        badAddress[at] = 10;
        assertThatThrownBy(() -> reader.deserialize("ntp.flows", badAddress))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("client length: 5 (expected: 4 or 16)");
        final byte[] otherSchema = bytes.clone();
        otherSchema[5] ^= 0x5A; // another fingerprint: Avro's path, which knows no such schema
        assertThat(FlowBatchReader.isCurrentSchema(otherSchema)).isFalse();
        assertThatThrownBy(() -> reader.deserialize("ntp.flows", otherSchema))
                .isInstanceOf(SerializationException.class).hasMessageContaining("NtpFlowBatch");
    }

    /** Where the first flow's client address length is: past the header and the batch's leading fields. */
    private static int indexOfAddressLength(final byte[] bytes) {
        int at = 10;
        at = skipVarint(bytes, at, true); // sensor: length, then the text
        at = skipVarint(bytes, at, false); // intervalStart
        at = skipVarint(bytes, at, false); // intervalMillis
        at = skipVarint(bytes, at, false); // flows block count
        assertThat(bytes[at]).as("a 4-byte client address").isEqualTo((byte) 8);
        return at;
    }

    private static int skipVarint(final byte[] bytes, final int from, final boolean thenThatManyBytes) {
        long value = 0;
        int at = from;
        int shift = 0;
        int b;
        do {
            b = bytes[at++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        final long decoded = (value >>> 1) ^ -(value & 1);
        return thenThatManyBytes ? at + (int) decoded : at;
    }
}
