package org.ntpguard.streams.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ntpguard.streams.detect.IpAddress;

/**
 * Reads what {@link WireWriter} wrote, checking every length before the read: bad bytes give an
 * {@link IllegalArgumentException} naming what was being read, where, and what was expected; never an index error.
 */
final class WireReader {

    private final byte[] bytes;
    private final String what;
    private int position;

    WireReader(final byte[] bytes, final String what) {
        if (bytes == null) {
            throw new IllegalArgumentException(what + ": null bytes (expected: an encoded " + what + ")");
        }
        this.bytes = bytes;
        this.what = what;
    }

    /** Checks the leading format-version byte. */
    WireReader version(final int expected) {
        final int version = readByte("format version");
        if (version != expected) {
            throw fail("unsupported format version " + version + " (expected: " + expected + ")");
        }
        return this;
    }

    /** Reads the format version, any from {@code oldest} to {@code current}, and returns it. */
    int version(final int oldest, final int current) {
        final int version = readByte("format version");
        if (version < oldest || version > current) {
            throw fail("unsupported format version " + version + " (expected: " + oldest + " to " + current + ")");
        }
        return version;
    }

    int readByte(final String field) {
        need(1, field);
        return bytes[position++] & 0xFF;
    }

    long readLong(final String field) {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            need(1, field);
            final int b = bytes[position++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (v >>> 1) ^ -(v & 1);
            }
        }
        throw fail(field + ": variable-length integer longer than 10 bytes");
    }

    int readInt(final String field, final int min, final int max) {
        final long v = readLong(field);
        if (v < min || v > max) {
            throw fail(field + ": " + v + " (expected: " + min + " ~ " + max + ")");
        }
        return (int) v;
    }

    byte[] readBytes(final String field, final int maxLength) {
        return take(readInt(field + " length", 0, maxLength), field);
    }

    /** Text written by {@link WireWriter#writeText(String)}; null was written as length -1. */
    String readText(final String field, final int maxLength) {
        final int length = readInt(field + " length", -1, maxLength);
        return length == -1 ? null : new String(take(length, field), StandardCharsets.UTF_8);
    }

    private byte[] take(final int length, final String field) {
        need(length, field);
        final byte[] out = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return out;
    }

    IpAddress readAddress(final String field) {
        return address(readByte(field + " length"), field);
    }

    /** An address as Avro bytes: a variable-length length (4 or 16), then the address in network order. */
    IpAddress readAddressBytes(final String field) {
        return address(readLong(field + " length"), field);
    }

    private IpAddress address(final long length, final String field) {
        if (length != 4 && length != 16) {
            throw fail(field + " length: " + length + " (expected: 4 or 16)");
        }
        need((int) length, field);
        final IpAddress address = length == 4 ? new IpAddress(0, word(position, 4), false)
                : new IpAddress(word(position, 8), word(position + 8, 8), true);
        position += (int) length;
        return address;
    }

    /** Skips bytes already checked by the caller (a header). */
    void skip(final int count) {
        need(count, "header");
        position += count;
    }

    private long word(final int at, final int count) {
        long v = 0;
        for (int i = 0; i < count; i++) {
            v = v << 8 | (bytes[at + i] & 0xFF);
        }
        return v;
    }

    /** Fails unless every byte was read: trailing garbage means the wrong format or a damaged record. */
    void end() {
        if (position != bytes.length) {
            throw fail((bytes.length - position) + " trailing bytes after the " + what);
        }
    }

    IllegalArgumentException fail(final String message) {
        return new IllegalArgumentException("bad " + what + " at byte " + position + " of " + bytes.length + ": "
                + message);
    }

    private void need(final int count, final String field) {
        if (count > bytes.length - position) {
            throw fail("truncated " + field + ": " + (bytes.length - position) + " bytes left (expected: " + count
                    + "+)");
        }
    }
}
