package org.ntpguard.capture.text;

import java.io.IOException;
import org.ntpguard.schema.text.JsonLines;

/** One JSON object per line, keys in field order, as {@code JsonLines} writes an Avro record. */
final class JsonSyntax extends LineSyntax {

    JsonSyntax(final LineBuffer line) {
        super(line);
    }

    @Override
    void appendEncoded(final StringBuilder out, final String text) {
        JsonLines.appendString(out, text);
    }

    @Override
    void beginLine() {
        line.put('{');
        first = true;
    }

    @Override
    void endLine() throws IOException {
        line.put('}');
        line.endLine();
    }

    @Override
    void field(final Field field) {
        if (!first) {
            line.put(',');
        }
        first = false;
        line.put(field.jsonKey);
    }

    @Override
    void nullValue() {
        line.put('n');
        line.put('u');
        line.put('l');
        line.put('l');
    }

    @Override
    void quote() {
        line.put('"');
    }

    @Override
    void recordField(final Field field) {
        field(field);
    }

    @Override
    void beginRecord() {
        line.put('{');
        first = true;
    }

    @Override
    void endRecord() {
        line.put('}');
        first = false;
    }

    @Override
    void nullRecord(final Field[] fields) {
        nullValue();
    }

    @Override
    void beginArray() {
        line.put('[');
    }

    @Override
    void arraySeparator() {
        line.put(',');
    }

    @Override
    void endArray() {
        line.put(']');
    }

    @Override
    void beginEntry() {
        beginRecord();
    }

    @Override
    void entryField(final Field field) {
        field(field);
    }

    @Override
    void entryNull(final Field field) {
        field(field);
        nullValue();
    }

    @Override
    void endEntry() {
        endRecord();
    }
}
