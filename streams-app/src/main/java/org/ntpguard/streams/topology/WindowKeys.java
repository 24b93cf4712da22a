package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.ntpguard.streams.detect.IpAddress;

/**
 * Keys of the open-window stores: subject address, then window start, so that one subject's windows are a
 * contiguous range (the host drill-down reads them so). Big-endian with the window start's sign bit flipped: byte
 * order is numeric order. The progress key (one zero byte) sorts before every window key.
 *
 * <pre>
 * subject        1 byte (4 or 6: IPv4 or IPv6) + 16 bytes (IPv4 in the last 4)
 * window start   8 bytes, sign bit flipped
 * </pre>
 */
final class WindowKeys {

    static final int LENGTH = 17 + 8;

    /** Where the aggregator keeps how far it has closed windows. */
    static final Bytes PROGRESS = Bytes.wrap(new byte[1]);

    private WindowKeys() {
    }

    static Bytes window(final IpAddress subject, final long windowStart) {
        return Bytes.wrap(subject(subject).putLong(windowStart ^ Long.MIN_VALUE).array());
    }

    /** The first key of this subject's windows. */
    static Bytes subjectFrom(final IpAddress subject) {
        return Bytes.wrap(subject(subject).putLong(0L).array());
    }

    /** The last possible key of this subject's windows. */
    static Bytes subjectTo(final IpAddress subject) {
        return Bytes.wrap(subject(subject).putLong(-1L).array());
    }

    static boolean isWindow(final Bytes key) {
        return key.get().length == LENGTH;
    }

    static long windowStart(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(17) ^ Long.MIN_VALUE;
    }

    static IpAddress subject(final Bytes key) {
        final ByteBuffer bytes = ByteBuffer.wrap(key.get());
        final boolean ipv6 = bytes.get(0) == 6;
        return new IpAddress(bytes.getLong(1), bytes.getLong(9), ipv6);
    }

    /** How far windows are closed, then the last progress mark of each upstream partition (none on the client side). */
    static byte[] progressValue(final long closedBefore, final long[] upstreamMarks) {
        final ByteBuffer value = ByteBuffer.allocate(8 + 8 * upstreamMarks.length).putLong(closedBefore);
        for (final long mark : upstreamMarks) {
            value.putLong(mark);
        }
        return value.array();
    }

    static long progress(final byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    /** The upstream marks of a progress value; none in one written before they were kept. */
    static long[] upstreamMarks(final byte[] value) {
        final ByteBuffer bytes = ByteBuffer.wrap(value, 8, value.length - 8);
        final long[] marks = new long[bytes.remaining() / 8];
        for (int i = 0; i < marks.length; i++) {
            marks[i] = bytes.getLong();
        }
        return marks;
    }

    private static ByteBuffer subject(final IpAddress subject) {
        return ByteBuffer.allocate(LENGTH).put((byte) (subject.ipv6() ? 6 : 4)).putLong(subject.high())
                .putLong(subject.low());
    }
}
