package org.ntpguard.cli.evidence;

import java.nio.ByteBuffer;
import org.ntpguard.schema.NtpAlert;

/**
 * What an alert's evidence capture holds: the packets to or from {@code subject} captured from the start of the
 * alert's first window to the end of its last update's window.
 *
 * @param alertId   the alert's id, which names its evidence file
 * @param subject   the subject's address, 4 or 16 bytes
 * @param fromNanos capture time of the span's start, epoch nanoseconds, inclusive
 * @param toNanos   capture time of the span's end, epoch nanoseconds, exclusive
 */
record AlertSpan(String alertId, byte[] subject, long fromNanos, long toNanos) {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    /** The span of the alert's latest version: windows start and end on whole milliseconds, ends exclusive. */
    static AlertSpan of(final NtpAlert alert) {
        final ByteBuffer address = alert.getSubject().duplicate();
        final byte[] subject = new byte[address.remaining()];
        address.get(subject);
        return new AlertSpan(alert.getId(), subject, alert.getWindowStart() * NANOS_PER_MILLI,
                alert.getWindowEnd() * NANOS_PER_MILLI);
    }

    boolean covers(final long timestampNanos) {
        return timestampNanos >= fromNanos && timestampNanos < toNanos;
    }
}
