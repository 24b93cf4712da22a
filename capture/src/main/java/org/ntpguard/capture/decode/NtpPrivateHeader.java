package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;
import org.ntpguard.capture.proto.PrivateError;
import org.ntpguard.capture.proto.PrivateImplementation;
import org.ntpguard.capture.proto.PrivateRequestCode;

/**
 * Flyweight over the 8-byte mode 7 (private) header of ntpd's ntpdc protocol: {@code struct req_pkt} /
 * {@code struct resp_pkt} in ntpd {@code include/ntp_request.h}. Items follow: {@link #itemCount()} ×
 * {@link #itemSize()} bytes. ntpdc requests are 192 bytes (header, 176-byte data area, 8-byte timestamp) plus an
 * optional key id and MAC; attack tools send 8-byte or 48-byte zero-padded probes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|M| VN  |Mode |A|  Sequence   |Implementation |  Request code |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Err  |  Number of items      |  MBZ  |   Size of item        |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Items (Number of items × Size of item)           |  8
 * </pre>
 */
public final class NtpPrivateHeader {
    public static final int FLAGS_OFFSET = 0;
    public static final int AUTH_SEQUENCE_OFFSET = 1;
    public static final int IMPLEMENTATION_OFFSET = 2;
    public static final int REQUEST_CODE_OFFSET = 3;
    public static final int ERR_ITEM_COUNT_OFFSET = 4;
    public static final int MBZ_ITEM_SIZE_OFFSET = 6;
    /** ntp_request.h REQ_LEN_HDR: {@code offsetof(struct req_pkt, data)}. */
    public static final int LENGTH = MBZ_ITEM_SIZE_OFFSET + 2;

    public static final int RESPONSE_MASK = 0x80;
    public static final int MORE_MASK = 0x40;
    public static final int AUTH_MASK = 0x80;
    public static final int SEQUENCE_MASK = 0x7F;
    public static final int ERR_MASK = 0xF000;
    public static final int ERR_SHIFT = 12;
    public static final int ITEM_COUNT_MASK = 0x0FFF;
    public static final int MBZ_MASK = 0xF000;
    public static final int MBZ_SHIFT = 12;
    public static final int ITEM_SIZE_MASK = 0x0FFF;

    private ByteBuffer buffer;
    private int offset;

    /** Re-points this flyweight; the caller guarantees {@link #LENGTH} bytes at {@code offset}. */
    public NtpPrivateHeader wrap(final ByteBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** R bit: set in responses. */
    public boolean response() {
        return 0 != (Bytes.u8(buffer, offset + FLAGS_OFFSET) & RESPONSE_MASK);
    }

    /** M bit: more response packets follow. */
    public boolean more() {
        return 0 != (Bytes.u8(buffer, offset + FLAGS_OFFSET) & MORE_MASK);
    }

    /** A bit: the request is authenticated. */
    public boolean auth() {
        return 0 != (Bytes.u8(buffer, offset + AUTH_SEQUENCE_OFFSET) & AUTH_MASK);
    }

    /** 7-bit sequence number of a multi-packet response. */
    public int sequence() {
        return Bytes.u8(buffer, offset + AUTH_SEQUENCE_OFFSET) & SEQUENCE_MASK;
    }

    /** Raw implementation number (0 universal, 2 XNTPD_OLD, 3 XNTPD). */
    public int implementation() {
        return Bytes.u8(buffer, offset + IMPLEMENTATION_OFFSET);
    }

    public PrivateImplementation implementationEnum() {
        return PrivateImplementation.fromCode(implementation());
    }

    /** Raw request code (20 MON_GETLIST, 42 MON_GETLIST_1, ...). */
    public int requestCode() {
        return Bytes.u8(buffer, offset + REQUEST_CODE_OFFSET);
    }

    public PrivateRequestCode requestCodeEnum() {
        return PrivateRequestCode.fromCode(requestCode());
    }

    /** Raw 4-bit error code (0 INFO_OKAY, 4 INFO_ERR_NODATA, ...). */
    public int error() {
        return (Bytes.u16(buffer, offset + ERR_ITEM_COUNT_OFFSET) & ERR_MASK) >>> ERR_SHIFT;
    }

    public PrivateError errorEnum() {
        return PrivateError.fromCode(error());
    }

    /** 12-bit number of items. */
    public int itemCount() {
        return Bytes.u16(buffer, offset + ERR_ITEM_COUNT_OFFSET) & ITEM_COUNT_MASK;
    }

    /** The 4 must-be-zero bits before the item size. */
    public int mbz() {
        return (Bytes.u16(buffer, offset + MBZ_ITEM_SIZE_OFFSET) & MBZ_MASK) >>> MBZ_SHIFT;
    }

    /** 12-bit size of one item, bytes. */
    public int itemSize() {
        return Bytes.u16(buffer, offset + MBZ_ITEM_SIZE_OFFSET) & ITEM_SIZE_MASK;
    }
}
