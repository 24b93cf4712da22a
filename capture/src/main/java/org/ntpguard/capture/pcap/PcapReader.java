package org.ntpguard.capture.pcap;

import java.io.IOException;

/**
 * Reads a classic pcap file (draft-ietf-opsawg-pcap, "PCAP Capture File Format"; libpcap {@code pcap/pcap.h}):
 * micro- or nanosecond timestamps, either byte order.
 *
 * <pre>
 * File header (24 bytes)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Magic (a1b2c3d4 / a1b23c4d)               |  0
 * |        Major Version          |         Minor Version         |  4
 * |                    Reserved1 (thiszone)                       |  8
 * |                    Reserved2 (sigfigs)                        | 12
 * |                          SnapLen                              | 16
 * | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Record header (16 bytes), then Captured Packet Length bytes of data
 * |                      Timestamp (Seconds)                      |  0
 * |        Timestamp (Microseconds or nanoseconds)                |  4
 * |                 Captured Packet Length                        |  8
 * |                 Original Packet Length                        | 12
 * </pre>
 *
 * <p>Damage is reported, not thrown: a record longer than the snap length or {@link #MAX_CAPTURED_LENGTH} is
 * {@link CaptureProblem.Kind#OVERSIZED_RECORD} and ends the file (nothing marks where the next record starts); an
 * empty record is {@link CaptureProblem.Kind#ZERO_LENGTH_FRAME} and skipped (it still has a frame number); a cut last
 * record is {@link CaptureProblem.Kind#TRUNCATED_RECORD}. Open it with {@link CaptureFiles#open}.
 */
public final class PcapReader implements CaptureReader {

    /** libpcap's MAXIMUM_SNAPLEN (256 KiB): a larger captured length is corruption, whatever the snap length. */
    public static final int MAX_CAPTURED_LENGTH = 262_144;

    static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    static final int MAGIC_NANOSECONDS = 0xA1B23C4D;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_MAJOR_OFFSET = 4;
    static final int SNAP_LENGTH_OFFSET = 16;
    static final int LINK_TYPE_OFFSET = 20;
    static final int FILE_HEADER_LENGTH = LINK_TYPE_OFFSET + 4;
    /** The LinkType is the low 16 bits; above it sit the FCS length and its flag, which frames don't need. */
    static final int LINK_TYPE_MASK = 0xFFFF;

    static final int TIMESTAMP_SECONDS_OFFSET = 0;
    static final int TIMESTAMP_FRACTION_OFFSET = 4;
    static final int CAPTURED_LENGTH_OFFSET = 8;
    static final int ORIGINAL_LENGTH_OFFSET = 12;
    static final int RECORD_HEADER_LENGTH = ORIGINAL_LENGTH_OFFSET + 4;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final CaptureInput input;
    private final boolean bigEndian;
    private final long nanosPerFraction;
    private final long snapLength;
    private final int linkType;
    private long frameNumber;
    private boolean done;

    /** Reads the file header; the magic at the input's start has been checked to be a pcap one. */
    PcapReader(final CaptureInput input) throws IOException {
        this.input = input;
        final int magic = input.buffer().getInt(input.start() + MAGIC_OFFSET);
        this.bigEndian = magic == MAGIC_MICROSECONDS || magic == MAGIC_NANOSECONDS;
        final int nativeMagic = bigEndian ? magic : Integer.reverseBytes(magic);
        this.nanosPerFraction = nativeMagic == MAGIC_NANOSECONDS ? 1L : 1_000L;
        if (!input.ensure(FILE_HEADER_LENGTH)) {
            if (input.compressionFailed()) {
                input.reportEnd(0, 0, "file header", FILE_HEADER_LENGTH);
            } else {
                input.report(0, 0, CaptureProblem.Kind.TRUNCATED_FILE_HEADER,
                    "truncated pcap file header: " + input.available() + " bytes (expected: " + FILE_HEADER_LENGTH
                        + ")");
            }
            this.done = true;
            this.snapLength = 0;
            this.linkType = 0;
            return;
        }
        final int base = input.start();
        this.snapLength = input.u32(base + SNAP_LENGTH_OFFSET, bigEndian);
        this.linkType = input.i32(base + LINK_TYPE_OFFSET, bigEndian) & LINK_TYPE_MASK;
        input.advance(FILE_HEADER_LENGTH);
    }

    /** True when the timestamps are in nanoseconds (magic a1b23c4d), false for microseconds. */
    public boolean nanosecondTimestamps() {
        return nanosPerFraction == 1L;
    }

    /** True when the file is big-endian. */
    public boolean bigEndian() {
        return bigEndian;
    }

    /** The LINKTYPE_ of every frame in the file. */
    public int linkType() {
        return linkType;
    }

    /** The snap length from the file header (0 when the writer left it unset). */
    public long snapLength() {
        return snapLength;
    }

    @Override
    public boolean next(final CapturedFrame frame) throws IOException {
        while (!done) {
            final long recordOffset = input.position();
            if (!input.ensure(RECORD_HEADER_LENGTH)) {
                input.reportEnd(frameNumber + 1, recordOffset, "record header", RECORD_HEADER_LENGTH);
                done = true;
                return false;
            }
            frameNumber++;
            int base = input.start();
            final long capturedLength = input.u32(base + CAPTURED_LENGTH_OFFSET, bigEndian);
            if (capturedLength > MAX_CAPTURED_LENGTH || snapLength != 0 && capturedLength > snapLength) {
                input.report(frameNumber, recordOffset, CaptureProblem.Kind.OVERSIZED_RECORD,
                    "captured length: " + capturedLength + " (expected: <= "
                        + (snapLength != 0 ? Math.min(snapLength, MAX_CAPTURED_LENGTH) : MAX_CAPTURED_LENGTH) + ")");
                done = true;
                return false;
            }
            final int recordLength = RECORD_HEADER_LENGTH + (int) capturedLength;
            if (!input.ensure(recordLength)) {
                input.reportEnd(frameNumber, recordOffset, "record", recordLength);
                done = true;
                return false;
            }
            if (capturedLength == 0) {
                input.report(frameNumber, recordOffset, CaptureProblem.Kind.ZERO_LENGTH_FRAME,
                    "captured length: 0 (expected: 1+)");
                input.advance(recordLength);
                continue;
            }
            base = input.start();
            final long seconds = input.u32(base + TIMESTAMP_SECONDS_OFFSET, bigEndian);
            final long fraction = input.u32(base + TIMESTAMP_FRACTION_OFFSET, bigEndian);
            final int originalLength =
                (int) Math.min(input.u32(base + ORIGINAL_LENGTH_OFFSET, bigEndian), Integer.MAX_VALUE);
            frame.set(input.buffer(), base + RECORD_HEADER_LENGTH, (int) capturedLength, originalLength, linkType,
                seconds * NANOS_PER_SECOND + fraction * nanosPerFraction, frameNumber, recordOffset);
            input.advance(recordLength);
            return true;
        }
        return false;
    }

    @Override
    public String source() {
        return input.source();
    }

    @Override
    public void close() throws IOException {
        done = true;
        input.close();
    }
}
