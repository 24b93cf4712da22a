package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;
import org.ntpguard.schema.Role;

/**
 * The NTP layer of one UDP datagram on port 123: a flyweight over the payload bytes, re-pointed with
 * {@link #wrap} for every packet, allocated once per decoder. SKELETON: the NTP-layer work fills this in.
 */
public final class NtpMessage {

    /**
     * Re-points this message at a UDP payload and validates it.
     *
     * @param buffer          the frame's buffer (absolute reads only)
     * @param offset          index of the first NTP byte
     * @param availableLength NTP bytes actually present in the buffer (captured, and no more than UDP declares)
     * @param declaredLength  NTP length the UDP header declares (UDP length - 8)
     * @return null when the payload is valid NTP, else why it is not
     */
    public MalformedReason wrap(final ByteBuffer buffer, final int offset, final int availableLength,
                                final int declaredLength) {
        throw new UnsupportedOperationException("not yet");
    }

    public int li() { throw new UnsupportedOperationException(); }

    public int version() { throw new UnsupportedOperationException(); }

    public int mode() { throw new UnsupportedOperationException(); }

    /** Who sent it: from the mode and, for modes 6 and 7, the R bit. */
    public Role role() { throw new UnsupportedOperationException(); }
}
