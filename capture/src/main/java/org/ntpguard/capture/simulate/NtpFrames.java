package org.ntpguard.capture.simulate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes Ethernet frames carrying NTP into a caller's byte array, inside out: the NTP payload first, at
 * {@link #payloadOffset(int, boolean)}, then {@link #headers} in front of it (Ethernet II, an optional IEEE 802.1Q tag,
 * IPv4 (RFC 791) or IPv6 (RFC 8200), UDP (RFC 768) with its checksum). Nothing is allocated per frame.
 *
 * <p>Addresses are ints, all in documentation ranges: an IPv4 address is the address itself (192.0.2.0/24 RFC 5737
 * TEST-NET-1, 198.51.100.0/24 TEST-NET-2, 203.0.113.0/24 TEST-NET-3); an IPv6 address {@code 0xSSSSHHHH} stands for
 * {@code 2001:db8:SSSS::HHHH} (RFC 3849).
 *
 * <p>NTP payloads are laid out as ntpd, chrony, ntpq and ntpdc put them on the wire: RFC 5905 §7.3 (modes 3/4, KoD
 * §7.4), RFC 9327 §2 (mode 6), ntpd {@code include/ntp_request.h} (mode 7, {@code struct info_monitor_1}).
 */
public final class NtpFrames {

    /** Largest frame written: a tagged IPv6 monlist response is 14 + 4 + 40 + 8 + 440 bytes. */
    public static final int MAX_FRAME_LENGTH = 1514;

    public static final int ETHERNET_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int IPV4_LENGTH = 20;
    public static final int IPV6_LENGTH = 40;
    public static final int UDP_LENGTH = 8;
    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_IPV6 = 0x86DD;
    public static final int ETHER_TYPE_VLAN = 0x8100;
    public static final int PROTOCOL_UDP = 17;
    public static final int NTP_PORT = 123;
    /** No VLAN tag. */
    public static final int UNTAGGED = 0;

    public static final int TEST_NET_1 = 0xC0000200;
    public static final int TEST_NET_2 = 0xC6336400;
    public static final int TEST_NET_3 = 0xCB007100;

    /** RFC 5905 §6: seconds from the NTP era 0 epoch (1900) to the Unix epoch. */
    public static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    public static final int NTP_HEADER_LENGTH = 48;
    public static final int NTP_TRANSMIT_OFFSET = 40;
    public static final int MODE_CLIENT = 3;
    public static final int MODE_SERVER = 4;
    public static final int MODE_CONTROL = 6;
    public static final int MODE_PRIVATE = 7;
    /** RFC 5905 §7.3: LI 3, clock unsynchronized; ntpd sets it in KoD packets. */
    public static final int LI_UNSYNCHRONIZED = 3;
    /** RFC 5905 §7.4: the kiss code "RATE" in the reference id. */
    public static final int KISS_RATE = 0x52415445;
    /** ntpd ntp_proto.c: a KoD's poll is at least NTP_MINPOLL. */
    public static final int NTP_MINPOLL = 3;

    /** ntp_request.h: IMPL_XNTPD. */
    public static final int IMPL_XNTPD = 3;
    /** ntp_request.h: REQ_MON_GETLIST_1. */
    public static final int REQ_MON_GETLIST_1 = 42;
    /** ntp_request.h REQ_LEN_HDR. */
    public static final int PRIVATE_HEADER_LENGTH = 8;
    /** sizeof(struct info_monitor_1). */
    public static final int MONITOR_1_LENGTH = 72;
    /** What ntpd puts in one response: 6 × 72 = 432 ≤ its 500-byte data area, 440 bytes of NTP. */
    public static final int MONLIST_ENTRIES_PER_PACKET = 6;
    public static final int MONLIST_RESPONSE_LENGTH = PRIVATE_HEADER_LENGTH + MONLIST_ENTRIES_PER_PACKET * MONITOR_1_LENGTH;
    /** Zero-padded probe as most scanners send it (an ntpdc request is 192 bytes). */
    public static final int MONLIST_PROBE_PADDED_LENGTH = 48;
    public static final int PRIVATE_RESPONSE = 0x80;
    public static final int PRIVATE_MORE = 0x40;
    /** ntpdc speaks version 2. */
    public static final int PRIVATE_VERSION = 2;

