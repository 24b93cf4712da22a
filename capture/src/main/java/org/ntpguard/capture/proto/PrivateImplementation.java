package org.ntpguard.capture.proto;

/** Mode 7 implementation numbers, {@code IMPL_*} in ntpd {@code include/ntp_request.h}. */
public enum PrivateImplementation {
    /** 0: IMPL_UNIV, universal (no request codes are defined for it). */
    UNIV(0),
    /** 2: IMPL_XNTPD_OLD, used by pre-IPv6 ntpdc. */
    XNTPD_OLD(2),
    /** 3: IMPL_XNTPD, used by post-IPv6 ntpdc (and by monlist attack tools). */
    XNTPD(3),
    /** Any other value. */
    UNKNOWN(-1);

    private final int code;

    PrivateImplementation(final int code) {
        this.code = code;
    }

    /** The wire value, or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The implementation for a wire value; {@link #UNKNOWN} otherwise. Allocation-free. */
    public static PrivateImplementation fromCode(final int code) {
        switch (code) {
            case 0:
                return UNIV;
            case 2:
                return XNTPD_OLD;
            case 3:
                return XNTPD;
            default:
                return UNKNOWN;
        }
    }
}
