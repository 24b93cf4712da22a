package org.ntpguard.schema.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, 192.0.2.1",
        "0.0.0.0, 0.0.0.0",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",      // RFC 5952 §4.2.3: first of two equal runs
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",   // §4.2.2: a single zero group is not shortened
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "fe80:0:0:0:0:0:0:0, fe80::",
        "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
        "0:0:0:0:0:ffff:c000:0201, ::ffff:192.0.2.1",  // §5: IPv4-mapped
        "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::"      // the longer run wins
    })
    void shouldWriteCanonicalText(final String input, final String expected) throws Exception {
        final byte[] address = InetAddress.getByName(input).getAddress();
        final byte[] raw = input.contains(":") ? toSixteen(input) : address;

        assertThat(IpText.format(raw)).isEqualTo(expected);
    }

    /** InetAddress turns mapped addresses into 4-byte ones; keep all 16. */
    private static byte[] toSixteen(final String input) {
        final String[] groups = input.split(":");
        final byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            final int value = Integer.parseInt(groups[i], 16);
            out[2 * i] = (byte) (value >>> 8);
            out[2 * i + 1] = (byte) value;
        }
        return out;
    }
}
