package org.ntpguard.capture.text;

import java.io.IOException;
import org.ntpguard.schema.text.CsvLines;

/**
 * CSV rows (RFC 4180) as {@code CsvLines} writes an Avro record: nested records flattened into columns, arrays
 * joined with {@code ;}, records in arrays as {@code name=value|...}, absent values as empty cells.
 */
final class CsvSyntax extends LineSyntax {

    private boolean firstInEntry;

    CsvSyntax(final LineBuffer line) {
        super(line);
    }

    @Override
    void appendEncoded(final StringBuilder out, final String text) {
        CsvLines.quote(out, text);
    }

    @Override
    void beginLine() {
        first = true;
    }

    @Override
    void endLine() throws IOException {
        line.endLine();
    }

    @Override
    void field(final Field field) {
        if (!first) {
            line.put(',');
        }
        first = false;
    }

    @Override
    void nullValue() {
        // an empty cell
    }

    @Override
    void quote() {
        // addresses, hex and times hold no comma, quote or line break
    }

    @Override
    void recordField(final Field field) {
        // not a column itself
    }

    @Override
    void beginRecord() {
        // the record's fields are the next columns
    }

    @Override
    void endRecord() {
        // nothing closes a flattened record
    }

    @Override
    void nullRecord(final Field[] fields) {
        for (final Field field : fields) {
            field(field);
        }
    }

    @Override
    void beginArray() {
        // a cell
    }

    @Override
    void arraySeparator() {
        line.put(';');
    }

    @Override
    void endArray() {
        // a cell
    }

    @Override
    void beginEntry() {
        firstInEntry = true;
    }

    @Override
    void entryField(final Field field) {
        if (!firstInEntry) {
            line.put('|');
        }
        firstInEntry = false;
        line.put(field.inlineKey);
    }

    @Override
    void entryNull(final Field field) {
        // left out
    }

    @Override
    void endEntry() {
        // the next entry starts after a ';'
    }
}
