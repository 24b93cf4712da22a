package org.ntpguard.streams.detect;

import java.util.Locale;

/** How numbers read in the one-line summaries: grouped digits, ratios with a ×, window lengths in s or min. */
final class Text {

    private Text() {
    }

    /** {@code n} with its digits grouped by commas, as {@code %,d} in the root locale (without its parser). */
    static String count(final long n) {
        final String digits = Long.toString(n);
        final int sign = n < 0 ? 1 : 0;
        final int length = digits.length() - sign;
        if (length <= 3) {
            return digits;
        }
        final StringBuilder grouped = new StringBuilder(digits.length() + length / 3);
        grouped.append(digits, 0, sign);
        for (int i = 0; i < length; i++) {
            if (i > 0 && (length - i) % 3 == 0) {
                grouped.append(',');
            }
            grouped.append(digits.charAt(sign + i));
        }
        return grouped.toString();
    }

    static String ratio(final double r) {
        if (Double.isInfinite(r)) {
            return "no requests";
        }
        return r >= 10 ? String.format(Locale.ROOT, "%,.0f×", r) : String.format(Locale.ROOT, "%.1f×", r);
    }

    static String span(final long windowStart, final long windowEnd) {
        final long millis = windowEnd - windowStart;
        if (millis % 60_000 == 0 && millis >= 120_000) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    static String plural(final long n, final String one, final String many) {
        return count(n) + " " + (n == 1 ? one : many);
    }
}
