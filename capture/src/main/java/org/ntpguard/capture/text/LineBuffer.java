package org.ntpguard.capture.text;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ntpguard.schema.text.IpText;

/**
 * One reused byte buffer that text lines are written into, ASCII numbers digit by digit, and that goes to its
 * stream in large writes: the output end of {@code decode}, which must not allocate per packet. Lines are whole in
 * every write (the buffer grows for a longer line rather than splitting it), so a consumer may decode each write on
 * its own.
 */
public final class LineBuffer {

    /** Written out once a line ends beyond this: large enough that a write costs little per line. */
    static final int FLUSH_THRESHOLD = 1 << 18;
    /** Room for the longest number or fixed-width field written at once (a 20-digit long and its sign). */
    private static final int MAX_NUMBER_LENGTH = 21;
    private static final byte[] HEX_DIGITS = {
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
    };
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private static final int INT_DIGITS = 9;
    private static final long INT_DIGITS_SCALE = 1_000_000_000L;
    /** "00", "01", ... "99". */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final int IPV6_GROUPS = 8;
    /** Eight groups of four hex digits and seven colons. */
    private static final int IPV6_MAX_LENGTH = 39;
    private static final byte[] IPV4_MAPPED_PREFIX = "::ffff:".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private final int[] groups = new int[IPV6_GROUPS];
    private final OutputStream out;
    private byte[] bytes = new byte[FLUSH_THRESHOLD * 2];
    private int length;

    public LineBuffer(final OutputStream out) {
        this.out = out;
    }

    /** Ends a line: writes the buffer out when it is full enough. */
    public void endLine() throws IOException {
        put('\n');
        if (length >= FLUSH_THRESHOLD) {
            writeOut();
        }
    }

    /** Writes out what the buffer holds and flushes the stream. */
    public void flush() throws IOException {
        writeOut();
        out.flush();
    }

    private void writeOut() throws IOException {
        if (length > 0) {
            final int pending = length;
            length = 0; // a failed write is not retried: what it held is lost with the stream
            out.write(bytes, 0, pending);
        }
    }

    void put(final char ascii) {
        ensure(1);
        bytes[length++] = (byte) ascii;
    }

    void put(final byte[] text) {
        ensure(text.length);
        System.arraycopy(text, 0, bytes, length, text.length);
        length += text.length;
    }

    /** A character sequence known to be ASCII (numbers as Java prints them, addresses). */
    void putAscii(final CharSequence text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    void putBoolean(final boolean value) {
        if (value) {
            ensure(4);
            bytes[length++] = 't';
            bytes[length++] = 'r';
            bytes[length++] = 'u';
            bytes[length++] = 'e';
        } else {
            ensure(5);
            bytes[length++] = 'f';
            bytes[length++] = 'a';
            bytes[length++] = 'l';
            bytes[length++] = 's';
            bytes[length++] = 'e';
        }
    }

    /** A signed decimal. */
    void putDecimal(final long value) {
        if (value == Long.MIN_VALUE) {
            put(LONG_MIN);
            return;
        }
        ensure(MAX_NUMBER_LENGTH);
        long rest = value;
        if (rest < 0) {
            bytes[length++] = '-';
            rest = -rest;
        }
        if (rest < INT_DIGITS_SCALE) {
            putDigits((int) rest, digitCount((int) rest));
        } else {
            putDigits(rest, digitCount(rest));
        }
    }

    /** The 64 bits as an unsigned decimal, as {@link Long#toUnsignedString(long)} writes them. */
    void putUnsignedDecimal(final long value) {
        if (value >= 0) {
            putDecimal(value);
            return;
        }
        // Above 2^63: all but the last digit fit a signed long once halved.
        final long quotient = (value >>> 1) / 5;
        putDecimal(quotient);
        put((char) ('0' + (value - quotient * 10)));
    }

    /** Exactly {@code width} decimal digits of a non-negative value, zero-padded on the left. */
    void putDigits(final long value, final int width) {
        if (width <= INT_DIGITS) {
            putDigits((int) value, width);
            return;
        }
        // One long division, then int arithmetic: a long division is several times an int's, and more under C1.
        putDigits(value / INT_DIGITS_SCALE, width - INT_DIGITS);
        putDigits((int) (value % INT_DIGITS_SCALE), INT_DIGITS);
    }

    /** Exactly {@code width} (at most 9) decimal digits of a non-negative int, two at a time. */
    void putDigits(final int value, final int width) {
        ensure(width);
        int rest = value;
        int i = length + width;
        while (i - 2 >= length) {
            final int pair = rest % 100;
            rest /= 100;
            bytes[--i] = DIGIT_PAIRS[2 * pair + 1];
            bytes[--i] = DIGIT_PAIRS[2 * pair];
        }
        if (i > length) {
            bytes[--i] = (byte) ('0' + rest % 10);
        }
        length += width;
    }

    /** An IPv6 address in RFC 5952 form, as {@link IpText} writes it. */
    void putIpv6(final byte[] address) {
        for (int i = 0; i < IPV6_GROUPS; i++) {
            groups[i] = (address[2 * i] & 0xFF) << 8 | address[2 * i + 1] & 0xFF;
        }
        if (IpText.isIpv4Mapped(groups)) {
            put(IPV4_MAPPED_PREFIX);
            for (int i = 12; i < 16; i++) {
                if (i > 12) {
                    put('.');
                }
                putDecimal(address[i] & 0xFF);
            }
            return;
        }
        final int run = IpText.longestZeroRun(groups);
        final int runStart = run < 0 ? -1 : run >>> IpText.ZERO_RUN_SHIFT;
        final int runEnd = run < 0 ? -1 : runStart + (run & IpText.ZERO_RUN_LENGTH_MASK);
        ensure(IPV6_MAX_LENGTH);
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == runStart) {
                bytes[length++] = ':';
                bytes[length++] = ':';
                i = runEnd - 1;
                continue;
            }
            if (i > 0 && i != runEnd) {
                bytes[length++] = ':';
            }
            final int group = groups[i];
            for (int shift = 12; shift >= 0; shift -= 4) {
                if (group >>> shift != 0 || shift == 0) {
                    bytes[length++] = HEX_DIGITS[group >>> shift & 0xF];
                }
            }
        }
    }

    /** Exactly {@code width} lowercase hex digits of the low bits of {@code value}. */
    void putHex(final long value, final int width) {
        ensure(width);
        for (int shift = 4 * (width - 1); shift >= 0; shift -= 4) {
            bytes[length++] = HEX_DIGITS[(int) (value >>> shift) & 0xF];
        }
    }

    /** Drops trailing zeros written last, keeping at least {@code keep} bytes after {@code from}. */
    void trimTrailingZeros(final int from, final int keep) {
        while (length > from + keep && bytes[length - 1] == '0') {
            length--;
        }
    }

    int length() {
        return length;
    }

    private static int digitCount(final int value) {
        int digits = 1;
        for (int bound = 10; digits < INT_DIGITS && value >= bound; bound *= 10) {
            digits++;
        }
        return digits;
    }

    private static int digitCount(final long value) {
        int digits = 1;
        for (long bound = 10; digits < 19 && value >= bound; bound *= 10) {
            digits++;
        }
        return digits;
    }

    private void ensure(final int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
