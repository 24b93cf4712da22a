package org.ntpguard.streams.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ntpguard.streams.detect.IpAddress;

/**
 * Appends the codecs' primitives: zig-zag LEB128 variable-length integers (most counters are small, so a full peer
 * table costs tens of bytes per row, not a hundred), length-prefixed UTF-8 text and addresses.
 */
final class WireWriter {

    /** Grown by doubling; not a ByteArrayOutputStream, whose every write takes a lock (a flow is ~40 writes). */
    private byte[] out;
    private int length;

    WireWriter(final int sizeHint) {
        out = new byte[Math.max(16, sizeHint)];
    }

    private void room(final int more) {
        if (out.length - length < more) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
        }
    }

    private void put(final int b) {
        out[length++] = (byte) b;
    }

    WireWriter writeByte(final int b) {
        room(1);
        put(b);
        return this;
    }

    /** Zig-zag so that the few negative values (-1 for "none", Long.MIN_VALUE for "empty") stay legal. */
    WireWriter writeLong(final long value) {
        room(10);
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            put((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        put((int) v);
        return this;
    }

    WireWriter writeBytes(final byte[] bytes) {
        writeLong(bytes.length);
        room(bytes.length);
        System.arraycopy(bytes, 0, out, length, bytes.length);
        length += bytes.length;
        return this;
    }

    /** Null as length -1. */
    WireWriter writeText(final String text) {
        if (text == null) {
            return writeLong(-1);
        }
        return writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    WireWriter writeAddress(final IpAddress address) {
        room(17);
        if (address.ipv6()) {
            put(16);
            putLong(address.high());
        } else {
            put(4);
        }
        final int low = address.ipv6() ? 8 : 4;
        for (int shift = 8 * (low - 1); shift >= 0; shift -= 8) {
            put((int) (address.low() >>> shift));
        }
        return this;
    }

    private void putLong(final long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            put((int) (value >>> shift));
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(out, length);
    }
}
