package org.ntpguard.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.pcap.PcapWriter;

/** A real capture cut in two by capture time, as a rotating capture (tcpdump -G, -C) writes it. */
final class SplitCapture {

    private static final int SNAP_LENGTH = 262_144;

    private SplitCapture() {
    }

    /**
     * Writes the frames of {@code capture} before the median frame's time to {@code first} and the rest to
     * {@code second}, byte for byte; the capture is read in its own order.
     *
     * @return the two parts, in capture-time order
     */
    static List<Path> split(final Path capture, final Path first, final Path second) throws IOException {
        final List<Long> times = new ArrayList<>();
        final int linkType = read(capture, frame -> times.add(frame.timestampNanos()));
        final long cut = times.stream().sorted().toList().get(times.size() / 2);
        try (PcapWriter early = PcapWriter.create(first, linkType, SNAP_LENGTH, PcapWriter.Precision.NANOSECONDS);
             PcapWriter late = PcapWriter.create(second, linkType, SNAP_LENGTH, PcapWriter.Precision.NANOSECONDS)) {
            read(capture, frame -> write(frame.timestampNanos() < cut ? early : late, frame));
        }
        return List.of(first, second);
    }

    /** Writes the frames of {@code parts}, one part after the other, into one capture. */
    static Path concatenate(final List<Path> parts, final Path into) throws IOException {
        final int linkType = read(parts.get(0), frame -> { });
        try (PcapWriter writer = PcapWriter.create(into, linkType, SNAP_LENGTH, PcapWriter.Precision.NANOSECONDS)) {
            for (final Path part : parts) {
                read(part, frame -> write(writer, frame));
            }
        }
        return into;
    }

    private interface FrameAction {
        void accept(CapturedFrame frame) throws IOException;
    }

    /** @return the link type of the first frame (1 when there is none) */
    private static int read(final Path capture, final FrameAction action) throws IOException {
        int linkType = -1;
        try (CaptureReader reader = CaptureFiles.open(capture, problem -> {
            throw new IllegalStateException(problem.describe());
        })) {
            final CapturedFrame frame = new CapturedFrame();
            while (reader.next(frame)) {
                linkType = linkType < 0 ? frame.linkType() : linkType;
                action.accept(frame);
            }
        }
        return linkType < 0 ? 1 : linkType;
    }

    private static void write(final PcapWriter writer, final CapturedFrame frame) throws IOException {
        writer.write(frame.timestampNanos(), frame.buffer(), frame.offset(), frame.capturedLength(),
                frame.originalLength());
    }
}
