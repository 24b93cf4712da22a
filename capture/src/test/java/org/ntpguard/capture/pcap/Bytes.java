package org.ntpguard.capture.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Builds byte fixtures one field per call, so each line of a fixture can name its field. */
final class Bytes {

    private ByteBuffer buffer = ByteBuffer.allocate(1 << 12);

    Bytes(final ByteOrder order) {
        buffer.order(order);
    }

    static Bytes littleEndian() {
        return new Bytes(ByteOrder.LITTLE_ENDIAN);
    }

    static Bytes bigEndian() {
        return new Bytes(ByteOrder.BIG_ENDIAN);
    }

    /** Switches the byte order of the fields that follow (a new pcapng section). */
    Bytes order(final ByteOrder order) {
        buffer.order(order);
        return this;
    }

    Bytes u8(final int value) {
        room(1).put((byte) value);
        return this;
    }

    Bytes u16(final int value) {
        room(2).putShort((short) value);
        return this;
    }

    Bytes u32(final long value) {
        room(4).putInt((int) value);
        return this;
    }

    Bytes u64(final long value) {
        room(8).putLong(value);
        return this;
    }

    Bytes bytes(final byte[] value) {
        room(value.length).put(value);
        return this;
    }

    Bytes zeros(final int count) {
        return bytes(new byte[count]);
    }

    /** Bytes written so far: the offset of the next field. */
    int size() {
        return buffer.position();
    }

    byte[] toArray() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** {@code length} bytes of a pattern that differs per {@code seed}, to check frames byte for byte. */
    static byte[] pattern(final int length, final int seed) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    private ByteBuffer room(final int length) {
        if (buffer.remaining() < length) {
            final ByteBuffer grown = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + length))
                .order(buffer.order());
            grown.put(buffer.array(), 0, buffer.position());
            buffer = grown;
        }
        return buffer;
    }
}
