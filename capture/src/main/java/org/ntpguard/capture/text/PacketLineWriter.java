package org.ntpguard.capture.text;

import java.io.IOException;
import org.ntpguard.capture.decode.DecodedPacket;

/** Writes decoded packets as lines: on the caller's thread ({@link PacketLines}) or on several ({@link ParallelPacketLines}). */
public interface PacketLineWriter {

    /** Writes one packet's line; the packet need be valid only during the call. */
    void write(DecodedPacket packet) throws IOException;

    /** Writes out every line written so far and flushes the stream. */
    void flush() throws IOException;
}
