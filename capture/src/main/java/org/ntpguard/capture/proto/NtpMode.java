package org.ntpguard.capture.proto;

/**
 * The packet Mode field (3 bits) of RFC 5905 §7.3, Figure 10 (not Figure 1's association modes). Closed set: all eight
 * 3-bit values are named.
 */
public enum NtpMode {
    /** 0: reserved (RFC 5905 §7.3). */
    RESERVED(0),
    /** 1: symmetric active (RFC 5905 §7.3). */
    SYMMETRIC_ACTIVE(1),
    /** 2: symmetric passive (RFC 5905 §7.3). */
    SYMMETRIC_PASSIVE(2),
    /** 3: client (RFC 5905 §7.3). */
    CLIENT(3),
    /** 4: server (RFC 5905 §7.3). */
    SERVER(4),
    /** 5: broadcast (RFC 5905 §7.3). */
    BROADCAST(5),
    /** 6: NTP control message (RFC 5905 §7.3; RFC 9327). */
    CONTROL(6),
    /** 7: reserved for private use (RFC 5905 §7.3; ntpd's mode 7, include/ntp_request.h). */
    PRIVATE(7),
    /** Not a 3-bit value: never produced from wire data by {@link #fromCode(int)} with a masked argument. */
    UNKNOWN(-1);

    private static final NtpMode[] BY_CODE = {
        RESERVED, SYMMETRIC_ACTIVE, SYMMETRIC_PASSIVE, CLIENT, SERVER, BROADCAST, CONTROL, PRIVATE,
    };

    private final int code;

    NtpMode(final int code) {
        this.code = code;
    }

    /** The wire value (0..7), or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The mode for a wire value; {@link #UNKNOWN} outside 0..7. Allocation-free. */
    public static NtpMode fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}
