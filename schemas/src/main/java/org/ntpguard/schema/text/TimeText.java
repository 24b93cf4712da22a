package org.ntpguard.schema.text;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One way to write a point in time wherever a person or a SIEM reads it (console reports, alerts.jsonl,
 * blocklist.json): ISO 8601 in UTC with a fixed number of fraction digits, e.g. {@code 2025-03-01T14:00:00.029Z};
 * and in JSON, beside it, the same instant in epoch nanoseconds for machines ({@code "firstSeenNanos"}).
 *
 * <p>Alerts and blocklist entries are timed in milliseconds (the resolution of the flow summaries they are made
 * of), so their ISO form has 3 fraction digits: more would claim a precision the value does not have.
 */
public final class TimeText {

    /** Suffix of the JSON member holding a time's epoch nanoseconds. */
    public static final String NANOS_SUFFIX = "Nanos";

    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private TimeText() {
    }

    /** {@code 2025-03-01T14:00:00.029Z}: always 3 fraction digits, so that the strings sort as the times do. */
    public static String isoMillis(final long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Appends the JSON members {@code "name":"<ISO 8601>","nameNanos":"<epoch nanoseconds>"} (no separator before).
     *
     * <p>The nanoseconds are a string of digits, not a JSON number: every epoch-nanosecond value after April 1970
     * is above 2^53, where a JSON number read as an IEEE double (JavaScript, a browser's report, jq before 1.7)
     * loses its last digits; protobuf's JSON mapping writes 64-bit integers as strings for the same reason.
     */
    public static void appendJsonMembers(final StringBuilder out, final String name, final long epochMillis) {
        JsonLines.appendString(out, name);
        out.append(":\"").append(isoMillis(epochMillis)).append("\",");
        JsonLines.appendString(out, name + NANOS_SUFFIX);
        out.append(":\"").append(Math.multiplyExact(epochMillis, 1_000_000L)).append('"');
    }
}
