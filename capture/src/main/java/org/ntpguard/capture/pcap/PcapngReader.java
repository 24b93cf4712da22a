package org.ntpguard.capture.pcap;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a pcapng file (draft-ietf-opsawg-pcapng, "PCAP Now Generic (pcapng) Capture File Format"): Section Header
 * Blocks in either byte order, Interface Description Blocks with {@code if_tsresol} and {@code if_tsoffset},
 * Enhanced, Simple and (obsolete) Packet Blocks. Every other block type is skipped by its length.
 *
 * <pre>
 * General block structure (§3.1)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Block Type                           |  0
 * |                      Block Total Length                       |  4
 * /                          Block Body                           /  8
 * |                      Block Total Length                       |  total - 4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * SHB body: Byte-Order Magic 1a2b3c4d (8) | Major (12) | Minor (14) | Section Length (16, 8 bytes) | options (24)
 * IDB body: LinkType (8, 16 bits) | Reserved (10) | SnapLen (12) | options (16)
 * EPB body: Interface ID (8) | Timestamp high (12) | low (16) | Captured Len (20) | Original Len (24) | data (28)
 * SPB body: Original Packet Length (8) | data (12)
 * PB body:  Interface ID (8, 16 bits) | Drops Count (10) | Timestamp high (12) | low (16) | Captured Len (20)
 *           | Original Len (24) | data (28)
 * </pre>
 *
 * <p>Each section has its own byte order and interfaces; frames carry their own interface's link type, and
 * timestamps are converted exactly (truncated below the nanosecond) from the interface's resolution to nanoseconds.
 * Frame numbers count packet blocks (EPB, SPB, PB) from 1 across all sections. A block whose lengths disagree, or an
 * EPB naming an unknown interface, is {@link CaptureProblem.Kind#BAD_BLOCK} and skipped; a block length that cannot
 * frame a block (under 12 or not a multiple of 4) ends the file. Open it with {@link CaptureFiles#open}.
 */
public final class PcapngReader implements CaptureReader {

    static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION_BLOCK = 0x00000001;
    static final int PACKET_BLOCK = 0x00000002;
    static final int SIMPLE_PACKET_BLOCK = 0x00000003;
    static final int ENHANCED_PACKET_BLOCK = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    static final int BLOCK_TYPE_OFFSET = 0;
    static final int BLOCK_TOTAL_LENGTH_OFFSET = 4;
    static final int BLOCK_BODY_OFFSET = 8;
    static final int BLOCK_HEADER_LENGTH = BLOCK_BODY_OFFSET;
    static final int BLOCK_TRAILER_LENGTH = 4;
    static final int MIN_BLOCK_LENGTH = BLOCK_HEADER_LENGTH + BLOCK_TRAILER_LENGTH;
    /** Blocks are read whole into the 1 MiB buffer; longer ones are streamed past (or fatal when they matter). */
    static final int MAX_BLOCK_LENGTH = CaptureInput.CAPACITY;

    static final int SHB_BYTE_ORDER_MAGIC_OFFSET = 8;
    static final int SHB_MAJOR_VERSION_OFFSET = 12;
    static final int SHB_OPTIONS_OFFSET = 24;
    static final int MIN_SHB_LENGTH = SHB_OPTIONS_OFFSET + BLOCK_TRAILER_LENGTH;

    static final int IDB_LINK_TYPE_OFFSET = 8;
    static final int IDB_SNAP_LENGTH_OFFSET = 12;
    static final int IDB_OPTIONS_OFFSET = 16;

    static final int EPB_INTERFACE_ID_OFFSET = 8;
    static final int EPB_TIMESTAMP_HIGH_OFFSET = 12;
    static final int EPB_TIMESTAMP_LOW_OFFSET = 16;
    static final int EPB_CAPTURED_LENGTH_OFFSET = 20;
    static final int EPB_ORIGINAL_LENGTH_OFFSET = 24;
    static final int EPB_DATA_OFFSET = 28;

    static final int SPB_ORIGINAL_LENGTH_OFFSET = 8;
    static final int SPB_DATA_OFFSET = 12;

    static final int PB_INTERFACE_ID_OFFSET = 8;

    static final int OPTION_HEADER_LENGTH = 4;
    static final int OPT_ENDOFOPT = 0;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;
    /** if_tsresol: the high bit selects a power of 2, otherwise a power of 10, of the remaining 7 bits. */
    static final int TSRESOL_BINARY_MASK = 0x80;
    static final int TSRESOL_EXPONENT_MASK = 0x7F;
    /** if_tsresol default: 10^-6. */
    static final int DEFAULT_TSRESOL = 6;
    /** Bounds the interface table whatever the file says. */
    static final int MAX_INTERFACES = 65_536;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    };

    private final CaptureInput input;
    private boolean bigEndian;
    private int interfaceCount;
    private int[] linkTypes = new int[4];
    private long[] snapLengths = new long[4];
    /** Per interface: multiply units by this (decimal resolutions down to 10^-9)... */
    private long[] unitMultipliers = new long[4];
    /** ...or divide by this (decimal resolutions finer than 10^-9)... */
    private long[] unitDivisors = new long[4];
    /** ...or, when 0 or more, split seconds and fraction at this bit (binary resolutions 2^-shift). */
    private int[] unitShifts = new int[4];
    private long[] offsetNanos = new long[4];
    private long frameNumber;
    private long lastTimestampNanos;
    private boolean done;

    /** Checks the first Section Header Block is complete; the magic at the input's start is the SHB type. */
    PcapngReader(final CaptureInput input) throws IOException {
        this.input = input;
        if (!input.ensure(MIN_SHB_LENGTH)) {
            if (input.compressionFailed()) {
                input.reportEnd(0, 0, "section header block", MIN_SHB_LENGTH);
            } else {
                input.report(0, 0, CaptureProblem.Kind.TRUNCATED_FILE_HEADER,
                    "truncated pcapng section header block: " + input.available() + " bytes (expected: "
                        + MIN_SHB_LENGTH + "+)");
            }
            done = true;
        }
    }

    @Override
    public boolean next(final CapturedFrame frame) throws IOException {
        while (!done) {
            final long blockOffset = input.position();
            if (!input.ensure(BLOCK_HEADER_LENGTH)) {
                input.reportEnd(frameNumber + 1, blockOffset, "block header", BLOCK_HEADER_LENGTH);
                return finish();
            }
            final int type = input.i32(input.start() + BLOCK_TYPE_OFFSET, bigEndian);
            if (type == SECTION_HEADER_BLOCK && !byteOrder(blockOffset)) {
                return finish();
            }
            final long totalLength = input.u32(input.start() + BLOCK_TOTAL_LENGTH_OFFSET, bigEndian);
            if (totalLength < MIN_BLOCK_LENGTH || totalLength % 4 != 0) {
                input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                    "block total length: " + totalLength + " (expected: a multiple of 4, " + MIN_BLOCK_LENGTH
                        + " or more)");
                return finish();
            }
            final boolean packet = type == ENHANCED_PACKET_BLOCK || type == SIMPLE_PACKET_BLOCK
                || type == PACKET_BLOCK;
            if (packet) {
                frameNumber++;
            }
            final long problemFrame = packet ? frameNumber : frameNumber + 1;
            if (totalLength > MAX_BLOCK_LENGTH) {
                if (packet) {
                    input.report(problemFrame, blockOffset, CaptureProblem.Kind.OVERSIZED_RECORD,
                        "packet block total length: " + totalLength + " (expected: <= " + MAX_BLOCK_LENGTH + ")");
                    return finish();
                }
                if (type == SECTION_HEADER_BLOCK || type == INTERFACE_DESCRIPTION_BLOCK) {
                    input.report(problemFrame, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                        "header block total length: " + totalLength + " (expected: <= " + MAX_BLOCK_LENGTH + ")");
                    return finish();
                }
                if (!skipLarge(blockOffset, totalLength)) {
                    return finish();
                }
                continue;
            }
            final int length = (int) totalLength;
            if (!input.ensure(length)) {
                input.reportEnd(problemFrame, blockOffset, "block", totalLength);
                return finish();
            }
            final int base = input.start();
            final long trailingLength = input.u32(base + length - BLOCK_TRAILER_LENGTH, bigEndian);
            if (trailingLength != totalLength) {
                input.report(problemFrame, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                    "trailing block total length: " + trailingLength + " (expected: " + totalLength
                        + ", as the leading one)");
                input.advance(length);
                continue;
            }
            final boolean delivered;
            if (type == SECTION_HEADER_BLOCK) {
                delivered = false;
                if (!section(base, length, blockOffset)) {
                    return finish();
                }
            } else if (type == INTERFACE_DESCRIPTION_BLOCK) {
                delivered = false;
                describeInterface(base, length, blockOffset);
            } else if (type == ENHANCED_PACKET_BLOCK) {
                delivered = packet(frame, base, length, blockOffset,
                    input.u32(base + EPB_INTERFACE_ID_OFFSET, bigEndian));
            } else if (type == PACKET_BLOCK) {
                delivered = packet(frame, base, length, blockOffset,
                    input.u16(base + PB_INTERFACE_ID_OFFSET, bigEndian));
            } else if (type == SIMPLE_PACKET_BLOCK) {
                delivered = simplePacket(frame, base, length, blockOffset);
            } else {
                delivered = false;
            }
            if (done) {
                return false;
            }
            input.advance(length);
            if (delivered) {
                return true;
            }
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

    /** Reads the byte-order magic of a Section Header Block at the input's start; false (reported) if bad. */
    private boolean byteOrder(final long blockOffset) throws IOException {
        if (!input.ensure(SHB_BYTE_ORDER_MAGIC_OFFSET + 4)) {
            input.reportEnd(frameNumber + 1, blockOffset, "section header block", MIN_SHB_LENGTH);
            return false;
        }
        final int magic = input.buffer().getInt(input.start() + SHB_BYTE_ORDER_MAGIC_OFFSET);
        if (magic == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            bigEndian = false;
        } else {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "byte-order magic: 0x" + Integer.toHexString(magic) + " (expected: 0x1a2b3c4d in either order)");
            return false;
        }
        return true;
    }

    /** A new section: its interfaces start afresh. */
    private boolean section(final int base, final int length, final long blockOffset) {
        if (length < MIN_SHB_LENGTH) {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "section header block total length: " + length + " (expected: " + MIN_SHB_LENGTH + "+)");
            return false;
        }
        final int major = input.u16(base + SHB_MAJOR_VERSION_OFFSET, bigEndian);
        if (major != 1) {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "section major version: " + major + " (expected: 1)");
            return false;
        }
        interfaceCount = 0;
        return true;
    }

    private void describeInterface(final int base, final int length, final long blockOffset) {
        if (length < IDB_OPTIONS_OFFSET + BLOCK_TRAILER_LENGTH) {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "interface description block total length: " + length + " (expected: "
                    + (IDB_OPTIONS_OFFSET + BLOCK_TRAILER_LENGTH) + "+)");
            return;
        }
        if (interfaceCount == MAX_INTERFACES) {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "interfaces in section: " + (interfaceCount + 1) + " (expected: <= " + MAX_INTERFACES + ")");
            return;
        }
        if (interfaceCount == linkTypes.length) {
            final int grown = interfaceCount * 2;
            linkTypes = Arrays.copyOf(linkTypes, grown);
            snapLengths = Arrays.copyOf(snapLengths, grown);
            unitMultipliers = Arrays.copyOf(unitMultipliers, grown);
            unitDivisors = Arrays.copyOf(unitDivisors, grown);
            unitShifts = Arrays.copyOf(unitShifts, grown);
            offsetNanos = Arrays.copyOf(offsetNanos, grown);
        }
        final int id = interfaceCount++;
        linkTypes[id] = input.u16(base + IDB_LINK_TYPE_OFFSET, bigEndian);
        snapLengths[id] = input.u32(base + IDB_SNAP_LENGTH_OFFSET, bigEndian);
        int resolution = DEFAULT_TSRESOL;
        long offsetSeconds = 0;
        final int optionsEnd = base + length - BLOCK_TRAILER_LENGTH;
        int option = base + IDB_OPTIONS_OFFSET;
        while (option + OPTION_HEADER_LENGTH <= optionsEnd) {
            final int code = input.u16(option, bigEndian);
            final int valueLength = input.u16(option + 2, bigEndian);
            final int value = option + OPTION_HEADER_LENGTH;
            if (code == OPT_ENDOFOPT || value + valueLength > optionsEnd) {
                break;
            }
            if (code == IF_TSRESOL && valueLength >= 1) {
                resolution = input.buffer().get(value) & 0xFF;
            } else if (code == IF_TSOFFSET && valueLength >= 8) {
                offsetSeconds = bigEndian ? input.buffer().getLong(value)
                    : Long.reverseBytes(input.buffer().getLong(value));
            }
            option = value + ((valueLength + 3) & ~3);
        }
        if (!resolution(id, resolution)) {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "if_tsresol: 0x" + Integer.toHexString(resolution)
                    + " (expected: 10^-0 ~ 10^-27 or 2^-0 ~ 2^-63); using 10^-6");
            resolution(id, DEFAULT_TSRESOL);
        }
        offsetNanos[id] = offsetSeconds * NANOS_PER_SECOND;
    }

    private boolean resolution(final int id, final int resolution) {
        final int exponent = resolution & TSRESOL_EXPONENT_MASK;
        unitMultipliers[id] = 1;
        unitDivisors[id] = 1;
        unitShifts[id] = -1;
        if ((resolution & TSRESOL_BINARY_MASK) != 0) {
            if (exponent > 63) {
                return false;
            }
            unitShifts[id] = exponent;
        } else if (exponent <= 9) {
            unitMultipliers[id] = POWERS_OF_TEN[9 - exponent];
        } else if (exponent - 9 < POWERS_OF_TEN.length) {
            unitDivisors[id] = POWERS_OF_TEN[exponent - 9];
        } else {
            return false;
        }
        return true;
    }

    /** Units since the epoch in the interface's resolution, to nanoseconds, truncating below the nanosecond. */
    long nanos(final int id, final long units) {
        final int shift = unitShifts[id];
        final long nanos;
        if (shift == 0) {
            nanos = units * NANOS_PER_SECOND;
        } else if (shift > 0) {
            final long fraction = units & ((1L << shift) - 1);
            nanos = (units >>> shift) * NANOS_PER_SECOND + binaryFractionNanos(fraction, shift);
        } else if (unitDivisors[id] == 1) {
            nanos = units * unitMultipliers[id];
        } else {
            nanos = Long.divideUnsigned(units, unitDivisors[id]);
        }
        return nanos + offsetNanos[id];
    }

    /** fraction / 2^shift seconds in nanoseconds, with a 128-bit product when fraction * 10^9 overflows. */
    static long binaryFractionNanos(final long fraction, final int shift) {
        if (shift <= 33) {
            return fraction * NANOS_PER_SECOND >>> shift;
        }
        final long high = Math.multiplyHigh(fraction, NANOS_PER_SECOND);
        final long low = fraction * NANOS_PER_SECOND;
        return high << (64 - shift) | low >>> shift;
    }

    /** An Enhanced or obsolete Packet Block (same layout from the timestamp on). */
    private boolean packet(final CapturedFrame frame, final int base, final int length, final long blockOffset,
                           final long interfaceId) {
        if (interfaceId >= interfaceCount) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "interface id: " + interfaceId + " (expected: < " + interfaceCount
                    + ", the interfaces described in this section)");
            return false;
        }
        final int id = (int) interfaceId;
        final long capturedLength = input.u32(base + EPB_CAPTURED_LENGTH_OFFSET, bigEndian);
        final int space = length - EPB_DATA_OFFSET - BLOCK_TRAILER_LENGTH;
        if (capturedLength > space) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "captured length: " + capturedLength + " (expected: <= " + Math.max(space, 0)
                    + ", the block's data space)");
            return false;
        }
        final long snapLength = snapLengths[id];
        if (capturedLength > PcapReader.MAX_CAPTURED_LENGTH || snapLength != 0 && capturedLength > snapLength) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.OVERSIZED_RECORD,
                "captured length: " + capturedLength + " (expected: <= "
                    + (snapLength != 0 ? Math.min(snapLength, PcapReader.MAX_CAPTURED_LENGTH)
                    : PcapReader.MAX_CAPTURED_LENGTH) + ")");
            done = true;
            return false;
        }
        if (capturedLength == 0) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.ZERO_LENGTH_FRAME,
                "captured length: 0 (expected: 1+)");
            return false;
        }
        final long units = input.u32(base + EPB_TIMESTAMP_HIGH_OFFSET, bigEndian) << 32
            | input.u32(base + EPB_TIMESTAMP_LOW_OFFSET, bigEndian);
        final int originalLength =
            (int) Math.min(input.u32(base + EPB_ORIGINAL_LENGTH_OFFSET, bigEndian), Integer.MAX_VALUE);
        lastTimestampNanos = nanos(id, units);
        frame.set(input.buffer(), base + EPB_DATA_OFFSET, (int) capturedLength, originalLength, linkTypes[id],
            lastTimestampNanos, frameNumber, blockOffset);
        return true;
    }

    /**
     * A Simple Packet Block: interface 0, no timestamp (it gets the previous packet's, or 0 before any), captured
     * length the least of the original length, the snap length and the block's data space (§4.4).
     */
    private boolean simplePacket(final CapturedFrame frame, final int base, final int length,
                                 final long blockOffset) {
        if (interfaceCount == 0) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "simple packet block interface: none (expected: an interface description block before it)");
            return false;
        }
        if (length < SPB_DATA_OFFSET + BLOCK_TRAILER_LENGTH) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "simple packet block total length: " + length + " (expected: "
                    + (SPB_DATA_OFFSET + BLOCK_TRAILER_LENGTH) + "+)");
            return false;
        }
        final long originalLength = input.u32(base + SPB_ORIGINAL_LENGTH_OFFSET, bigEndian);
        long capturedLength = Math.min(originalLength, length - SPB_DATA_OFFSET - BLOCK_TRAILER_LENGTH);
        if (snapLengths[0] != 0) {
            capturedLength = Math.min(capturedLength, snapLengths[0]);
        }
        if (capturedLength == 0) {
            input.report(frameNumber, blockOffset, CaptureProblem.Kind.ZERO_LENGTH_FRAME,
                "captured length: 0 (expected: 1+)");
            return false;
        }
        frame.set(input.buffer(), base + SPB_DATA_OFFSET, (int) capturedLength,
            (int) Math.min(originalLength, Integer.MAX_VALUE), linkTypes[0], lastTimestampNanos, frameNumber,
            blockOffset);
        return true;
    }

    /** Streams past a block too long to buffer, then checks its trailing length. */
    private boolean skipLarge(final long blockOffset, final long totalLength) throws IOException {
        if (!input.skip(totalLength - BLOCK_TRAILER_LENGTH) || !input.ensure(BLOCK_TRAILER_LENGTH)) {
            if (input.compressionFailed()) {
                input.reportEnd(frameNumber + 1, blockOffset, "block", totalLength);
            } else {
                input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.TRUNCATED_RECORD,
                    "truncated block: file ends (expected: " + totalLength + " bytes)");
            }
            return false;
        }
        final long trailingLength = input.u32(input.start(), bigEndian);
        input.advance(BLOCK_TRAILER_LENGTH);
        if (trailingLength != totalLength) {
            input.report(frameNumber + 1, blockOffset, CaptureProblem.Kind.BAD_BLOCK,
                "trailing block total length: " + trailingLength + " (expected: " + totalLength
                    + ", as the leading one)");
        }
        return true;
    }

    private boolean finish() {
        done = true;
        return false;
    }
}