    /** RFC 9327 §2: opcode 2, read variables. */
    public static final int OPCODE_READVAR = 2;
    public static final int CONTROL_HEADER_LENGTH = 12;
    public static final int CONTROL_RESPONSE = 0x80;
    /** ntpq sends version 2 (NTP_OLDVERSION + 1). */
    public static final int CONTROL_VERSION = 2;
    /** A synchronized ntpd's system status word: leap 0, source 6 (NTP), 1 event, last event 5 (clock sync). */
    public static final int SYSTEM_STATUS = 0x0615;

    private static final byte[] READVAR_DATA = ("version=\"ntpd 4.2.8p15@1.3728-o Wed Sep 23 11:46:38 UTC 2020 (1)\","
        + " processor=\"x86_64\", system=\"Linux/5.10.0-26-amd64\", leap=00, stratum=2, precision=-24,"
        + " rootdelay=11.270, rootdisp=23.532, refid=203.0.113.1, reftime=0xeb6d9163.00704400,"
        + " clock=0xeb6d91a2.4a56a000, peer=24331, tc=10, mintc=3, offset=-0.114, frequency=-12.503,"
        + " sys_jitter=0.322, clk_jitter=0.171, clk_wander=0.012").getBytes(StandardCharsets.US_ASCII);

    private NtpFrames() {
    }

    /** Where the UDP payload starts behind an Ethernet header, a tag when {@code vlanId} is not 0, and IP/UDP. */
    public static int payloadOffset(final int vlanId, final boolean ipv6) {
        return ETHERNET_LENGTH + (vlanId == UNTAGGED ? 0 : VLAN_TAG_LENGTH) + (ipv6 ? IPV6_LENGTH : IPV4_LENGTH)
            + UDP_LENGTH;
    }

    /**
     * Writes the headers in front of the {@code payloadLength} bytes already at {@link #payloadOffset}.
     *
     * @return the frame's length
     */
    public static int headers(final byte[] f, final int vlanId, final boolean ipv6, final int source, final int destination,
                       final int sourcePort, final int destinationPort, final int payloadLength, final int ipId,
                       final int ttl) {
        int at = 0;
        // locally administered MACs derived from the addresses: stable, and distinct per host
        f[at] = 2;
        f[at + 1] = 0;
        putInt(f, at + 2, destination);
        f[at + 6] = 2;
        f[at + 7] = 0;
        putInt(f, at + 8, source);
        at += 12;
        if (vlanId != UNTAGGED) {
            putShort(f, at, ETHER_TYPE_VLAN);
            putShort(f, at + 2, vlanId);
            at += VLAN_TAG_LENGTH;
        }
        putShort(f, at, ipv6 ? ETHER_TYPE_IPV6 : ETHER_TYPE_IPV4);
        at += 2;
        final int udpLength = UDP_LENGTH + payloadLength;
        final int udp;
        long pseudo;
        if (ipv6) {
            putInt(f, at, 0x6000_0000);
            putShort(f, at + 4, udpLength);
            f[at + 6] = PROTOCOL_UDP;
            f[at + 7] = (byte) ttl;
            ipv6Address(f, at + 8, source);
            ipv6Address(f, at + 24, destination);
            pseudo = sum(f, at + 8, 32, 0);
            udp = at + IPV6_LENGTH;
        } else {
            f[at] = 0x45;
            f[at + 1] = 0;
            putShort(f, at + 2, IPV4_LENGTH + udpLength);
            putShort(f, at + 4, ipId);
            putShort(f, at + 6, 0);
            f[at + 8] = (byte) ttl;
            f[at + 9] = PROTOCOL_UDP;
            putShort(f, at + 10, 0);
            putInt(f, at + 12, source);
            putInt(f, at + 16, destination);
            putShort(f, at + 10, fold(sum(f, at, IPV4_LENGTH, 0)));
            pseudo = sum(f, at + 12, 8, 0);
            udp = at + IPV4_LENGTH;
        }
        putShort(f, udp, sourcePort);
        putShort(f, udp + 2, destinationPort);
        putShort(f, udp + 4, udpLength);
        putShort(f, udp + 6, 0);
        pseudo += PROTOCOL_UDP + udpLength;
        final int checksum = fold(sum(f, udp, udpLength, pseudo));
        // RFC 768: a computed 0 is sent as all ones (0 means "no checksum", forbidden over IPv6)
        putShort(f, udp + 6, checksum == 0 ? 0xFFFF : checksum);
        return udp + udpLength;
    }

