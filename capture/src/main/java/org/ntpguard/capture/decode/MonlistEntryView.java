package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;

/**
 * Non-allocating cursor over one entry of a monlist response, re-pointed by {@link NtpMessage#wrapEntry(int)}. Reads
 * ntpd's {@code include/ntp_request.h} structures, all fields in network order:
 *
 * <pre>
 * struct info_monitor_1 (REQ_MON_GETLIST_1, 72 bytes)     struct info_monitor (REQ_MON_GETLIST, 48 bytes)
 *  0 avg_int   u32                                         0 avg_int   u32
 *  4 last_int  u32                                         4 last_int  u32
 *  8 restr     u32                                         8 restr     u32
 * 12 count     u32                                        12 count     u32
 * 16 addr      u32                                        16 addr      u32
 * 20 daddr     u32                                        20 port u16, 22 mode u8, 23 version u8
 * 24 flags     u32                                        24 v6_flag   u32
 * 28 port u16, 30 mode u8, 31 version u8                  28 unused1   u32
 * 32 v6_flag   u32                                        32 addr6[16]
 * 36 unused1   u32
 * 40 addr6[16]
 * 56 daddr6[16]
 * </pre>
 *
 * Pre-IPv6 ntpd sent only the part before {@code v6_flag} ({@code v4sizeof()}: 32 and 24 bytes); such entries are
 * read as IPv4. {@code v6_flag} is tested for non-zero, whatever byte order the sender used.
 */
public final class MonlistEntryView {
    public static final int AVG_INTERVAL_OFFSET = 0;
    public static final int LAST_INTERVAL_OFFSET = 4;
    public static final int RESTRICT_OFFSET = 8;
    public static final int COUNT_OFFSET = 12;
    public static final int ADDR_OFFSET = 16;

    public static final int MONITOR_1_DADDR_OFFSET = 20;
    public static final int MONITOR_1_FLAGS_OFFSET = 24;
    public static final int MONITOR_1_PORT_OFFSET = 28;
    public static final int MONITOR_1_V6_FLAG_OFFSET = 32;
    public static final int MONITOR_1_ADDR6_OFFSET = 40;
    public static final int MONITOR_1_DADDR6_OFFSET = 56;
    /** {@code sizeof(struct info_monitor_1)}. */
    public static final int MONITOR_1_LENGTH = MONITOR_1_DADDR6_OFFSET + 16;
    /** {@code v4sizeof(struct info_monitor_1)}. */
    public static final int MONITOR_1_V4_LENGTH = MONITOR_1_V6_FLAG_OFFSET;

    public static final int MONITOR_PORT_OFFSET = 20;
    public static final int MONITOR_V6_FLAG_OFFSET = 24;
    public static final int MONITOR_ADDR6_OFFSET = 32;
    /** {@code sizeof(struct info_monitor)}. */
    public static final int MONITOR_LENGTH = MONITOR_ADDR6_OFFSET + 16;
    /** {@code v4sizeof(struct info_monitor)}. */
    public static final int MONITOR_V4_LENGTH = MONITOR_V6_FLAG_OFFSET;

    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;

    private ByteBuffer buffer;
    private int offset;
    private boolean monitor1;
    private boolean v6Fields;

    /**
     * Re-points the view at an entry.
     *
     * @param monitor1 true for {@code info_monitor_1} (MON_GETLIST_1), false for {@code info_monitor}
     * @param itemSize the size of item the header declares, already checked to cover at least the v4 layout
     */
    MonlistEntryView wrap(final ByteBuffer buffer, final int offset, final boolean monitor1, final int itemSize) {
        this.buffer = buffer;
        this.offset = offset;
        this.monitor1 = monitor1;
        this.v6Fields = itemSize >= (monitor1 ? MONITOR_1_LENGTH : MONITOR_LENGTH);
        return this;
    }

    /** Minimum item size this view can read for the request code. */
    static int minItemSize(final boolean monitor1) {
        return monitor1 ? MONITOR_1_V4_LENGTH : MONITOR_V4_LENGTH;
    }

    /** True for an {@code info_monitor_1} entry (it has a local address and flags). */
    public boolean isMonitor1() {
        return monitor1;
    }

    /** Average seconds between packets from this host. */
    public long avgInterval() {
        return Bytes.u32(buffer, offset + AVG_INTERVAL_OFFSET);
    }

    /** Seconds since the last packet from this host. */
    public long lastInterval() {
        return Bytes.u32(buffer, offset + LAST_INTERVAL_OFFSET);
    }

    /** ntpd restrict bits applied to this host. */
    public long restrictFlags() {
        return Bytes.u32(buffer, offset + RESTRICT_OFFSET);
    }

    /** Packets received from this host. */
    public long count() {
        return Bytes.u32(buffer, offset + COUNT_OFFSET);
    }

    /** The MRU entry flags ({@code info_monitor_1} only), -1 for {@code info_monitor}. */
    public long flags() {
        return monitor1 ? Bytes.u32(buffer, offset + MONITOR_1_FLAGS_OFFSET) : -1L;
    }

    /** Remote UDP port of the last packet. */
    public int port() {
        return Bytes.u16(buffer, offset + portOffset());
    }

    /** Mode of the last packet from this host. */
    public int mode() {
        return Bytes.u8(buffer, offset + portOffset() + 2);
    }

    /** Version of the last packet from this host. */
    public int version() {
        return Bytes.u8(buffer, offset + portOffset() + 3);
    }

    /** True when the entry carries IPv6 fields and its {@code v6_flag} is set. */
    public boolean isIpv6() {
        return v6Fields && 0 != Bytes.s32(buffer, offset + (monitor1 ? MONITOR_1_V6_FLAG_OFFSET : MONITOR_V6_FLAG_OFFSET));
    }

    /** Writes the remote address into {@code dst} (at least 16 bytes) and returns its length: 4 or 16. */
    public int address(final byte[] dst) {
        if (isIpv6()) {
            return copy(monitor1 ? MONITOR_1_ADDR6_OFFSET : MONITOR_ADDR6_OFFSET, IPV6_LENGTH, dst);
        }
        return copy(ADDR_OFFSET, IPV4_LENGTH, dst);
    }

    /** True when the entry has a local (destination) address: {@code info_monitor_1} only. */
    public boolean hasLocalAddress() {
        return monitor1;
    }

    /** Writes the local address the host talked to into {@code dst} and returns its length: 4, 16, or 0 if none. */
    public int localAddress(final byte[] dst) {
        if (!monitor1) {
            return 0;
        }
        if (isIpv6()) {
            return copy(MONITOR_1_DADDR6_OFFSET, IPV6_LENGTH, dst);
        }
        return copy(MONITOR_1_DADDR_OFFSET, IPV4_LENGTH, dst);
    }

    private int portOffset() {
        return monitor1 ? MONITOR_1_PORT_OFFSET : MONITOR_PORT_OFFSET;
    }

    private int copy(final int field, final int length, final byte[] dst) {
        for (int i = 0; i < length; i++) {
            dst[i] = buffer.get(offset + field + i);
        }
        return length;
    }
}
