package org.ntpguard.capture.pcap;

import java.nio.ByteBuffer;

/**
 * One captured frame as a reader hands it over: a view on the reader's own buffer, re-pointed for every record and
 * valid only until the next call to {@link CaptureReader#next}. Nothing is copied.
 */
public final class CapturedFrame {

    private ByteBuffer buffer;
    private int offset;
    private int capturedLength;
    private int originalLength;
    private int linkType;
    private long timestampNanos;
    private long frameNumber;
    private long fileOffset;

    /** Re-points this view; readers call it once per record. */
    public CapturedFrame set(final ByteBuffer buffer, final int offset, final int capturedLength,
                             final int originalLength, final int linkType, final long timestampNanos,
                             final long frameNumber, final long fileOffset) {
        this.buffer = buffer;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.linkType = linkType;
        this.timestampNanos = timestampNanos;
        this.frameNumber = frameNumber;
        this.fileOffset = fileOffset;
        return this;
    }

    /**
     * The buffer holding the frame's bytes; read with absolute gets only, between offset and offset + length. File
     * readers keep it in big-endian order whatever the file's byte order, and never change its position or limit
     * between calls.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Index of the frame's first byte in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Bytes captured (pcap caplen): what {@link #buffer()} holds of the frame. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Bytes the frame had on the wire (pcap len); more than captured when the snap length cut it. */
    public int originalLength() {
        return originalLength;
    }

    /** pcap LINKTYPE_ value (1 Ethernet, 0 BSD loopback, 101 raw IP, 113 SLL, 276 SLL2, ...). */
    public int linkType() {
        return linkType;
    }

    /** Capture time, nanoseconds since the Unix epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** 1-based number of this frame in its file, or the sequence number of a live capture. */
    public long frameNumber() {
        return frameNumber;
    }

    /** Byte offset of the frame's record header in its file (-1 when live). */
    public long fileOffset() {
        return fileOffset;
    }
}
