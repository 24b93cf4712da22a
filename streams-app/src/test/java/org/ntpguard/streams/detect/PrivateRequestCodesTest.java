package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ntpguard.capture.proto.PrivateRequestCode;

class PrivateRequestCodesTest {

    @Test
    void shouldNameEveryCodeAsTheCaptureModuleDoes() {
        for (int code = 0; code < 256; code++) {
            final PrivateRequestCode known = PrivateRequestCode.fromCode(code);
            assertThat(PrivateRequestCodes.name(code)).as("request code %d", code)
                    .isEqualTo(known == PrivateRequestCode.UNKNOWN ? Integer.toString(code) : known.name());
        }
    }

    @Test
    void shouldTellMonGetlistFromMonGetlist1WhenNamingTheMonlistRequestsSeen() {
        assertThat(PrivateRequestCodes.monlist(1L << 42)).isEqualTo("MON_GETLIST_1");
        assertThat(PrivateRequestCodes.monlist(1L << 20)).isEqualTo("MON_GETLIST");
        assertThat(PrivateRequestCodes.monlist(1L << 20 | 1L << 42 | 1L << 4)).isEqualTo("MON_GETLIST and MON_GETLIST_1");
        assertThat(PrivateRequestCodes.monlist(1L << 4)).isEqualTo("monlist");
    }
}
