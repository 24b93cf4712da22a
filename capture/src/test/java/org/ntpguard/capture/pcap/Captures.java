package org.ntpguard.capture.pcap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Reads whole capture files into copied frames for assertions. */
final class Captures {

    /** One frame copied out of the reader's buffer. */
    record Frame(long number, long timestampNanos, int capturedLength, int originalLength, int linkType,
                 long fileOffset, byte[] data) {
    }

    /** Everything one file gave: its frames and its problems. */
    record Result(List<Frame> frames, List<CaptureProblem> problems) {

        List<Long> numbers() {
            return frames.stream().map(Frame::number).toList();
        }
    }

    private Captures() {
    }

    static Result read(final Path file) throws IOException {
        final List<CaptureProblem> problems = new ArrayList<>();
        final List<Frame> frames = new ArrayList<>();
        try (CaptureReader reader = CaptureFiles.open(file, problems::add)) {
            final CapturedFrame frame = new CapturedFrame();
            while (reader.next(frame)) {
                final byte[] data = new byte[frame.capturedLength()];
                frame.buffer().get(frame.offset(), data);
                frames.add(new Frame(frame.frameNumber(), frame.timestampNanos(), frame.capturedLength(),
                    frame.originalLength(), frame.linkType(), frame.fileOffset(), data));
            }
        }
        return new Result(frames, problems);
    }

    static Path write(final Path directory, final String name, final byte[] content) throws IOException {
        return Files.write(directory.resolve(name), content);
    }

    static byte[] gzip(final byte[] content) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
