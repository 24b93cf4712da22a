package org.ntpguard.capture.pcap;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic little-endian pcap file (draft-ietf-opsawg-pcap): the 24-byte file header, then one 16-byte record
 * header and the frame's bytes per frame, with micro- or nanosecond timestamps. Records are gathered in one reused
 * buffer ({@link RecordBuffer}) and written to the channel when it fills, so writing allocates nothing per frame.
 *
 * <p>Frames longer than the snap length are cut to it (the original length is kept in the record). Not thread-safe.
 */
public final class PcapWriter implements Closeable, Flushable {

    /** The timestamp unit of a file, which its magic number states. */
    public enum Precision {
        /** Magic a1b2c3d4. */
        MICROSECONDS(PcapReader.MAGIC_MICROSECONDS, 1_000L),
        /** Magic a1b23c4d. */
        NANOSECONDS(PcapReader.MAGIC_NANOSECONDS, 1L);

        private final int magic;
        private final long nanosPerUnit;

        Precision(final int magic, final long nanosPerUnit) {
            this.magic = magic;
            this.nanosPerUnit = nanosPerUnit;
        }
    }

    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;
    /** Holds the largest record (16 + 256 KiB) with room for many small ones. */
    static final int BUFFER_CAPACITY = 512 * 1024;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final RecordBuffer out;
    private final int linkType;
    private final int snapLength;
    private final Precision precision;
    private boolean headerWritten;

    /**
     * A writer on {@code channel}, which it closes on {@link #close()}.
     *
     * @param linkType   LINKTYPE_ of every frame (1 Ethernet)
     * @param snapLength 1 ~ 262144: frames are cut to it
     */
    public PcapWriter(final WritableByteChannel channel, final int linkType, final int snapLength,
                      final Precision precision) {
        this(channel, linkType, snapLength, precision, BUFFER_CAPACITY);
    }

    /**
     * A writer gathering records in {@code bufferCapacity} bytes (64 or more; a longer frame goes through in pieces):
     * small for many files open at once.
     */
    public PcapWriter(final WritableByteChannel channel, final int linkType, final int snapLength,
                      final Precision precision, final int bufferCapacity) {
        if (linkType < 0 || linkType > PcapReader.LINK_TYPE_MASK) {
            throw new IllegalArgumentException("linkType=" + linkType + " (expected: 0 ~ 65535)");
        }
        if (snapLength < 1 || snapLength > PcapReader.MAX_CAPTURED_LENGTH) {
            throw new IllegalArgumentException(
                "snapLength=" + snapLength + " (expected: 1 ~ " + PcapReader.MAX_CAPTURED_LENGTH + ")");
        }
        this.out = new RecordBuffer(channel, bufferCapacity);
        this.linkType = linkType;
        this.snapLength = snapLength;
        this.precision = precision;
    }

    /** Creates (or truncates) {@code file} and writes its file header. */
    public static PcapWriter create(final Path file, final int linkType, final int snapLength,
                                    final Precision precision) throws IOException {
        return create(file, linkType, snapLength, precision, BUFFER_CAPACITY);
    }

    /** Creates (or truncates) {@code file} and writes its file header, gathering records in {@code bufferCapacity}. */
    public static PcapWriter create(final Path file, final int linkType, final int snapLength,
                                    final Precision precision, final int bufferCapacity) throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        final PcapWriter writer = new PcapWriter(channel, linkType, snapLength, precision, bufferCapacity);
        writer.writeHeader();
        return writer;
    }

    /** Writes the 24-byte file header; once, before any frame. */
    public PcapWriter writeHeader() throws IOException {
        if (headerWritten) {
            throw new IllegalStateException("file header already written");
        }
        headerWritten = true;
        out.room(PcapReader.FILE_HEADER_LENGTH).putInt(precision.magic)
            .putShort((short) VERSION_MAJOR)
            .putShort((short) VERSION_MINOR)
            .putInt(0)
            .putInt(0)
            .putInt(snapLength)
            .putInt(linkType);
        return this;
    }

    /** Writes one whole frame: {@code length} bytes of {@code frame} from {@code offset}. */
    public PcapWriter write(final long timestampNanos, final byte[] frame, final int offset, final int length)
        throws IOException {
        return write(timestampNanos, frame, offset, length, length);
    }

    /** Writes one frame of which {@code length} bytes were captured out of {@code originalLength} on the wire. */
    public PcapWriter write(final long timestampNanos, final byte[] frame, final int offset, final int length,
                            final int originalLength) throws IOException {
        final int captured = record(timestampNanos, frame.length, offset, length, originalLength);
        out.put(frame, offset, captured);
        return this;
    }

    /** Writes one whole frame from {@code frame} (absolute indexes; its position and limit are left alone). */
    public PcapWriter write(final long timestampNanos, final ByteBuffer frame, final int offset, final int length)
        throws IOException {
        return write(timestampNanos, frame, offset, length, length);
    }

    /** Writes one frame from {@code frame} (absolute indexes), {@code length} captured of {@code originalLength}. */
    public PcapWriter write(final long timestampNanos, final ByteBuffer frame, final int offset, final int length,
                            final int originalLength) throws IOException {
        final int captured = record(timestampNanos, frame.capacity(), offset, length, originalLength);
        out.put(frame, offset, captured);
        return this;
    }

    /** Writes what is buffered to the channel. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes and closes the channel. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Checks the arguments, puts the record header and returns how many bytes of the frame follow it. */
    private int record(final long timestampNanos, final int capacity, final int offset, final int length,
                       final int originalLength) throws IOException {
        if (!headerWritten) {
            throw new IllegalStateException("file header not written (expected: writeHeader() first)");
        }
        if (offset < 0 || length < 0 || offset + length > capacity || offset + length < 0) {
            throw new IllegalArgumentException(
                "offset=" + offset + " length=" + length + " capacity=" + capacity);
        }
        if (originalLength < length) {
            throw new IllegalArgumentException(
                "originalLength=" + originalLength + " (expected: >= length " + length + ")");
        }
        final long seconds = Math.floorDiv(timestampNanos, NANOS_PER_SECOND);
        if (seconds > 0xFFFF_FFFFL || seconds < 0) {
            throw new IllegalArgumentException(
                "timestampNanos=" + timestampNanos + " (expected: 1970-01-01 ~ 2106-02-07, unsigned 32-bit seconds)");
        }
        final int captured = Math.min(length, snapLength);
        out.room(PcapReader.RECORD_HEADER_LENGTH).putInt((int) seconds)
            .putInt((int) (Math.floorMod(timestampNanos, NANOS_PER_SECOND) / precision.nanosPerUnit))
            .putInt(captured)
            .putInt(originalLength);
        return captured;
    }
}
