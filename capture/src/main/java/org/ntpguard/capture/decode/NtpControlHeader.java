package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;
import org.ntpguard.capture.proto.ControlOpcode;

/**
 * Flyweight over the 12-byte mode 6 control message header: RFC 9327 §2 (formerly RFC 1305 Appendix B). Data
 * follows, {@link #count()} bytes, padded to a multiple of 4 by ntpq/ntpd, optionally followed by a key id and MAC.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |LI | VN  |Mode |R|E|M| Opcode  |          Sequence             |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Status             |       Association ID          |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Offset             |            Count              |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Data (Count bytes, padded to 4)               | 12
 * </pre>
 */
public final class NtpControlHeader {
    public static final int FLAGS_OFFSET = 0;
    public static final int OPCODE_FLAGS_OFFSET = 1;
    public static final int SEQUENCE_OFFSET = 2;
    public static final int STATUS_OFFSET = 4;
    public static final int ASSOCIATION_ID_OFFSET = 6;
    public static final int DATA_OFFSET_OFFSET = 8;
    public static final int COUNT_OFFSET = 10;
    /** RFC 9327 §2: data starts after the 16-bit Count. */
    public static final int LENGTH = COUNT_OFFSET + 2;

    public static final int RESPONSE_MASK = 0x80;
    public static final int ERROR_MASK = 0x40;
    public static final int MORE_MASK = 0x20;
    public static final int OPCODE_MASK = 0x1F;

    private ByteBuffer buffer;
    private int offset;

    /** Re-points this flyweight; the caller guarantees {@link #LENGTH} bytes at {@code offset}. */
    public NtpControlHeader wrap(final ByteBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** R bit: set in responses. */
    public boolean response() {
        return 0 != (flags2() & RESPONSE_MASK);
    }

    /** E bit: the response reports an error. */
    public boolean error() {
        return 0 != (flags2() & ERROR_MASK);
    }

    /** M bit: more fragments follow. */
    public boolean more() {
        return 0 != (flags2() & MORE_MASK);
    }

    /** Raw 5-bit opcode. */
    public int opcode() {
        return flags2() & OPCODE_MASK;
    }

    public ControlOpcode opcodeEnum() {
        return ControlOpcode.fromCode(opcode());
    }

    public int sequence() {
        return Bytes.u16(buffer, offset + SEQUENCE_OFFSET);
    }

    public int status() {
        return Bytes.u16(buffer, offset + STATUS_OFFSET);
    }

    public int associationId() {
        return Bytes.u16(buffer, offset + ASSOCIATION_ID_OFFSET);
    }

    /** Offset of this fragment's data in the whole message, bytes. */
    public int offset() {
        return Bytes.u16(buffer, offset + DATA_OFFSET_OFFSET);
    }

    /** Data bytes in this fragment. */
    public int count() {
        return Bytes.u16(buffer, offset + COUNT_OFFSET);
    }

    private int flags2() {
        return Bytes.u8(buffer, offset + OPCODE_FLAGS_OFFSET);
    }
}
