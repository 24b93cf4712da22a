package org.ntpguard.streams.serde;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.ntpguard.streams.detect.IpAddress;

/**
 * Appends the codecs' primitives: zig-zag LEB128 variable-length integers (most counters are small, so a full peer
 * table costs tens of bytes per row, not a hundred), length-prefixed UTF-8 text and addresses.
 */
final class WireWriter {

    private final ByteArrayOutputStream out;

    WireWriter(final int sizeHint) {
        out = new ByteArrayOutputStream(sizeHint);
    }

    WireWriter writeByte(final int b) {
        out.write(b);
        return this;
    }

    /** Zig-zag so that the few negative values (-1 for "none", Long.MIN_VALUE for "empty") stay legal. */
    WireWriter writeLong(final long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    WireWriter writeBytes(final byte[] bytes) {
        writeLong(bytes.length);
        out.write(bytes, 0, bytes.length);
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
        final byte[] bytes = address.toBytes();
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
