package org.ntpguard.capture.proto;

/**
 * Mode 7 response error codes (4-bit Err field), {@code INFO_OKAY} / {@code INFO_ERR_*} in ntpd
 * {@code include/ntp_request.h}. A response with an error set is valid traffic: ntpd answers a monlist request with
 * INFO_ERR_NODATA when its MRU list is empty or monitoring is off.
 */
public enum PrivateError {
    /** 0: INFO_OKAY, no error. */
    INFO_OKAY(0),
    /** 1: INFO_ERR_IMPL, incompatible implementation number. */
    IMPL(1),
    /** 2: INFO_ERR_REQ, unknown request code. */
    REQ(2),
    /** 3: INFO_ERR_FMT, format error. */
    FMT(3),
    /** 4: INFO_ERR_NODATA, no data for this request. */
    NODATA(4),
    /** 7: INFO_ERR_AUTH, authentication failure. */
    AUTH(7),
    /** Any other 4-bit value. */
    UNKNOWN(-1);

    private final int code;

    PrivateError(final int code) {
        this.code = code;
    }

    /** The wire value, or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The error for a wire value; {@link #UNKNOWN} otherwise. Allocation-free. */
    public static PrivateError fromCode(final int code) {
        switch (code) {
            case 0:
                return INFO_OKAY;
            case 1:
                return IMPL;
            case 2:
                return REQ;
            case 3:
                return FMT;
            case 4:
                return NODATA;
            case 7:
                return AUTH;
            default:
                return UNKNOWN;
        }
    }
}
