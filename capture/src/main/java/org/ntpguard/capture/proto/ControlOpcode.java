package org.ntpguard.capture.proto;

/**
 * Mode 6 control message operation codes (5 bits): RFC 9327 §2 (formerly RFC 1305 Appendix B), plus the ntpd
 * extensions 8-12 listed there. An open registry: unknown opcodes map to {@link #UNKNOWN}, callers keep the raw int.
 */
public enum ControlOpcode {
    /** 0: reserved (RFC 9327 §2). */
    RESERVED(0),
    /** 1: read status (RFC 9327 §3.1). */
    READSTAT(1),
    /** 2: read variables (RFC 9327 §3.2). */
    READVAR(2),
    /** 3: write variables (RFC 9327 §3.3). */
    WRITEVAR(3),
    /** 4: read clock variables (RFC 9327 §3.4). */
    READCLOCK(4),
    /** 5: write clock variables (RFC 9327 §3.5). */
    WRITECLOCK(5),
    /** 6: set trap address/port (RFC 9327 §3.6). */
    SETTRAP(6),
    /** 7: asynchronous message (RFC 9327 §3.7). */
    ASYNCMSG(7),
    /** 8: runtime configuration (ntpd; RFC 9327 §2). */
    CONFIGURE(8),
    /** 9: save configuration (ntpd; RFC 9327 §2). */
    SAVECONFIG(9),
    /** 10: read the MRU list (ntpd; RFC 9327 §2): mode 6's monlist successor. */
    READ_MRU(10),
    /** 11: ordered list read (ntpd; RFC 9327 §2). */
    READ_ORDLIST_A(11),
    /** 12: request a nonce for READ_MRU (ntpd; RFC 9327 §2). */
    REQ_NONCE(12),
    /** 31: unset trap (RFC 9327 §2). */
    UNSETTRAP(31),
    /** Any other 5-bit value. */
    UNKNOWN(-1);

    private static final ControlOpcode[] BY_CODE = new ControlOpcode[32];

    static {
        java.util.Arrays.fill(BY_CODE, UNKNOWN);
        for (final ControlOpcode opcode : values()) {
            if (opcode.code >= 0) {
                BY_CODE[opcode.code] = opcode;
            }
        }
    }

    private final int code;

    ControlOpcode(final int code) {
        this.code = code;
    }

    /** The wire value, or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The opcode for a wire value; {@link #UNKNOWN} when unassigned. Allocation-free. */
    public static ControlOpcode fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}
