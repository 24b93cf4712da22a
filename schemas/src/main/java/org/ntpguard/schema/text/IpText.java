package org.ntpguard.schema.text;

import java.nio.ByteBuffer;

/**
 * IP addresses as text: dotted quad for IPv4, RFC 5952 canonical form for IPv6 (lowercase, no leading zeros, the
 * longest run of two or more zero groups, first one on a tie, shortened to "::", IPv4-mapped addresses with a dotted
 * quad tail per §5). Written into a caller's {@link StringBuilder}, so nothing else is allocated.
 */
public final class IpText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** {@link #longestZeroRun}: start in the bits above, length in the low 4 bits. */
    public static final int ZERO_RUN_SHIFT = 4;
    public static final int ZERO_RUN_LENGTH_MASK = 0xF;

    private IpText() {
    }

    /** Appends the address held in the buffer's remaining 4 or 16 bytes (position unchanged); others as hex. */
    public static StringBuilder append(final StringBuilder out, final ByteBuffer address) {
        final int start = address.position();
        final int length = address.remaining();
        if (length == 4) {
            return appendIpv4(out, address, start);
        }
        if (length == 16) {
            return appendIpv6(out, address, start);
        }
        for (int i = 0; i < length; i++) {
            final int b = address.get(start + i) & 0xFF;
            out.append(HEX[b >>> 4]).append(HEX[b & 0xF]);
        }
        return out;
    }

    /** Appends a 4- or 16-byte address from an array. */
    public static StringBuilder append(final StringBuilder out, final byte[] address, final int length) {
        return append(out, ByteBuffer.wrap(address, 0, length));
    }

    /** The address as a new string, for slow paths. */
    public static String format(final byte[] address) {
        return append(new StringBuilder(39), address, address.length).toString();
    }

    private static StringBuilder appendIpv4(final StringBuilder out, final ByteBuffer address, final int start) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(address.get(start + i) & 0xFF);
        }
        return out;
    }

    private static StringBuilder appendIpv6(final StringBuilder out, final ByteBuffer address, final int start) {
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = address.getShort(start + 2 * i) & 0xFFFF;
        }
        if (isIpv4Mapped(groups)) {
            out.append("::ffff:");
            return appendIpv4(out, address, start + 12);
        }
        final int run = longestZeroRun(groups);
        final int bestStart = run < 0 ? -1 : run >>> ZERO_RUN_SHIFT;
        final int bestLength = run < 0 ? 1 : run & ZERO_RUN_LENGTH_MASK;
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out;
    }

    /**
     * RFC 5952 §4.2: the longest run of two or more zero groups of the 8, the first one on a tie, as
     * {@code start << ZERO_RUN_SHIFT | length}; -1 when there is none.
     */
    public static int longestZeroRun(final int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        return bestStart < 0 ? -1 : bestStart << ZERO_RUN_SHIFT | bestLength;
    }

    /** RFC 5952 §5: {@code ::ffff:a.b.c.d}, written with a dotted quad tail. */
    public static boolean isIpv4Mapped(final int[] groups) {
        for (int i = 0; i < 5; i++) {
            if (groups[i] != 0) {
                return false;
            }
        }
        return groups[5] == 0xFFFF;
    }
}
