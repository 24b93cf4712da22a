package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * 64-bit fingerprints of detections (FNV-1a over their encoded bytes), and a small most-recent-last list of them
 * packed into a byte array for a state store.
 */
final class DetectionFingerprints {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final SingleObjectSerde<NtpAlert> SERDE = SingleObjectSerde.ntpAlert();

    private DetectionFingerprints() {
    }

    static long of(final NtpAlert detection) {
        final byte[] bytes = SERDE.serializer().serialize("", detection);
        long hash = FNV_OFFSET;
        for (final byte b : bytes) {
            hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
        }
        return hash;
    }

    static boolean contains(final byte[] list, final long fingerprint) {
        if (list == null) {
            return false;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(list);
        while (buffer.remaining() >= Long.BYTES) {
            if (buffer.getLong() == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** {@code list} with {@code fingerprint} appended, the oldest dropped beyond {@code capacity}. */
    static byte[] add(final byte[] list, final long fingerprint, final int capacity) {
        final int kept = list == null ? 0 : Math.min(list.length / Long.BYTES, capacity - 1);
        final ByteBuffer out = ByteBuffer.allocate((kept + 1) * Long.BYTES);
        if (kept > 0) {
            out.put(list, list.length - kept * Long.BYTES, kept * Long.BYTES);
        }
        return out.putLong(fingerprint).array();
    }
}
