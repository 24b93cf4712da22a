package org.ntpguard.capture.session;

import java.io.IOException;
import org.ntpguard.capture.decode.DecodedPacket;

/** Takes each decoded NTP datagram; the packet is valid only during the call. */
@FunctionalInterface
public interface PacketSink {

    void accept(DecodedPacket packet) throws IOException;
}
