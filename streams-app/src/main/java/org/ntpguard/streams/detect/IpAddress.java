package org.ntpguard.streams.detect;

import java.nio.ByteBuffer;
import org.ntpguard.schema.text.IpText;

/**
 * An IPv4 or IPv6 address as a plain value: two longs, so that equality, hashing and ordering are cheap and exact.
 * IPv4 addresses keep their 4 bytes in the low 32 bits of {@code low}.
 */
public record IpAddress(long high, long low, boolean ipv6) implements Comparable<IpAddress> {

    /** The address in 4 or 16 bytes (IPv4 or IPv6); the buffer's position is not moved. */
    public static IpAddress of(final ByteBuffer bytes) {
        final int at = bytes.position();
        if (bytes.remaining() == 4) {
            return new IpAddress(0, bytes.getInt(at) & 0xFFFF_FFFFL, false);
        }
        if (bytes.remaining() == 16) {
            return new IpAddress(bytes.getLong(at), bytes.getLong(at + 8), true);
        }
        throw new IllegalArgumentException("address length: " + bytes.remaining() + " bytes (expected: 4 or 16)");
    }

    public static IpAddress of(final byte[] bytes) {
        return of(ByteBuffer.wrap(bytes));
    }

    /** Parses dotted-quad IPv4 or any textual IPv6 form. For configuration, not for the hot path. */
    public static IpAddress parse(final String text) {
        final String trimmed = text.trim();
        if (trimmed.indexOf(':') < 0 && !trimmed.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
        try {
            // Numeric literals only (checked above for IPv4; IPv6 literals contain ':'): no DNS lookup happens.
            return of(java.net.InetAddress.getByName(trimmed).getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'", e);
        }
    }

    /** The network of this address with a prefix of {@code length} bits: the host bits cleared. */
    public IpAddress masked(final int length) {
        if (length < 0 || length > (ipv6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length " + length + " (expected: 0 ~ " + (ipv6 ? 128 : 32)
                    + ")");
        }
        return new IpAddress(high & highMask(ipv6, length), low & lowMask(ipv6, length), ipv6);
    }

    /** The bits of {@code high} that a prefix of {@code length} keeps (none for IPv4, which lives in {@code low}). */
    static long highMask(final boolean ipv6, final int length) {
        return !ipv6 || length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    /** The bits of {@code low} that a prefix of {@code length} keeps. */
    static long lowMask(final boolean ipv6, final int length) {
        if (!ipv6) {
            return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
        }
        return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
    }

    public byte[] toBytes() {
        if (!ipv6) {
            return ByteBuffer.allocate(4).putInt((int) low).array();
        }
        return ByteBuffer.allocate(16).putLong(high).putLong(low).array();
    }

    public ByteBuffer toByteBuffer() {
        return ByteBuffer.wrap(toBytes());
    }

    @Override
    public int compareTo(final IpAddress other) {
        if (ipv6 != other.ipv6) {
            return ipv6 ? 1 : -1;
        }
        final int byHigh = Long.compareUnsigned(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    // Written out: every flow looks up two windows and a peer by address, and the record's generated equals and
    // hashCode (through ObjectMethods) showed in the detector's profile.
    @Override
    public boolean equals(final Object other) {
        return other instanceof IpAddress address && low == address.low && high == address.high
                && ipv6 == address.ipv6;
    }

    @Override
    public int hashCode() {
        final long mixed = (high * 0x9E37_79B9_7F4A_7C15L + low) * 0x9E37_79B9_7F4A_7C15L;
        return (int) (mixed ^ (mixed >>> 32)) ^ (ipv6 ? 1 : 0);
    }

    /** Dotted quad, or RFC 5952 text. */
    @Override
    public String toString() {
        return IpText.append(new StringBuilder(39), toByteBuffer()).toString();
    }
}