    /** A 48-byte client request as chrony sends it: only LI/VN/mode, poll, precision and a transmit timestamp. */
    public static int clientRequest(final byte[] f, final int at, final int version, final int poll, final long transmit) {
        Arrays.fill(f, at, at + NTP_HEADER_LENGTH, (byte) 0);
        f[at] = (byte) (version << 3 | MODE_CLIENT);
        f[at + 2] = (byte) poll;
        f[at + 3] = (byte) -23;
        putLong(f, at + NTP_TRANSMIT_OFFSET, transmit);
        return NTP_HEADER_LENGTH;
    }

    /** A 48-byte client request as ntpd sends it: its own stratum, root delay/dispersion, refid and reftime. */
    public static int ntpdRequest(final byte[] f, final int at, final int version, final int poll, final int upstream,
                           final long reference, final long transmit) {
        clientRequest(f, at, version, poll, transmit);
        f[at + 1] = 3;
        putInt(f, at + 4, 0x0000_03EB);
        putInt(f, at + 8, 0x0000_0838);
        putInt(f, at + 12, upstream);
        putLong(f, at + 16, reference);
        return NTP_HEADER_LENGTH;
    }

    /** ntpd's answer to the request at {@code request}: stratum 2, org = the request's transmit timestamp. */
    public static int serverResponse(final byte[] f, final int at, final byte[] request, final int requestAt,
                              final int upstream, final long reference, final long receive, final long transmit) {
        Arrays.fill(f, at, at + NTP_HEADER_LENGTH, (byte) 0);
        f[at] = (byte) (request[requestAt] & 0x38 | MODE_SERVER);
        f[at + 1] = 2;
        f[at + 2] = request[requestAt + 2];
        f[at + 3] = (byte) -24;
        putInt(f, at + 4, 0x0000_0319);
        putInt(f, at + 8, 0x0000_04AF);
        putInt(f, at + 12, upstream);
        putLong(f, at + 16, reference);
        System.arraycopy(request, requestAt + NTP_TRANSMIT_OFFSET, f, at + 24, 8);
        putLong(f, at + 32, receive);
        putLong(f, at + 40, transmit);
        return NTP_HEADER_LENGTH;
    }

    /**
     * ntpd's RATE kiss (ntp_proto.c {@code fast_xmit} with RES_KOD): LI 3, stratum 0, refid "RATE", the request's
     * precision, root delay, root dispersion and reference time echoed, and its transmit timestamp in all three of
     * origin, receive and transmit.
     */
    public static int rateKiss(final byte[] f, final int at, final byte[] request, final int requestAt) {
        Arrays.fill(f, at, at + NTP_HEADER_LENGTH, (byte) 0);
        f[at] = (byte) (LI_UNSYNCHRONIZED << 6 | request[requestAt] & 0x38 | MODE_SERVER);
        f[at + 2] = (byte) Math.max(request[requestAt + 2], NTP_MINPOLL);
        System.arraycopy(request, requestAt + 3, f, at + 3, 9);
        putInt(f, at + 12, KISS_RATE);
        System.arraycopy(request, requestAt + 16, f, at + 16, 8);
        for (int timestamp = 24; timestamp <= NTP_TRANSMIT_OFFSET; timestamp += 8) {
            System.arraycopy(request, requestAt + NTP_TRANSMIT_OFFSET, f, at + timestamp, 8);
        }
        return NTP_HEADER_LENGTH;
    }

