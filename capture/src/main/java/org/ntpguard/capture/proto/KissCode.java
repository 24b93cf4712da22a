package org.ntpguard.capture.proto;

/**
 * Kiss codes carried in the Reference ID of a Kiss-o'-Death packet (stratum 0): RFC 5905 §7.4, Figure 13, plus
 * {@code NTSN} of RFC 8915 §5.7. An open registry (IANA "NTP Kiss-o'-Death Codes"): unknown codes map to
 * {@link #UNKNOWN} and callers keep the raw 32-bit value.
 */
public enum KissCode {
    /** The association belongs to a unicast server (RFC 5905 §7.4). */
    ACST('A', 'C', 'S', 'T'),
    /** Server authentication failed (RFC 5905 §7.4). */
    AUTH('A', 'U', 'T', 'H'),
    /** Autokey sequence failed (RFC 5905 §7.4). */
    AUTO('A', 'U', 'T', 'O'),
    /** The association belongs to a broadcast server (RFC 5905 §7.4). */
    BCST('B', 'C', 'S', 'T'),
    /** Cryptographic authentication or identification failed (RFC 5905 §7.4). */
    CRYP('C', 'R', 'Y', 'P'),
    /** Access denied by remote server (RFC 5905 §7.4). */
    DENY('D', 'E', 'N', 'Y'),
    /** Lost peer in symmetric mode (RFC 5905 §7.4). */
    DROP('D', 'R', 'O', 'P'),
    /** Access denied due to local policy (RFC 5905 §7.4). */
    RSTR('R', 'S', 'T', 'R'),
    /** The association has not yet synchronized for the first time (RFC 5905 §7.4). */
    INIT('I', 'N', 'I', 'T'),
    /** The association belongs to a dynamically discovered server (RFC 5905 §7.4). */
    MCST('M', 'C', 'S', 'T'),
    /** No key found (RFC 5905 §7.4). */
    NKEY('N', 'K', 'E', 'Y'),
    /** NTS negative acknowledgment: the server could not validate the NTS cookie (RFC 8915 §5.7). */
    NTSN('N', 'T', 'S', 'N'),
    /** Rate exceeded: the server has temporarily denied access because the client exceeded the rate threshold. */
    RATE('R', 'A', 'T', 'E'),
    /** Somebody is tinkering with the association from a remote host running ntpdc (RFC 5905 §7.4). */
    RMOT('R', 'M', 'O', 'T'),
    /** A step change in system time has occurred, not yet resynchronized (RFC 5905 §7.4). */
    STEP('S', 'T', 'E', 'P'),
    /** An ASCII code not in the registry above; the raw Reference ID says which. */
    UNKNOWN(0),
    /** Not a Kiss-o'-Death packet. */
    NONE(0);

    private static final KissCode[] KNOWN = {
        ACST, AUTH, AUTO, BCST, CRYP, DENY, DROP, RSTR, INIT, MCST, NKEY, NTSN, RATE, RMOT, STEP,
    };

    private final int code;

    KissCode(final char a, final char b, final char c, final char d) {
        this(a << 24 | b << 16 | c << 8 | d);
    }

    KissCode(final int code) {
        this.code = code;
    }

    /** The four ASCII characters as a big-endian int, as they appear in the Reference ID; 0 for UNKNOWN/NONE. */
    public int code() {
        return code;
    }

    /**
     * The four ASCII characters of a Kiss-o'-Death's Reference ID as sent, trimmed, so that codes no RFC lists are
     * still shown.
     */
    public static String text(final int refId) {
        final char[] chars = new char[4];
        for (int i = 0; i < 4; i++) {
            chars[i] = (char) ((refId >>> (24 - 8 * i)) & 0xFF);
        }
        return new String(chars).trim();
    }

    /** The kiss code whose Reference ID is {@code refId}; {@link #UNKNOWN} for any other value. Allocation-free. */
    public static KissCode fromCode(final int refId) {
        for (final KissCode known : KNOWN) {
            if (known.code == refId) {
                return known;
            }
        }
        return UNKNOWN;
    }
}
