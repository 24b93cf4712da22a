package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.ntpguard.streams.detect.IpAddress;

/**
 * Keys of the open-window event stores: window start, subject address, sequence number, so that one window's
 * events, or one subject's events in a window, are a contiguous range. Big-endian with the sign bit flipped: byte
 * order is numeric order. The progress key (8 zero bytes) sorts before every event key.
 *
 * <pre>
 * window start   8 bytes, sign bit flipped
 * subject        1 byte (4 or 6: IPv4 or IPv6) + 16 bytes (IPv4 in the last 4)
 * sequence       8 bytes, per task
 * </pre>
 */
final class OpenEventKeys {

    static final int LENGTH = 8 + 17 + 8;
    private static final int SUBJECT_PREFIX = 8 + 17;

    /** Where the aggregator keeps how far it has closed windows. */
    static final Bytes PROGRESS = Bytes.wrap(new byte[8]);

    private OpenEventKeys() {
    }

    static Bytes event(final long windowStart, final IpAddress subject, final long sequence) {
        final ByteBuffer key = ByteBuffer.allocate(LENGTH);
        putSubject(key.putLong(windowStart ^ Long.MIN_VALUE), subject);
        return Bytes.wrap(key.putLong(sequence).array());
    }

    /** The first key of this window. */
    static Bytes windowFrom(final long windowStart) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(windowStart ^ Long.MIN_VALUE).array());
    }

    /** The first key of this subject's events in this window. */
    static Bytes subjectFrom(final long windowStart, final IpAddress subject) {
        final ByteBuffer key = ByteBuffer.allocate(SUBJECT_PREFIX);
        putSubject(key.putLong(windowStart ^ Long.MIN_VALUE), subject);
        return Bytes.wrap(key.array());
    }

    /** The last possible key of this subject's events in this window. */
    static Bytes subjectTo(final long windowStart, final IpAddress subject) {
        final ByteBuffer key = ByteBuffer.allocate(LENGTH);
        putSubject(key.putLong(windowStart ^ Long.MIN_VALUE), subject);
        return Bytes.wrap(key.putLong(-1L).array());
    }

    static boolean isEvent(final Bytes key) {
        return key.get().length == LENGTH;
    }

    static long windowStart(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(0) ^ Long.MIN_VALUE;
    }

    static long sequence(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(SUBJECT_PREFIX);
    }

    private static void putSubject(final ByteBuffer key, final IpAddress subject) {
        key.put((byte) (subject.ipv6() ? 6 : 4)).putLong(subject.high()).putLong(subject.low());
    }
}