    /** The MON_GETLIST_1 probe of amplification tools: {@code 17 00 03 2a 00 00 00 00}, optionally zero-padded to 48. */
    public static int monlistProbe(final byte[] f, final int at, final boolean padded) {
        final int length = padded ? MONLIST_PROBE_PADDED_LENGTH : PRIVATE_HEADER_LENGTH;
        Arrays.fill(f, at, at + length, (byte) 0);
        f[at] = (byte) (PRIVATE_VERSION << 3 | MODE_PRIVATE);
        f[at + 2] = IMPL_XNTPD;
        f[at + 3] = REQ_MON_GETLIST_1;
        return length;
    }

    /**
     * The header of one full monlist response (R set, M on all but the last of a series); the caller writes the
     * {@link #MONLIST_ENTRIES_PER_PACKET} entries with {@link #monitorEntry}.
     */
    public static int monlistResponseHeader(final byte[] f, final int at, final int sequence, final boolean more) {
        f[at] = (byte) (PRIVATE_RESPONSE | (more ? PRIVATE_MORE : 0) | PRIVATE_VERSION << 3 | MODE_PRIVATE);
        f[at + 1] = (byte) (sequence & 0x7F);
        f[at + 2] = IMPL_XNTPD;
        f[at + 3] = REQ_MON_GETLIST_1;
        putShort(f, at + 4, MONLIST_ENTRIES_PER_PACKET);
        putShort(f, at + 6, MONITOR_1_LENGTH);
        return PRIVATE_HEADER_LENGTH;
    }

    /** Entry {@code index} of a monlist response at {@code at}: an IPv4 {@code struct info_monitor_1}. */
    public static void monitorEntry(final byte[] f, final int at, final int index, final int averageInterval,
                             final int lastInterval, final int count, final int remote, final int local,
                             final int port, final int mode, final int version) {
        final int entry = at + PRIVATE_HEADER_LENGTH + index * MONITOR_1_LENGTH;
        Arrays.fill(f, entry, entry + MONITOR_1_LENGTH, (byte) 0);
        putInt(f, entry, averageInterval);
        putInt(f, entry + 4, lastInterval);
        putInt(f, entry + 12, count);
        putInt(f, entry + 16, remote);
        putInt(f, entry + 20, local);
        putShort(f, entry + 28, port);
        f[entry + 30] = (byte) mode;
        f[entry + 31] = (byte) version;
    }

    /** ntpq's READVAR of the system variables: 12 bytes, association 0, no data. */
    public static int readVarRequest(final byte[] f, final int at, final int sequence) {
        Arrays.fill(f, at, at + CONTROL_HEADER_LENGTH, (byte) 0);
        f[at] = (byte) (CONTROL_VERSION << 3 | MODE_CONTROL);
        f[at + 1] = OPCODE_READVAR;
        putShort(f, at + 2, sequence);
        return CONTROL_HEADER_LENGTH;
    }

    /** ntpd's single-packet READVAR answer: the system variables, padded to a multiple of 4. */
    public static int readVarResponse(final byte[] f, final int at, final int sequence) {
        final int padded = (READVAR_DATA.length + 3) & ~3;
        Arrays.fill(f, at, at + CONTROL_HEADER_LENGTH + padded, (byte) 0);
        f[at] = (byte) (CONTROL_VERSION << 3 | MODE_CONTROL);
        f[at + 1] = (byte) (CONTROL_RESPONSE | OPCODE_READVAR);
        putShort(f, at + 2, sequence);
        putShort(f, at + 4, SYSTEM_STATUS);
        putShort(f, at + 10, READVAR_DATA.length);
        System.arraycopy(READVAR_DATA, 0, f, at + CONTROL_HEADER_LENGTH, READVAR_DATA.length);
        return CONTROL_HEADER_LENGTH + padded;
    }

