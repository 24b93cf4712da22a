package org.ntpguard.schema;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro's single-object encoding, byte for byte as Avro's {@code BinaryMessageEncoder} writes it (marker {@code C3 01},
 * the writer schema's CRC-64-AVRO fingerprint little-endian, the binary record), written to and read from byte arrays
 * directly. Avro's own encoder and decoder pass every byte through a {@code ByteArrayOutputStream} or
 * {@code ByteArrayInputStream} call that takes the stream's lock: measured, 2.5–4 µs to encode and 4.7 µs to decode a
 * 139-byte {@link NtpPacket}, once per packet on each side of the packets topic.
 *
 * <p>Records are written and read with the generated classes' own coders (Avro leaves them off unless asked). Records
 * of an older writer schema are resolved through the {@link SchemaStore} given, as Avro's decoder does. Thread-safe:
 * Kafka Streams shares one deserializer among its stream threads.
 */
final class SingleObjectCodec<T extends SpecificRecordBase> {

    private static final byte MARKER_FIRST = (byte) 0xC3;
    private static final byte MARKER_VERSION = 0x01;
    static final int HEADER_LENGTH = 10;
    /** Most records are one NTP packet's event: a first buffer that fits them without growing. */
    private static final int INITIAL_BUFFER = 256;

    private final Schema schema;
    private final long fingerprint;
    private final SpecificData model;
    private final SpecificDatumWriter<T> writer;
    private final DatumReader<T> reader;
    private final SchemaStore olderSchemas;
    private final Map<Long, DatumReader<T>> olderReaders = new ConcurrentHashMap<>();

    SingleObjectCodec(final Schema schema, final SchemaStore olderSchemas) {
        this.schema = schema;
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.model = new SpecificData();
        model.setCustomCoders(true);
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.reader = new SpecificDatumReader<>(schema, schema, model);
        this.olderSchemas = olderSchemas;
    }

    byte[] encode(final T record) throws IOException {
        final ArrayOutput out = new ArrayOutput(INITIAL_BUFFER);
        out.write(MARKER_FIRST);
        out.write(MARKER_VERSION);
        for (int i = 0; i < Long.BYTES; i++) {
            out.write((int) (fingerprint >>> (8 * i)));
        }
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Whether the bytes start with the marker and this codec's own schema's fingerprint (not an older one). */
    boolean writtenWithCurrentSchema(final byte[] bytes) {
        return bytes.length >= HEADER_LENGTH && bytes[0] == MARKER_FIRST && bytes[1] == MARKER_VERSION
                && writtenFingerprint(bytes) == fingerprint;
    }

    private static long writtenFingerprint(final byte[] bytes) {
        long written = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            written = written << 8 | (bytes[2 + i] & 0xFF);
        }
        return written;
    }

    /**
     * @throws BadHeaderException     when the bytes do not start with the single-object marker
     * @throws MissingSchemaException when their writer schema is neither the current one nor in the schema store
     */
    T decode(final byte[] bytes) throws IOException {
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_FIRST || bytes[1] != MARKER_VERSION) {
            throw new BadHeaderException("Unrecognized header bytes: "
                    + HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase()
                    .formatHex(bytes, 0, Math.min(2, bytes.length)));
        }
        final long written = writtenFingerprint(bytes);
        final DatumReader<T> datumReader = written == fingerprint ? reader : olderReader(written);
        return datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH,
                bytes.length - HEADER_LENGTH, null));
    }

    private DatumReader<T> olderReader(final long writtenFingerprint) {
        final DatumReader<T> known = olderReaders.get(writtenFingerprint);
        if (known != null) {
            return known;
        }
        final Schema written = olderSchemas.findByFingerprint(writtenFingerprint);
        if (written == null) {
            throw new MissingSchemaException("Cannot resolve schema for fingerprint: " + writtenFingerprint);
        }
        return olderReaders.computeIfAbsent(writtenFingerprint,
                key -> new SpecificDatumReader<>(written, schema, model));
    }

    /** A growable byte array without {@code ByteArrayOutputStream}'s lock on every byte. */
    private static final class ArrayOutput extends OutputStream {
        private byte[] buffer;
        private int size;

        ArrayOutput(final int capacity) {
            buffer = new byte[capacity];
        }

        @Override
        public void write(final int b) {
            if (size == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length) {
            if (size + length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + length));
            }
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }
}
