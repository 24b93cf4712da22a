package org.ntpguard.capture.live;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few libpcap functions the live read loop calls itself, bound with JNA direct mapping.
 *
 * <p>pcap4j 1.8.2 binds them too, but in the package-private {@code org.pcap4j.core.NativeMappings}, and its own
 * per-packet API ({@code getNextRawPacketEx}) allocates a byte array, a {@code Timestamp} and JNA pointers for every
 * packet. Direct mapping passes {@link Pointer} arguments by address and returns an {@code int}, so a call allocates
 * nothing on the Java heap.
 *
 * <p>Load order: {@link PcapLibrary#load()} must have run first; this class binds to the library it found.
 */
final class PcapNative {

    /** {@code pcap_next_ex}: a packet was read. */
    static final int NEXT_PACKET = 1;
    /** {@code pcap_next_ex}: the read timeout expired before a packet arrived. */
    static final int NEXT_TIMEOUT = 0;
    /** {@code PCAP_ERROR}: libpcap failed; {@link #pcap_geterr} says why. */
    static final int NEXT_ERROR = -1;
    /** {@code PCAP_ERROR_BREAK}: {@code pcap_breakloop} was called (or a savefile ended). */
    static final int NEXT_BREAK = -2;

    /**
     * Layout of {@code struct pcap_pkthdr} (pcap/pcap.h): a {@code struct timeval} (two C {@code long}s, seconds and
     * the fraction: microseconds, or nanoseconds on a handle opened with nanosecond precision), then
     * {@code bpf_u_int32 caplen} and {@code bpf_u_int32 len}.
     */
    static final int TV_SEC_OFFSET = 0;
    static final int TV_FRACTION_OFFSET = NativeLong.SIZE;
    static final int CAPLEN_OFFSET = 2 * NativeLong.SIZE;
    static final int LEN_OFFSET = CAPLEN_OFFSET + Integer.BYTES;

    static {
        Native.register(PcapNative.class, NativeLibrary.getInstance(System.getProperty(PcapLibrary.PROPERTY, "pcap")));
    }

    private PcapNative() {
    }

    /** Binds the functions below now (this class's initializer), so that a libpcap lacking them fails at open. */
    static void bind() {
        // the static initializer has run by the time this is called
    }

    /**
     * {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **pkt_header, const u_char **pkt_data)}: the next packet,
     * straight from libpcap's buffer (on Linux the TPACKET_V3 ring shared with the kernel, read a block at a time).
     * The two pointers written stay valid until the next call on {@code p}.
     *
     * @param headerOut where libpcap writes the address of the packet's {@code pcap_pkthdr}
     * @param dataOut   where libpcap writes the address of the packet's first byte
     */
    static native int pcap_next_ex(Pointer p, Pointer headerOut, Pointer dataOut);

    /** {@code char *pcap_geterr(pcap_t *p)}: the text of the last error on {@code p}; error path only. */
    static native String pcap_geterr(Pointer p);

    /**
     * A {@link Pointer} that can be moved to another address: one instance per reader views every packet header or
     * packet in turn, where {@code new Pointer(address)} would allocate one per packet.
     */
    static final class MovablePointer extends Pointer {

        MovablePointer() {
            super(0L);
        }

        /** Re-points this view at {@code address}. */
        MovablePointer moveTo(final long address) {
            peer = address;
            return this;
        }

        /** A C {@code long} at {@code offset}, without the {@link NativeLong} that {@code getNativeLong} allocates. */
        long getCLong(final long offset) {
            return NativeLong.SIZE == Long.BYTES ? getLong(offset) : getInt(offset);
        }
    }

    /** The address stored at {@code offset} of {@code memory}, without the {@link Pointer} getPointer allocates. */
    static long addressAt(final Pointer memory, final long offset) {
        return Native.POINTER_SIZE == Long.BYTES ? memory.getLong(offset) : memory.getInt(offset) & 0xffff_ffffL;
    }
}
