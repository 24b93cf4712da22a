package org.ntpguard.schema.text;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders an ntpguard Avro record as one line of JSON with the schema's field names, in schema order: plain values
 * (no Avro union wrappers), null for absent optional fields, IP addresses as text, an {@code epochMillis} time
 * as two members ({@link TimeText#appendJsonMembers}).
 */
public final class JsonLines {

    private JsonLines() {
    }

    /** Appends the record as a JSON object (no newline). */
    public static StringBuilder append(final StringBuilder out, final IndexedRecord record) {
        out.append('{');
        final Schema schema = record.getSchema();
        boolean first = true;
        for (final Schema.Field field : schema.getFields()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            final Object value = record.get(field.pos());
            if (value instanceof Long millis && RecordText.EPOCH_MILLIS.equals(RecordText.format(field))) {
                TimeText.appendJsonMembers(out, field.name(), millis);
                continue;
            }
            appendString(out, field.name());
            out.append(':');
            appendValue(out, value, RecordText.format(field));
        }
        return out.append('}');
    }

    private static void appendValue(final StringBuilder out, final Object value, final String format) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof IndexedRecord nested) {
            append(out, nested);
        } else if (value instanceof Map<?, ?> entries) {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> entry : new TreeMap<>(entries).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, entry.getKey().toString());
                out.append(':');
                appendValue(out, entry.getValue(), null);
            }
            out.append('}');
        } else if (value instanceof Double number && (number.isNaN() || number.isInfinite())) {
            out.append("null"); // JSON has no NaN or infinity
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            boolean first = true;
            for (final Object item : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendValue(out, item, null);
            }
            out.append(']');
        } else if (value instanceof CharSequence text) {
            appendString(out, text);
        } else if (RecordText.isQuoted(value)) {
            out.append('"');
            RecordText.appendScalar(out, value, format);
            out.append('"');
        } else {
            RecordText.appendScalar(out, value, format);
        }
    }

    /** Appends a JSON string literal, escaping quotes, backslashes and control characters. */
    public static void appendString(final StringBuilder out, final CharSequence text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
