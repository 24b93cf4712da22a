package org.ntpguard.cli.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.pcap.PcapReader;
import org.ntpguard.capture.pcap.PcapWriter;
import org.ntpguard.capture.pcap.PcapngWriter;

/**
 * One alert's evidence capture while it is written: classic pcap as long as its frames share one link type, pcapng
 * from the first frame of another (what was written so far is copied over and the pcap deleted), so the common
 * capture opens in every tool and a mixed one loses nothing. Opened at its first frame, closed at the limit.
 */
final class EvidenceFile {

    /** Small, since the captures of all alerts are open at once; longer frames go through in pieces. */
    static final int BUFFER_CAPACITY = 16 * 1024;
    /** Frames are copied whole, however long they were captured. */
    static final int SNAP_LENGTH = PcapReader.MAX_CAPTURED_LENGTH;

    private final Path dir;
    private final String name;
    private final int limit;
    private Path file;
    private PcapWriter pcap;
    private PcapngWriter pcapng;
    private int linkType;
    private long packets;
    private long beyondLimit;
    private int firstInput;
    private long firstFrame;
    private int lastInput;
    private long lastFrame;

    /**
     * @param dir   the folder of the evidence captures
     * @param name  the file name without its extension
     * @param limit the most packets written
     */
    EvidenceFile(final Path dir, final String name, final int limit) {
        this.dir = dir;
        this.name = name;
        this.limit = limit;
    }

    /** Writes {@code frame}, read from input {@code input}, or counts it beyond the limit. */
    void add(final CapturedFrame frame, final int input) throws IOException {
        if (packets == limit) {
            beyondLimit++;
            return;
        }
        if (packets == 0) {
            file = dir.resolve(name + ".pcap");
            linkType = frame.linkType();
            pcap = PcapWriter.create(file, linkType, SNAP_LENGTH, PcapWriter.Precision.NANOSECONDS, BUFFER_CAPACITY);
            firstInput = input;
            firstFrame = frame.frameNumber();
        } else if (pcap != null && frame.linkType() != linkType) {
            switchToPcapng();
        }
        if (pcap != null) {
            pcap.write(frame.timestampNanos(), frame.buffer(), frame.offset(), frame.capturedLength(),
                    frame.originalLength());
        } else {
            pcapng.write(frame.linkType(), frame.timestampNanos(), frame.buffer(), frame.offset(),
                    frame.capturedLength(), frame.originalLength());
        }
        lastInput = input;
        lastFrame = frame.frameNumber();
        if (++packets == limit) {
            close();
        }
    }

    /** Closes the capture if open; what is written stays. */
    void close() throws IOException {
        try {
            if (pcap != null) {
                pcap.close();
            }
            if (pcapng != null) {
                pcapng.close();
            }
        } finally {
            pcap = null;
            pcapng = null;
        }
    }

    /**
     * What was written, for alerts.jsonl.
     *
     * @param folder the folder's path relative to the report folder, which the file name is given in
     * @param inputs the inputs by index, as given
     */
    AlertEvidence evidence(final String folder, final List<Path> inputs) {
        if (packets == 0) {
            return new AlertEvidence(null, 0, beyondLimit, limit, null, null);
        }
        return new AlertEvidence(folder + "/" + file.getFileName(), packets, beyondLimit, limit,
                new AlertEvidence.FramePosition(inputs.get(firstInput).toString(), firstFrame),
                new AlertEvidence.FramePosition(inputs.get(lastInput).toString(), lastFrame));
    }

    private void switchToPcapng() throws IOException {
        pcap.close();
        pcap = null;
        final Path written = file;
        file = dir.resolve(name + ".pcapng");
        pcapng = PcapngWriter.create(file, SNAP_LENGTH, BUFFER_CAPACITY);
        try (CaptureReader earlier = CaptureFiles.open(written, problem -> {
            throw new IllegalStateException("evidence capture " + written + " reads back damaged: " + problem);
        })) {
            final CapturedFrame copy = new CapturedFrame();
            while (earlier.next(copy)) {
                pcapng.write(copy.linkType(), copy.timestampNanos(), copy.buffer(), copy.offset(),
                        copy.capturedLength(), copy.originalLength());
            }
        }
        Files.delete(written);
    }
}
