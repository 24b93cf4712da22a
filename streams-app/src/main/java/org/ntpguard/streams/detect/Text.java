package org.ntpguard.streams.detect;

import java.util.Locale;

/** How numbers read in the one-line summaries: grouped digits, ratios with a ×, window lengths in s or min. */
final class Text {

    private Text() {
    }

    static String count(final long n) {
        return String.format(Locale.ROOT, "%,d", n);
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
