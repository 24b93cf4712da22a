package org.ntpguard.capture.pcap;

import static org.ntpguard.capture.pcap.PcapngReader.BLOCK_TRAILER_LENGTH;
import static org.ntpguard.capture.pcap.PcapngReader.BYTE_ORDER_MAGIC;
import static org.ntpguard.capture.pcap.PcapngReader.ENHANCED_PACKET_BLOCK;
import static org.ntpguard.capture.pcap.PcapngReader.EPB_DATA_OFFSET;
import static org.ntpguard.capture.pcap.PcapngReader.IDB_OPTIONS_OFFSET;
import static org.ntpguard.capture.pcap.PcapngReader.IF_TSRESOL;
import static org.ntpguard.capture.pcap.PcapngReader.INTERFACE_DESCRIPTION_BLOCK;
import static org.ntpguard.capture.pcap.PcapngReader.OPTION_HEADER_LENGTH;
import static org.ntpguard.capture.pcap.PcapngReader.OPT_ENDOFOPT;
import static org.ntpguard.capture.pcap.PcapngReader.SECTION_HEADER_BLOCK;
import static org.ntpguard.capture.pcap.PcapngReader.SHB_OPTIONS_OFFSET;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a minimal little-endian pcapng file (draft-ietf-opsawg-pcapng), for frames of several link types in one
 * file, which classic pcap cannot hold: one Section Header Block, one Interface Description Block per link type
 * (written before the first frame of that type, as §4.2 allows anywhere in the section) with nanosecond
 * {@code if_tsresol}, and one Enhanced Packet Block per frame. Block layout: see {@link PcapngReader}.
 *
 * <p>Frames longer than the snap length are cut to it (the original length is kept in the block). Not thread-safe.
 */
public final class PcapngWriter implements Closeable {

    static final int VERSION_MAJOR = 1;
    static final int VERSION_MINOR = 0;
    /** Section Length -1: not given, the reader walks the blocks. */
    static final long SECTION_LENGTH_UNSPECIFIED = -1L;
    static final int SHB_LENGTH = SHB_OPTIONS_OFFSET + BLOCK_TRAILER_LENGTH;
    /** if_tsresol 9: timestamps count 10^-9 s. */
    static final int TSRESOL_NANOSECONDS = 9;
    /** Options: if_tsresol (4-byte header, 1 byte padded to 4), then opt_endofopt (4). */
    static final int IDB_LENGTH = IDB_OPTIONS_OFFSET + 2 * OPTION_HEADER_LENGTH + 4 + BLOCK_TRAILER_LENGTH;
    static final int EPB_FIXED_LENGTH = EPB_DATA_OFFSET + BLOCK_TRAILER_LENGTH;
    static final int BLOCK_ALIGNMENT = 4;

    private final RecordBuffer out;
    private final int snapLength;
    /** Link type of each interface written, by interface id. */
    private int[] interfaces = new int[2];
    private int interfaceCount;

    /**
     * A writer on {@code channel}, which it closes on {@link #close()}; call {@link #writeHeader()} first.
     *
     * @param snapLength     1 ~ 262144: frames are cut to it
     * @param bufferCapacity bytes gathered before a write to the channel (64 or more)
     */
    public PcapngWriter(final WritableByteChannel channel, final int snapLength, final int bufferCapacity) {
        if (snapLength < 1 || snapLength > PcapReader.MAX_CAPTURED_LENGTH) {
            throw new IllegalArgumentException(
                "snapLength=" + snapLength + " (expected: 1 ~ " + PcapReader.MAX_CAPTURED_LENGTH + ")");
        }
        this.out = new RecordBuffer(channel, bufferCapacity);
        this.snapLength = snapLength;
    }

    /** Creates (or truncates) {@code file} and writes its Section Header Block. */
    public static PcapngWriter create(final Path file, final int snapLength, final int bufferCapacity)
        throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        final PcapngWriter writer = new PcapngWriter(channel, snapLength, bufferCapacity);
        writer.writeHeader();
        return writer;
    }

    /** Writes the Section Header Block, without options; once, before any frame. */
    public PcapngWriter writeHeader() throws IOException {
        out.room(SHB_LENGTH).putInt(SECTION_HEADER_BLOCK)
            .putInt(SHB_LENGTH)
            .putInt(BYTE_ORDER_MAGIC)
            .putShort((short) VERSION_MAJOR)
            .putShort((short) VERSION_MINOR)
            .putLong(SECTION_LENGTH_UNSPECIFIED)
            .putInt(SHB_LENGTH);
        return this;
    }

    /**
     * Writes one frame from {@code frame} (absolute indexes; its position and limit are left alone), {@code length}
     * bytes captured of {@code originalLength}, on the interface of {@code linkType}.
     */
    public PcapngWriter write(final int linkType, final long timestampNanos, final ByteBuffer frame, final int offset,
                              final int length, final int originalLength) throws IOException {
        if (offset < 0 || length < 0 || offset + length > frame.capacity() || offset + length < 0) {
            throw new IllegalArgumentException(
                "offset=" + offset + " length=" + length + " capacity=" + frame.capacity());
        }
        if (originalLength < length) {
            throw new IllegalArgumentException(
                "originalLength=" + originalLength + " (expected: >= length " + length + ")");
        }
        final int interfaceId = interfaceOf(linkType);
        final int captured = Math.min(length, snapLength);
        final int padding = -captured & (BLOCK_ALIGNMENT - 1);
        final int total = EPB_FIXED_LENGTH + captured + padding;
        out.room(EPB_DATA_OFFSET).putInt(ENHANCED_PACKET_BLOCK)
            .putInt(total)
            .putInt(interfaceId)
            .putInt((int) (timestampNanos >>> 32))
            .putInt((int) timestampNanos)
            .putInt(captured)
            .putInt(originalLength);
        out.put(frame, offset, captured);
        final ByteBuffer tail = out.room(BLOCK_ALIGNMENT + BLOCK_TRAILER_LENGTH);
        for (int i = 0; i < padding; i++) {
            tail.put((byte) 0);
        }
        tail.putInt(total);
        return this;
    }

    /** Writes what is buffered to the channel. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes and closes the channel. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The interface id of {@code linkType}, describing a new interface the first time. */
    private int interfaceOf(final int linkType) throws IOException {
        for (int id = 0; id < interfaceCount; id++) {
            if (interfaces[id] == linkType) {
                return id;
            }
        }
        if (linkType < 0 || linkType > PcapReader.LINK_TYPE_MASK) {
            throw new IllegalArgumentException("linkType=" + linkType + " (expected: 0 ~ 65535)");
        }
        if (interfaceCount == interfaces.length) {
            interfaces = Arrays.copyOf(interfaces, interfaceCount * 2);
        }
        interfaces[interfaceCount] = linkType;
        out.room(IDB_LENGTH).putInt(INTERFACE_DESCRIPTION_BLOCK)
            .putInt(IDB_LENGTH)
            .putShort((short) linkType)
            .putShort((short) 0)
            .putInt(snapLength)
            .putShort((short) IF_TSRESOL)
            .putShort((short) 1)
            .putInt(TSRESOL_NANOSECONDS) // the value byte, then three bytes of padding (little-endian)
            .putShort((short) OPT_ENDOFOPT)
            .putShort((short) 0)
            .putInt(IDB_LENGTH);
        return interfaceCount++;
    }
}
