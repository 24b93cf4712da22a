package org.ntpguard.capture.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.ntpguard.capture.proto.KissCode;

/**
 * Flyweight over the 48-byte NTP packet header of modes 0-5: RFC 5905 §7.3 (Figure 8), same layout in NTPv1-v3
 * (RFC 1059, RFC 1119, RFC 1305 §3.2). Reads are absolute, big-endian and widened to unsigned where the field is.
 * The caller ({@link NtpMessage}) guarantees the 48 bytes are present before wrapping.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Root Delay (16.16)                    |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Root Dispersion (16.16)                  |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Reference ID                         | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Reference Timestamp (64)                  | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Origin Timestamp (64)                    | 24
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Receive Timestamp (64)                   | 32
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Transmit Timestamp (64)                  | 40
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class NtpHeader {
    public static final int FLAGS_OFFSET = 0;
    public static final int STRATUM_OFFSET = 1;
    public static final int POLL_OFFSET = 2;
    public static final int PRECISION_OFFSET = 3;
    public static final int ROOT_DELAY_OFFSET = 4;
    public static final int ROOT_DISPERSION_OFFSET = 8;
    public static final int REFERENCE_ID_OFFSET = 12;
    public static final int REFERENCE_TIMESTAMP_OFFSET = 16;
    public static final int ORIGIN_TIMESTAMP_OFFSET = 24;
    public static final int RECEIVE_TIMESTAMP_OFFSET = 32;
    public static final int TRANSMIT_TIMESTAMP_OFFSET = 40;
    /** RFC 5905 §7.3: the fixed header ends with the 8-byte Transmit Timestamp. */
    public static final int LENGTH = TRANSMIT_TIMESTAMP_OFFSET + 8;

    public static final int LI_MASK = 0xC0;
    public static final int LI_SHIFT = 6;
    public static final int VERSION_MASK = 0x38;
    public static final int VERSION_SHIFT = 3;
    public static final int MODE_MASK = 0x07;

    /** RFC 5905 §7.3 short format: 16 integer bits, 16 fraction bits. */
    private static final double SHORT_FORMAT_SCALE = 65536.0;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private ByteBuffer buffer;
    private int offset;
    private boolean cryptoNak;

    /** Re-points this flyweight; the caller guarantees {@link #LENGTH} bytes at {@code offset}. */
    public NtpHeader wrap(final ByteBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        this.cryptoNak = false;
        return this;
    }

    /** Set by {@link NtpMessage} once the trailer is known: a crypto-NAK is never a Kiss-o'-Death. */
    void cryptoNak(final boolean cryptoNak) {
        this.cryptoNak = cryptoNak;
    }

    public int li() {
        return (u8(FLAGS_OFFSET) & LI_MASK) >>> LI_SHIFT;
    }

    public int version() {
        return (u8(FLAGS_OFFSET) & VERSION_MASK) >>> VERSION_SHIFT;
    }

    public int mode() {
        return u8(FLAGS_OFFSET) & MODE_MASK;
    }

    /** 0 unspecified (kiss codes), 1 primary, 2-15 secondary, 16 unsynchronized (RFC 5905 §7.3). */
    public int stratum() {
        return u8(STRATUM_OFFSET);
    }

    /** Log2 seconds, signed (RFC 5905 §7.3). */
    public int poll() {
        return buffer.get(offset + POLL_OFFSET);
    }

    /** Log2 seconds, signed (RFC 5905 §7.3). */
    public int precision() {
        return buffer.get(offset + PRECISION_OFFSET);
    }

    /** Root Delay as the raw 32-bit short format (16.16), unsigned. */
    public long rootDelayRaw() {
        return u32(ROOT_DELAY_OFFSET);
    }

    /** Root Delay in seconds. */
    public double rootDelaySeconds() {
        return rootDelayRaw() / SHORT_FORMAT_SCALE;
    }

    /** Root Dispersion as the raw 32-bit short format (16.16), unsigned. */
    public long rootDispersionRaw() {
        return u32(ROOT_DISPERSION_OFFSET);
    }

    /** Root Dispersion in seconds. */
    public double rootDispersionSeconds() {
        return rootDispersionRaw() / SHORT_FORMAT_SCALE;
    }

    /** Reference ID, big-endian: kiss code (stratum 0), refclock id (1), IPv4 or IPv6-hash of the upstream (2+). */
    public int refId() {
        return Bytes.s32(buffer, offset + REFERENCE_ID_OFFSET);
    }

    /** Raw 64-bit NTP timestamp (era seconds &lt;&lt; 32 | fraction). */
    public long refTime() {
        return Bytes.s64(buffer, offset + REFERENCE_TIMESTAMP_OFFSET);
    }

    public long orgTime() {
        return Bytes.s64(buffer, offset + ORIGIN_TIMESTAMP_OFFSET);
    }

    public long recTime() {
        return Bytes.s64(buffer, offset + RECEIVE_TIMESTAMP_OFFSET);
    }

    public long xmtTime() {
        return Bytes.s64(buffer, offset + TRANSMIT_TIMESTAMP_OFFSET);
    }

    /**
     * A Kiss-o'-Death (RFC 5905 §7.4): stratum 0 with a Reference ID of four printable ASCII characters, sent by a
     * server or peer (modes 1, 2, 4, 5). Not a KoD: a client request (mode 3) whose stratum-0 refid states its own
     * status (ntpd sends "INIT"), and a crypto-NAK (MAC of key id only, RFC 5905 §7.3 / ntpd ntp_proto.c, which
     * handles it before any kiss code), which ntpd sends with LI=3, stratum 0 and its own refid ("STEP").
     */
    public boolean isKissOfDeath() {
        if (0 != stratum() || cryptoNak) {
            return false;
        }
        final int mode = mode();
        if (mode < 1 || mode > 5 || mode == 3) {
            return false;
        }
        return isAsciiCode(refId());
    }

    /** The kiss code of a Kiss-o'-Death, {@link KissCode#NONE} when {@link #isKissOfDeath()} is false. */
    public KissCode kissCode() {
        return isKissOfDeath() ? KissCode.fromCode(refId()) : KissCode.NONE;
    }

    /** The raw kiss code (the Reference ID) of a Kiss-o'-Death, 0 when not one. */
    public int kissCodeRaw() {
        return isKissOfDeath() ? refId() : 0;
    }

    /** Four printable ASCII characters (0x20-0x7e), the first not a space. */
    static boolean isAsciiCode(final int value) {
        if (((value >>> 24) & 0xFF) == ' ') {
            return false;
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            final int c = (value >>> shift) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code value} as 8 lowercase hex digits (the Avro {@code refId} form), without allocating. */
    public static StringBuilder appendHex(final int value, final StringBuilder out) {
        for (int shift = 28; shift >= 0; shift -= 4) {
            out.append(HEX_DIGITS[(value >>> shift) & 0xF]);
        }
        return out;
    }

    /** Appends {@code value} as 8 lowercase hex digits to any {@link Appendable}. */
    public static Appendable appendHex(final int value, final Appendable out) throws IOException {
        for (int shift = 28; shift >= 0; shift -= 4) {
            out.append(HEX_DIGITS[(value >>> shift) & 0xF]);
        }
        return out;
    }

    private int u8(final int field) {
        return Bytes.u8(buffer, offset + field);
    }

    private long u32(final int field) {
        return Bytes.u32(buffer, offset + field);
    }
}
