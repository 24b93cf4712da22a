package org.ntpguard.schema.text;

import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;

/**
 * How a field of an ntpguard record reads as text, the same in JSON and CSV. Every {@code bytes} field in these
 * schemas is an IP address; a long field may declare {@code "textFormat"} in its schema:
 * {@code "epochNanos"} (decimal seconds with 9 fraction digits, exact), {@code "epochMillis"} (ISO 8601 in UTC,
 * {@link TimeText}; JSON adds the epoch nanoseconds beside it) or {@code "unsigned"} (raw 64-bit NTP
 * timestamps, which are unsigned on the wire).
 */
final class RecordText {

    static final String FORMAT_PROPERTY = "textFormat";
    static final String EPOCH_NANOS = "epochNanos";
    static final String EPOCH_MILLIS = "epochMillis";
    static final String UNSIGNED = "unsigned";

    private RecordText() {
    }

    /** Appends a scalar value (never a record or array) as JSON or CSV would show it, unquoted. */
    static void appendScalar(final StringBuilder out, final Object value, final String format) {
        if (value instanceof ByteBuffer address) {
            IpText.append(out, address);
        } else if (value instanceof Long number && EPOCH_NANOS.equals(format)) {
            appendEpochNanos(out, number);
        } else if (value instanceof Long number && EPOCH_MILLIS.equals(format)) {
            out.append(TimeText.isoMillis(number));
        } else if (value instanceof Long number && UNSIGNED.equals(format)) {
            out.append(Long.toUnsignedString(number));
        } else {
            out.append(value);
        }
    }

    static void appendEpochNanos(final StringBuilder out, final long nanos) {
        final long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        final long fraction = Math.floorMod(nanos, 1_000_000_000L);
        out.append(seconds).append('.');
        final String digits = Long.toString(fraction);
        for (int pad = digits.length(); pad < 9; pad++) {
            out.append('0');
        }
        out.append(digits);
    }

    /** Whether JSON shows the value as a string: text, addresses and enum symbols. */
    static boolean isQuoted(final Object value) {
        return value instanceof CharSequence || value instanceof ByteBuffer || value instanceof Enum<?>
                || value instanceof GenericEnumSymbol<?>;
    }

    static String format(final Schema.Field field) {
        return field.getProp(FORMAT_PROPERTY);
    }
}