    /** REQ_NONCE (ntpd; RFC 9327 §2, opcode 12), what ntpq mrulist asks first. */
    public static final int OPCODE_REQ_NONCE = 12;
    /** READ_MRU (opcode 10): the MRU list, for a request echoing the nonce. */
    public static final int OPCODE_READ_MRU = 10;
    /** ntpd's MRU answers fill fragments to this many NTP bytes (12-byte header and 456 of data). */
    public static final int MRU_FRAGMENT_LENGTH = 468;

    /**
     * A mode 6 message with text data, padded to a multiple of 4: a request (REQ_NONCE, READ_MRU) or one fragment
     * of a response ({@code response}, {@code more} on all but the last, {@code offset} into the whole answer).
     */
    public static int control(final byte[] f, final int at, final int opcode, final int sequence,
                              final boolean response, final boolean more, final int offset, final byte[] data,
                              final int dataLength) {
        final int padded = (dataLength + 3) & ~3;
        Arrays.fill(f, at, at + CONTROL_HEADER_LENGTH + padded, (byte) 0);
        f[at] = (byte) (CONTROL_VERSION << 3 | MODE_CONTROL);
        f[at + 1] = (byte) ((response ? CONTROL_RESPONSE : 0) | (more ? 0x20 : 0) | opcode);
        putShort(f, at + 2, sequence);
        putShort(f, at + 8, offset);
        putShort(f, at + 10, dataLength);
        System.arraycopy(data, 0, f, at + CONTROL_HEADER_LENGTH, dataLength);
        return CONTROL_HEADER_LENGTH + padded;
    }

    /** An NTP timestamp (RFC 5905 §6, era 0) for a Unix time in nanoseconds. */
    public static long ntpTimestamp(final long unixNanos) {
        final long seconds = Math.floorDiv(unixNanos, 1_000_000_000L);
        final long fraction = (Math.floorMod(unixNanos, 1_000_000_000L) << 32) / 1_000_000_000L;
        return (seconds + NTP_UNIX_OFFSET_SECONDS) << 32 | fraction;
    }

    private static void ipv6Address(final byte[] f, final int at, final int address) {
        Arrays.fill(f, at, at + 16, (byte) 0);
        putInt(f, at, 0x2001_0DB8);
        putShort(f, at + 4, address >>> 16);
        putShort(f, at + 14, address);
    }

    /** One's-complement sum of 16-bit words (RFC 1071), not yet folded. */
    private static long sum(final byte[] f, final int at, final int length, final long initial) {
        long sum = initial;
        final int end = at + (length & ~1);
        for (int i = at; i < end; i += 2) {
            sum += (f[i] & 0xFF) << 8 | f[i + 1] & 0xFF;
        }
        if ((length & 1) != 0) {
            sum += (f[at + length - 1] & 0xFF) << 8;
        }
        return sum;
    }

    private static int fold(final long sum) {
        long folded = sum;
        while (folded >>> 16 != 0) {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        return (int) ~folded & 0xFFFF;
    }

    public static void putShort(final byte[] f, final int at, final int value) {
        f[at] = (byte) (value >>> 8);
        f[at + 1] = (byte) value;
    }

    public static void putInt(final byte[] f, final int at, final int value) {
        f[at] = (byte) (value >>> 24);
        f[at + 1] = (byte) (value >>> 16);
        f[at + 2] = (byte) (value >>> 8);
        f[at + 3] = (byte) value;
    }

    public static void putLong(final byte[] f, final int at, final long value) {
        putInt(f, at, (int) (value >>> 32));
        putInt(f, at + 4, (int) value);
    }
}
