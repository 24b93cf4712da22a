package org.ntpguard.cli.evidence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;

/** The frames of a capture copied out for assertions, read by the project's reader; damage fails the test. */
public final class CaptureContents {

    /**
     * One frame: where it was read, its time, link type and bytes, and the source and destination addresses the
     * decoder finds in it when it is NTP (else none).
     */
    public record Frame(long number, long timestampNanos, int linkType, byte[] data, List<byte[]> addresses) {

        /** The same time, link type and bytes: the same frame, wherever it was read. */
        public boolean sameAs(final Frame other) {
            return timestampNanos == other.timestampNanos && linkType == other.linkType
                    && Arrays.equals(data, other.data);
        }
    }

    private CaptureContents() {
    }

    /** Every frame of {@code file}, in file order. */
    public static List<Frame> read(final Path file) throws IOException {
        final List<Frame> frames = new ArrayList<>();
        final PacketDecoder decoder = new PacketDecoder();
        final DecodedPacket packet = new DecodedPacket();
        try (CaptureReader reader = CaptureFiles.open(file, problem -> {
            throw new AssertionError(problem.toString());
        })) {
            final CapturedFrame frame = new CapturedFrame();
            while (reader.next(frame)) {
                final byte[] data = new byte[frame.capturedLength()];
                frame.buffer().get(frame.offset(), data);
                final List<byte[]> addresses = new ArrayList<>(2);
                if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                    final byte[] source = new byte[packet.addressLength()];
                    final byte[] destination = new byte[packet.addressLength()];
                    packet.source(source);
                    packet.destination(destination);
                    addresses.add(source);
                    addresses.add(destination);
                }
                frames.add(new Frame(frame.frameNumber(), frame.timestampNanos(), frame.linkType(), data,
                        addresses));
            }
        }
        return frames;
    }
}
