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

    /** ntpd's nonce variable, as REQ_NONCE answers it and READ_MRU echoes it: {@code nonce=<hex>}. */
    private static final byte[] NONCE = {'n', 'o', 'n', 'c', 'e', '='};

    /**
     * A 64-bit FNV-1a hash of the {@code nonce=} value in this fragment's data (up to {@code ,}, a quote, CR, LF or
     * the end), 0 when there is none: REQ_NONCE responses carry it, READ_MRU requests echo it (ntpq
     * {@code mrulist}). Reads only the bytes the buffer holds; allocates nothing.
     */
    public long nonceHash() {
        final int data = offset + LENGTH;
        final int end = Math.min(buffer.limit(), data + count());
        for (int i = data; i + NONCE.length <= end; i++) {
            if (!startsWith(i)) {
                continue;
            }
            long hash = 0xcbf29ce484222325L;
            int j = i + NONCE.length;
            for (; j < end; j++) {
                final byte b = buffer.get(j);
                if (b == ',' || b == '"' || b == '\r' || b == '\n' || b == 0) {
                    break;
                }
                hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
            }
            return j == i + NONCE.length || hash == 0 ? 0 : hash;
        }
        return 0;
    }

    private boolean startsWith(final int index) {
        for (int k = 0; k < NONCE.length; k++) {
            if (buffer.get(index + k) != NONCE[k]) {
                return false;
            }
        }
        // "nonce=" starts the data or follows a separator, not the tail of another name.
        return index == offset + LENGTH || buffer.get(index - 1) == ',' || buffer.get(index - 1) == ' ';
    }

    private int flags2() {
        return Bytes.u8(buffer, offset + OPCODE_FLAGS_OFFSET);
    }
}
