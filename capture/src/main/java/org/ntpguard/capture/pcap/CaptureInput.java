package org.ntpguard.capture.pcap;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.ZipException;

/**
 * The one buffer a capture file reader works on: bytes from a channel land in a heap {@link ByteBuffer}, the reader
 * asks for {@link #ensure(int) n bytes} at {@link #start()}, reads them with absolute gets and {@link #advance(int)
 * advances}. When a record crosses the end of the buffer the unread tail is moved to the front (compaction), so no
 * record allocates.
 *
 * <p>The buffer stays in big-endian order with position 0 and limit at capacity between calls, because frames are
 * handed out as views on it and decoders read them with absolute big-endian gets; little-endian file fields are read
 * with {@link Integer#reverseBytes}.
 *
 * <p>A corrupt gzip stream ({@link ZipException}, or {@link EOFException} when it ends early) is not thrown: it ends
 * the input and is remembered, so the reader can report {@link CaptureProblem.Kind#CORRUPT_COMPRESSION} with the
 * offset reached in the uncompressed stream.
 */
final class CaptureInput implements Closeable {

    /** 1 MiB: holds the largest record a reader accepts (256 KiB + headers) with room to spare. */
    static final int CAPACITY = 1 << 20;

    private final String source;
    private final ReadableByteChannel channel;
    private final boolean compressed;
    private final CaptureProblems problems;
    private final ByteBuffer buffer = ByteBuffer.allocate(CAPACITY).order(ByteOrder.BIG_ENDIAN);
    private final byte[] array = buffer.array();
    private int start;
    private int end;
    private long startOffset;
    private boolean endOfStream;
    private String compressionError;

    CaptureInput(final String source, final ReadableByteChannel channel, final boolean compressed,
                 final CaptureProblems problems) {
        this.source = source;
        this.channel = channel;
        this.compressed = compressed;
        this.problems = problems;
    }

    /**
     * Makes at least {@code length} bytes available at {@link #start()}, reading as needed.
     *
     * @return false when the input ends (or its compression breaks) before that many bytes
     */
    boolean ensure(final int length) throws IOException {
        if (length < 0 || length > CAPACITY) {
            throw new IllegalArgumentException("length=" + length + " (expected: 0 ~ " + CAPACITY + ")");
        }
        while (end - start < length) {
            if (endOfStream) {
                return false;
            }
            if (CAPACITY - start < length) {
                compact();
            }
            fill();
        }
        return true;
    }

    /** Moves past {@code length} bytes that {@link #ensure(int)} made available. */
    void advance(final int length) {
        if (length < 0 || length > end - start) {
            throw new IllegalArgumentException("length=" + length + " available=" + (end - start));
        }
        start += length;
        startOffset += length;
    }

    /**
     * Moves past {@code length} bytes whether buffered or not, reading through without keeping them.
     *
     * @return false when the input ends first
     */
    boolean skip(final long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (start == end) {
                if (endOfStream) {
                    return false;
                }
                start = 0;
                end = 0;
                fill();
            }
            final int step = (int) Math.min(left, end - start);
            advance(step);
            left -= step;
        }
        return true;
    }

    /** The buffer, big-endian; valid between {@link #start()} and {@link #start()} + {@link #available()}. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Index in {@link #buffer()} of the next unread byte. */
    int start() {
        return start;
    }

    /** Bytes read from the channel but not yet advanced past. */
    int available() {
        return end - start;
    }

    /** Offset in the (uncompressed) file of the next unread byte. */
    long position() {
        return startOffset;
    }

    /** Offset in the (uncompressed) file up to which bytes were read: where a corrupt gzip stream broke. */
    long reached() {
        return startOffset + end - start;
    }

    /** True when the input ended because its gzip stream is corrupt. */
    boolean compressionFailed() {
        return null != compressionError;
    }

    /**
     * Reports why the input ended inside a record: the compression broke, or the file is cut. Quiet when it simply
     * ended between records.
     *
     * @param frame    the frame being read
     * @param offset   file offset of its record
     * @param what     the record part that is incomplete, for the message
     * @param expected how many bytes that part needs
     */
    void reportEnd(final long frame, final long offset, final String what, final long expected) {
        if (null != compressionError) {
            report(frame, reached(), CaptureProblem.Kind.CORRUPT_COMPRESSION,
                "gzip stream: " + compressionError + " (expected: a complete gzip stream)");
        } else if (end > start) {
            report(frame, offset, CaptureProblem.Kind.TRUNCATED_RECORD,
                "truncated " + what + ": " + (end - start) + " bytes (expected: " + expected + ")");
        }
    }

    void report(final long frame, final long offset, final CaptureProblem.Kind kind, final String detail) {
        problems.report(new CaptureProblem(source, frame, offset, kind, detail));
    }

    String source() {
        return source;
    }

    /** Reads the little-endian or big-endian unsigned 16-bit field at {@code index}. */
    int u16(final int index, final boolean bigEndian) {
        final short value = buffer.getShort(index);
        return (bigEndian ? value : Short.reverseBytes(value)) & 0xFFFF;
    }

    /** Reads the 32-bit field at {@code index} in the given byte order. */
    int i32(final int index, final boolean bigEndian) {
        final int value = buffer.getInt(index);
        return bigEndian ? value : Integer.reverseBytes(value);
    }

    /** Reads the unsigned 32-bit field at {@code index} in the given byte order. */
    long u32(final int index, final boolean bigEndian) {
        return i32(index, bigEndian) & 0xFFFF_FFFFL;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void compact() {
        final int length = end - start;
        System.arraycopy(array, start, array, 0, length);
        start = 0;
        end = length;
    }

    private void fill() throws IOException {
        buffer.limit(CAPACITY).position(end);
        try {
            final int read = channel.read(buffer);
            if (read < 0) {
                endOfStream = true;
            } else {
                end += read;
            }
        } catch (final ZipException | EOFException e) {
            if (!compressed) {
                throw e;
            }
            // Channels.newChannel's adapter loops over the stream: keep what it put before the stream broke.
            end = buffer.position();
            compressionError = null == e.getMessage() ? e.getClass().getSimpleName() : e.getMessage();
            endOfStream = true;
        } finally {
            buffer.clear();
        }
    }
}
