package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Summaries' numbers: grouped as {@code %,d} groups them. */
class TextTest {

    @Test
    void shouldGroupDigitsAsTheFormatterDoes() {
        final long[] values = {0, 7, -7, 999, 1_000, -1_000, 12_345, 999_999, 1_000_000, -123_456_789,
                Long.MAX_VALUE, Long.MIN_VALUE};
        for (final long value : values) {
            assertThat(Text.count(value)).as("%d", value).isEqualTo(String.format(Locale.ROOT, "%,d", value));
        }
        assertThat(Text.count(1_234_567)).isEqualTo("1,234,567");
    }
}
