package org.ntpguard.capture.decode;

/**
 * Why a UDP payload on port 123 is not valid NTP. The packet is still emitted: abuse hides in malformed packets.
 * Each constant carries a short fixed {@link #text()} for the hot path; {@link NtpMessage#malformedDetail()} builds
 * the "what: actual (expected: ...)" form on the slow path.
 */
public enum MalformedReason {
    /** No NTP byte at all. */
    EMPTY("empty UDP payload"),
    /** The Version field is 0: never assigned (RFC 958 packets carried no version field). */
    VERSION_ZERO("NTP version 0"),
    /** The Version field is 5, 6 or 7: no such NTP version exists (RFC 5905 §7.3 defines 4). */
    UNKNOWN_VERSION("unknown NTP version"),
    /** Modes 0-5: fewer than the 48 bytes of the RFC 5905 §7.3 header (RFC 1305 §3.2 for v1-v3). */
    SHORT_STANDARD_HEADER("shorter than the 48-byte NTP header"),
    /** Mode 6: fewer than the 12 bytes of the RFC 9327 §2 control header. */
    SHORT_CONTROL_HEADER("shorter than the 12-byte mode 6 header"),
    /** Mode 7: fewer than the 8 bytes of the ntpd include/ntp_request.h header. */
    SHORT_PRIVATE_HEADER("shorter than the 8-byte mode 7 header"),
    /**
     * The UDP length covers the fixed header but the capture snap length cut it: nothing beyond the first bytes can
     * be decoded. A snap length that only cuts extension fields, the MAC or mode 6/7 data is not malformed.
     */
    HEADER_CUT_BY_SNAPLEN("NTP header cut by the capture snap length"),
    /** RFC 7822 §7.5: an extension field's Length is below the 16-byte minimum. */
    EXTENSION_FIELD_TOO_SHORT("extension field shorter than 16 bytes"),
    /** RFC 7822 §3: an extension field's Length is not a multiple of 4. */
    EXTENSION_FIELD_MISALIGNED("extension field length not a multiple of 4"),
    /** RFC 7822 §3: an extension field's Length runs past the end of the UDP payload. */
    EXTENSION_FIELD_OVERRUN("extension field length overruns the packet"),
    /**
     * The bytes after the 48-byte header are neither a sequence of extension fields (NTPv4, RFC 7822) nor a MAC of a
     * length seen in practice: 4 (crypto-NAK), 12 (NTPv3 DES), 20 (MD5, AES-CMAC) or 24 (SHA1), key id included.
     */
    BAD_TRAILER("bytes after the header are neither extension fields nor a MAC"),
    /** Mode 6: the Count field runs past the end of the UDP payload (RFC 9327 §2). */
    CONTROL_COUNT_OVERRUN("mode 6 count overruns the packet"),
    /** Mode 7: Number of items × Size of item runs past the end of the UDP payload (ntpd include/ntp_request.h). */
    PRIVATE_ITEMS_OVERRUN("mode 7 item count overruns the packet");

    private final String text;

    MalformedReason(final String text) {
        this.text = text;
    }

    /** The short reason carried in {@code NtpPacket.malformed}. */
    public String text() {
        return text;
    }
}
