package org.ntpguard.schema.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders ntpguard Avro records as CSV (RFC 4180): nested records flattened into dotted columns
 * ({@code control.opcode}), arrays joined with {@code ;} (a nested record in an array as {@code field=value|...}),
 * absent values as empty cells. One instance per schema, since the columns come from it.
 */
public final class CsvLines {

    private final Schema schema;
    private final List<String> columns = new ArrayList<>();

    public CsvLines(final Schema schema) {
        this.schema = schema;
        collectColumns(schema, "");
    }

    /** The header line (no newline). */
    public String header() {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(columns.get(i));
        }
        return out.toString();
    }

    /** Appends one record as a CSV row (no newline). */
    public StringBuilder append(final StringBuilder out, final IndexedRecord record) {
        if (!record.getSchema().equals(schema)) {
            throw new IllegalArgumentException("record schema " + record.getSchema().getFullName()
                    + " (expected: " + schema.getFullName() + ")");
        }
        appendRecord(out, record, schema, true);
        return out;
    }

    private void collectColumns(final Schema recordSchema, final String prefix) {
        for (final Schema.Field field : recordSchema.getFields()) {
            final Schema nested = recordOf(field.schema());
            if (nested != null) {
                collectColumns(nested, prefix + field.name() + ".");
            } else {
                columns.add(prefix + field.name());
            }
        }
    }

    private static boolean appendRecord(final StringBuilder out, final IndexedRecord record, final Schema recordSchema,
                                        final boolean firstCell) {
        boolean first = firstCell;
        for (final Schema.Field field : recordSchema.getFields()) {
            final Object value = record == null ? null : record.get(field.pos());
            final Schema nested = recordOf(field.schema());
            if (nested != null) {
                first = appendRecord(out, (IndexedRecord) value, nested, first);
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            appendCell(out, value, RecordText.format(field));
        }
        return first;
    }

    private static void appendCell(final StringBuilder out, final Object value, final String format) {
        if (value == null) {
            return;
        }
        final StringBuilder cell = new StringBuilder();
        if (value instanceof Map<?, ?> entries) {
            boolean first = true;
            for (final Map.Entry<?, ?> entry : new TreeMap<>(entries).entrySet()) {
                if (!first) {
                    cell.append(';');
                }
                first = false;
                cell.append(entry.getKey()).append('=').append(entry.getValue());
            }
        } else if (value instanceof Collection<?> items) {
            boolean first = true;
            for (final Object item : items) {
                if (!first) {
                    cell.append(';');
                }
                first = false;
                if (item instanceof IndexedRecord nested) {
                    appendInline(cell, nested);
                } else {
                    RecordText.appendScalar(cell, item, null);
                }
            }
        } else {
            RecordText.appendScalar(cell, value, format);
        }
        quote(out, cell);
    }

    private static void appendInline(final StringBuilder out, final IndexedRecord record) {
        boolean first = true;
        for (final Schema.Field field : record.getSchema().getFields()) {
            final Object value = record.get(field.pos());
            if (value == null) {
                continue;
            }
            if (!first) {
                out.append('|');
            }
            first = false;
            out.append(field.name()).append('=');
            RecordText.appendScalar(out, value, RecordText.format(field));
        }
    }

    /** Appends one cell, in double quotes (inner ones doubled) when it holds a comma, a quote or a line break. */
    public static void quote(final StringBuilder out, final CharSequence cell) {
        boolean needsQuotes = false;
        for (int i = 0; i < cell.length() && !needsQuotes; i++) {
            final char c = cell.charAt(i);
            needsQuotes = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!needsQuotes) {
            out.append(cell);
            return;
        }
        out.append('"');
        for (int i = 0; i < cell.length(); i++) {
            final char c = cell.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }

    /** The record schema a field holds, directly or as the non-null branch of an optional union; else null. */
    private static Schema recordOf(final Schema fieldSchema) {
        if (fieldSchema.getType() == Schema.Type.RECORD) {
            return fieldSchema;
        }
        if (fieldSchema.getType() == Schema.Type.UNION) {
            for (final Schema branch : fieldSchema.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return branch;
                }
            }
        }
        return null;
    }
}
