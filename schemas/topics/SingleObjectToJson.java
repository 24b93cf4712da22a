import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

/**
 * Turns ntpguard's Avro records, as {@code kcat -f '%R%s'} writes them, into one line of Avro JSON each.
 *
 * <pre>
 * kcat -C -b BROKER -t ntp.alerts -o beginning -e -f '%R%s' \
 *   | java -cp avro-tools-1.12.0.jar SingleObjectToJson.java ntp.alerts.avsc [OLDER.avsc...]
 * </pre>
 *
 * <p>Each value is in Avro's single-object encoding: {@code C3 01}, the writer schema's CRC-64-AVRO fingerprint
 * (8 bytes, little-endian), then the record in Avro's binary encoding. The first schema file is the one to read
 * with; further files are older versions of it, for records written before it (a compacted topic keeps them). A
 * tombstone (a deleted blocklist entry) is written as {@code null}. A record of another schema is named on stderr,
 * one line, and skipped; the exit status is then 1.
 */
public final class SingleObjectToJson {

    private static final int HEADER_LENGTH = 10;

    private SingleObjectToJson() {
    }

    public static void main(final String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: kcat ... -f '%R%s' | java -cp avro-tools-1.12.0.jar SingleObjectToJson.java "
                    + "TOPIC.avsc [OLDER.avsc...]");
            System.exit(2);
        }
        final Schema reader = new Schema.Parser().parse(new File(args[0]));
        final Map<Long, Schema> writers = new HashMap<>();
        for (final String file : args) {
            final Schema schema = new Schema.Parser().parse(new File(file));
            writers.putIfAbsent(SchemaNormalization.parsingFingerprint64(schema), schema);
        }
        final DataInputStream in = new DataInputStream(System.in);
        final OutputStream out = new BufferedOutputStream(System.out);
        final GenericDatumWriter<Object> json = new GenericDatumWriter<>(reader);
        int skipped = 0;
        for (long record = 1; ; record++) {
            final int length;
            try {
                length = in.readInt(); // kcat's %R: the value's length, big-endian, -1 for a null value
            } catch (final EOFException end) {
                break;
            }
            if (length < 0) {
                out.write("null\n".getBytes(StandardCharsets.US_ASCII));
                continue;
            }
            final byte[] value = in.readNBytes(length);
            if (value.length < length) {
                skipped += skip(record, "truncated: " + value.length + " bytes (expected: " + length + ")");
                break;
            }
            if (value.length < HEADER_LENGTH || value[0] != (byte) 0xC3 || value[1] != 0x01) {
                skipped += skip(record, "not Avro single-object encoding: "
                        + HexFormat.of().formatHex(value, 0, Math.min(2, value.length)) + " (expected: c301)");
                continue;
            }
            long fingerprint = 0;
            for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
                fingerprint = fingerprint << 8 | (value[i] & 0xFF);
            }
            final Schema writer = writers.get(fingerprint);
            if (writer == null) {
                skipped += skip(record, "written with schema fingerprint "
                        + HexFormat.of().formatHex(value, 2, HEADER_LENGTH) + " (expected: that of "
                        + String.join(" or ", args) + ")");
                continue;
            }
            final Object datum = new GenericDatumReader<>(writer, reader).read(null,
                    DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, value.length - HEADER_LENGTH, null));
            final JsonEncoder encoder = EncoderFactory.get().jsonEncoder(reader, out);
            json.write(datum, encoder);
            encoder.flush();
            out.write('\n');
        }
        out.flush();
        System.exit(skipped == 0 ? 0 : 1);
    }

    private static int skip(final long record, final String why) {
        System.err.println("SingleObjectToJson: record " + record + ": " + why + "; skipped");
        return 1;
    }
}
