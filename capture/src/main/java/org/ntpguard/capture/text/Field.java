package org.ntpguard.capture.text;

import java.nio.charset.StandardCharsets;

/**
 * One field of a decoded packet's line: its JSON key, its CSV column (dotted inside a nested record, as
 * {@code CsvLines} names it) and its {@code name=} form inside a CSV cell that inlines a record (a monlist entry).
 * The encoded forms are built once, so a line only copies them.
 */
final class Field {

    final String name;
    final String column;
    final byte[] jsonKey;
    final byte[] inlineKey;

    private Field(final String name, final String column) {
        this.name = name;
        this.column = column;
        this.jsonKey = ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
        this.inlineKey = (name + '=').getBytes(StandardCharsets.US_ASCII);
    }

    static Field of(final String name) {
        return new Field(name, name);
    }

    static Field nested(final String record, final String name) {
        return new Field(name, record + '.' + name);
    }
}
