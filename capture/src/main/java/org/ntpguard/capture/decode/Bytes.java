package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;

/** Absolute big-endian reads widened to unsigned, the one way every header here is read. */
final class Bytes {

    private Bytes() {
    }

    static int u8(final ByteBuffer buffer, final int index) {
        return buffer.get(index) & 0xFF;
    }

    static int u16(final ByteBuffer buffer, final int index) {
        return buffer.getShort(index) & 0xFFFF;
    }

    static long u32(final ByteBuffer buffer, final int index) {
        return buffer.getInt(index) & 0xFFFF_FFFFL;
    }
}
