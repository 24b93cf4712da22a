package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Absolute big-endian reads whatever order the caller's buffer is set to (a pcap reader may leave it little-endian),
 * without touching the buffer's position, limit or order.
 */
final class Bytes {
    private Bytes() {
    }

    static int u8(final ByteBuffer buffer, final int index) {
        return buffer.get(index) & 0xFF;
    }

    static int u16(final ByteBuffer buffer, final int index) {
        final short value = buffer.getShort(index);
        return (ByteOrder.BIG_ENDIAN == buffer.order() ? value : Short.reverseBytes(value)) & 0xFFFF;
    }

    static int s32(final ByteBuffer buffer, final int index) {
        final int value = buffer.getInt(index);
        return ByteOrder.BIG_ENDIAN == buffer.order() ? value : Integer.reverseBytes(value);
    }

    static long u32(final ByteBuffer buffer, final int index) {
        return s32(buffer, index) & 0xFFFF_FFFFL;
    }

    static long s64(final ByteBuffer buffer, final int index) {
        final long value = buffer.getLong(index);
        return ByteOrder.BIG_ENDIAN == buffer.order() ? value : Long.reverseBytes(value);
    }
}
