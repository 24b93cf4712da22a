package org.ntpguard.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.capture.decode.NtpMessageTest.bytes;
import static org.ntpguard.capture.decode.NtpMessageTest.concat;
import static org.ntpguard.capture.decode.NtpMessageTest.zeros;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.Role;

/** One test per malformed shape: each asserts the returned reason. */
class NtpMessageMalformedTest {
    private final NtpMessage message = new NtpMessage();

    @Test
    void shouldReportEmptyWhenNoPayload() {
        assertThat(wrap(new byte[0])).isEqualTo(MalformedReason.EMPTY);
        assertThat(message.role()).isEqualTo(Role.UNKNOWN);
    }

    @Test
    void shouldReportShortStandardHeaderWhenClientRequestUnder48Bytes() {
        // given: zeek fragmented-1's 10-byte payload shape, but with a version
        final byte[] payload = concat(bytes(0x23), zeros(9));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.SHORT_STANDARD_HEADER);
        assertThat(message.hasStandardHeader()).isFalse();
        assertThat(message.malformedDetail())
            .isEqualTo("shorter than the 48-byte mode 3 header: 10 bytes (expected: 48+ bytes)");
    }

    @Test
    void shouldReportShortControlHeaderWhenMode6Under12Bytes() {
        assertThat(wrap(bytes(0x16, 0x02, 0x00, 0x01))).isEqualTo(MalformedReason.SHORT_CONTROL_HEADER);
        assertThat(message.hasControl()).isFalse();
    }

    @Test
    void shouldReportShortPrivateHeaderWhenMode7Under8Bytes() {
        assertThat(wrap(bytes(0x17, 0x00, 0x03, 0x2a))).isEqualTo(MalformedReason.SHORT_PRIVATE_HEADER);
        assertThat(message.hasPrivate()).isFalse();
    }

    @Test
    void shouldReportVersionZeroWhenVersionFieldIsZero() {
        // given: LI 0, VN 0, mode 3
        assertThat(wrap(concat(bytes(0x03), zeros(47)))).isEqualTo(MalformedReason.VERSION_ZERO);
        assertThat(message.role()).isEqualTo(Role.UNKNOWN);
        assertThat(message.hasStandardHeader()).isTrue();
    }

    @Test
    void shouldReportUnknownVersionWhenVersionAboveFour() {
        // given: LI 0, VN 5, mode 3
        assertThat(wrap(concat(bytes(0x2b), zeros(47)))).isEqualTo(MalformedReason.UNKNOWN_VERSION);
        assertThat(message.malformedDetail()).isEqualTo("unknown NTP version: 5 (expected: 1 ~ 4)");
    }

    @Test
    void shouldReportItemOverrunWhenMode7ItemCountExceedsPayload() {
        // given
        final byte[] payload = concat(bytes(
            0x97,       // R 1, VN 2, mode 7
            0x00,       // sequence 0
            0x03,       // implementation XNTPD
            0x2a,       // MON_GETLIST_1
            0x00, 0x06, // err 0, 6 items
            0x00, 0x48  // item size 72
        ), zeros(72));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.PRIVATE_ITEMS_OVERRUN);
        assertThat(message.malformedDetail())
            .isEqualTo("mode 7 item count overruns the packet: 6 × 72 bytes (expected: <= 72)");
        assertThat(message.monlistEntryCount()).isZero();
    }

    @Test
    void shouldReportExtensionOverrunWhenFieldLengthExceedsPayload() {
        // given
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44),
            bytes(0x01, 0x04,   // NTS unique identifier
                  0x01, 0x00),  // length 256
            zeros(28));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.EXTENSION_FIELD_OVERRUN);
        assertThat(message.malformedDetail())
            .isEqualTo("extension field length at byte 48 overruns the packet: 256 bytes (expected: <= 32)");
    }

    @Test
    void shouldReportMisalignedWhenExtensionLengthNotMultipleOfFour() {
        // given
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44),
            bytes(0x00, 0x02,   // type
                  0x00, 0x1e),  // length 30
            zeros(28));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.EXTENSION_FIELD_MISALIGNED);
    }

    @Test
    void shouldReportTooShortWhenExtensionLengthUnder16() {
        // given
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44),
            bytes(0x00, 0x02,   // type
                  0x00, 0x08),  // length 8
            zeros(28));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.EXTENSION_FIELD_TOO_SHORT);
    }

    @Test
    void shouldReportBadTrailerWhenNtpv2HasOddTrailer() {
        // given: zeek ntp-no-extensions-mac.pcap shape: NTPv2 mode 4, 25 bytes after the header. NTPv1-3 have no
        // extension fields and 25 bytes is no MAC length (zeek also rejects it; tshark ignores the trailer).
        final byte[] payload = concat(bytes(0x14, 0x20, 0x20, 0x20), zeros(44), zeros(25));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.BAD_TRAILER);
        assertThat(message.hasStandardHeader()).isTrue();
        assertThat(message.header().stratum()).isEqualTo(32);
        assertThat(message.role()).isEqualTo(Role.UNKNOWN);
    }

    @Test
    void shouldReportControlOverrunWhenCountExceedsPayload() {
        // given
        final byte[] payload = concat(bytes(
            0xd6,       // LI 3, VN 2, mode 6
            0x82,       // R 1, opcode 2
            0x00, 0x01, // sequence
            0x06, 0x15, // status
            0x00, 0x00, // association id
            0x00, 0x00, // offset
            0x01, 0xd4  // count 468
        ), zeros(100));

        // then
        assertThat(wrap(payload)).isEqualTo(MalformedReason.CONTROL_COUNT_OVERRUN);
        assertThat(message.malformedDetail()).isEqualTo("mode 6 count overruns the packet: 468 bytes (expected: <= 100)");
    }

    @Test
    void shouldNotReportControlOverrunWhenDataPaddedAndMacFollow() {
        // given: ntpq request with 11 data bytes, 1 pad byte, key id and MD5 (scapy vector, 44 bytes)
        final byte[] payload = concat(bytes(0x16, 0x02, 0x00, 0x13, 0, 0, 0x73, 0xb5, 0, 0, 0, 0x0b),
            zeros(12), bytes(0, 0, 0, 1), zeros(16));

        // then
        assertThat(wrap(payload)).isNull();
    }

    private MalformedReason wrap(final byte[] payload) {
        return message.wrap(ByteBuffer.wrap(payload), 0, payload.length, payload.length);
    }
}
