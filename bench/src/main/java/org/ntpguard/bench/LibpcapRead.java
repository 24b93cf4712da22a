package org.ntpguard.bench;

import java.nio.file.Path;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;

/**
 * Stage d2: the live read loop itself on a file. libpcap reads the file, and {@link LiveCaptureReader#next} takes
 * each frame with {@code pcap_next_ex} and copies it into its reused buffer, as it does live, then it is decoded.
 * What this adds to stage b is libpcap's read and one JNA crossing per frame; against stage d, pcap4j's per-packet
 * allocations are gone.
 */
final class LibpcapRead {

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final CapturedFrame frame = new CapturedFrame();

    /** Reads and decodes up to {@code limit} frames of {@code file}; returns how many, adds a checksum to the sink. */
    long run(final Path file, final long limit) throws Exception {
        long count = 0;
        long ntp = 0;
        long sum = 0;
        try (LiveCaptureReader reader = LiveCaptureReader.openFile(file)) {
            while (count < limit && reader.next(frame)) {
                count++;
                if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                    ntp++;
                    sum += DecodeBenchmark.touch(packet.ntp());
                }
            }
        }
        DecodeBenchmark.expectAllNtp(count, ntp);
        DecodeBenchmark.sink += sum;
        return count;
    }
}
