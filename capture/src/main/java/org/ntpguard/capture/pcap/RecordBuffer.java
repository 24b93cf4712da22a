package org.ntpguard.capture.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/**
 * The output side of the capture writers: records are gathered in one reused little-endian buffer and written to the
 * channel when it fills, so writing allocates nothing per frame. A frame longer than the buffer goes through it in
 * pieces, so a writer can keep a small buffer (the evidence of many alerts is written at once) and still take frames
 * up to {@link PcapReader#MAX_CAPTURED_LENGTH}.
 */
final class RecordBuffer {

    /** Holds a record header and a trailer whatever the frame: the largest header (a pcapng SHB) is 28 bytes. */
    static final int MIN_CAPACITY = 64;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer;

    RecordBuffer(final WritableByteChannel channel, final int capacity) {
        if (capacity < MIN_CAPACITY) {
            throw new IllegalArgumentException("capacity=" + capacity + " (expected: >= " + MIN_CAPACITY + ")");
        }
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The buffer with at least {@code length} bytes free ({@code length} at most the capacity), for header puts. */
    ByteBuffer room(final int length) throws IOException {
        if (buffer.remaining() < length) {
            flush();
        }
        return buffer;
    }

    /** Puts {@code length} bytes of {@code frame} from {@code offset} (absolute; its position is left alone). */
    void put(final ByteBuffer frame, final int offset, final int length) throws IOException {
        int done = 0;
        while (done < length) {
            final int step = Math.min(room(1).remaining(), length - done);
            buffer.put(buffer.position(), frame, offset + done, step);
            buffer.position(buffer.position() + step);
            done += step;
        }
    }

    /** Puts {@code length} bytes of {@code frame} from {@code offset}. */
    void put(final byte[] frame, final int offset, final int length) throws IOException {
        int done = 0;
        while (done < length) {
            final int step = Math.min(room(1).remaining(), length - done);
            buffer.put(frame, offset + done, step);
            done += step;
        }
    }

    /** Writes what is buffered to the channel. */
    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Flushes and closes the channel. */
    void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
