package org.ntpguard.capture.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How the fields of one line are written: as members of a JSON object or as CSV cells. The packet writer walks the
 * fields once, in one order, for both.
 */
abstract class LineSyntax {

    final LineBuffer line;
    /** Whether the next field is the first of its object (JSON) or of its line (CSV): no separator before it. */
    boolean first;

    LineSyntax(final LineBuffer line) {
        this.line = line;
    }

    /** A text value as this syntax shows it (quoted and escaped as needed), for texts known before the packets. */
    final byte[] encode(final String text) {
        final StringBuilder encoded = new StringBuilder(text.length() + 2);
        appendEncoded(encoded, text);
        return encoded.toString().getBytes(StandardCharsets.UTF_8);
    }

    abstract void appendEncoded(StringBuilder out, String text);

    abstract void beginLine();

    abstract void endLine() throws IOException;

    /** Starts a field: the separator and, in JSON, the key. */
    abstract void field(Field field);

    abstract void nullValue();

    /** Around a text that needs no escaping (addresses, hex, times): quotes in JSON, nothing in CSV. */
    abstract void quote();

    /** Starts a field that holds a nested record: in JSON as any field; in CSV its fields are the columns. */
    abstract void recordField(Field field);

    /** A nested record's value: an object in JSON; in CSV its fields are columns of the line. */
    abstract void beginRecord();

    abstract void endRecord();

    /** An absent nested record: null in JSON, an empty cell per column in CSV. */
    abstract void nullRecord(Field[] fields);

    abstract void beginArray();

    abstract void arraySeparator();

    abstract void endArray();

    /** A record inside an array: an object in JSON, {@code name=value|...} in a CSV cell (absent fields left out). */
    abstract void beginEntry();

    abstract void entryField(Field field);

    abstract void entryNull(Field field);

    abstract void endEntry();
}
