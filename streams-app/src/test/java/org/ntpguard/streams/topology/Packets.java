package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.FrameBuilder;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.proto.LinkType;
import org.ntpguard.streams.detect.IpAddress;

/**
 * NTP datagrams as a sensor captures them, for topology tests: Ethernet frames with the NTP payload byte by byte,
 * which the capture module's decoder reads and its flow combiner counts (see {@link DetectorDriver}).
 */
final class Packets {

    static final long T0 = 1_740_830_400_000L; // 2025-03-01 12:00:00 UTC, a window boundary for 30 s windows

    /** One captured datagram: its frame and capture time. */
    record Datagram(byte[] frame, long millis) {

        /** Decodes the frame with the capture module's decoder into {@code into}. */
        DecodedPacket decode(final PacketDecoder decoder, final DecodedPacket into) {
            final CapturedFrame captured = new CapturedFrame().set(ByteBuffer.wrap(frame), 0, frame.length,
                    frame.length, LinkType.ETHERNET, millis * 1_000_000L, 1, 0);
            if (decoder.decode(captured, into) != DecodeResult.NTP) {
                throw new IllegalStateException("not NTP: " + into.describeDefect());
            }
            return into;
        }
    }

    private Packets() {
    }

    private static Datagram datagram(final long millis, final String src, final String dst, final int sport,
                                     final int dport, final byte[] ntp) {
        final IpAddress source = IpAddress.parse(src);
        final IpAddress destination = IpAddress.parse(dst);
        final FrameBuilder udp = FrameBuilder.payload(ntp).udp(sport, dport);
        final byte[] frame = source.ipv6()
                ? udp.ipv6(source.toBytes(), destination.toBytes(), 17).ethernet(0x86DD).bytes()
                : udp.ipv4(source.toBytes(), destination.toBytes(), 17).ethernet(0x0800).bytes();
        return new Datagram(frame, millis);
    }

    /** A 48-byte header: LI, version 4, mode, stratum, poll 6, the reference id, non-zero timestamps. */
    private static byte[] header(final int li, final int mode, final int stratum, final int precision,
                                 final String refId) {
        final byte[] ntp = new byte[48];
        ntp[0] = (byte) (li << 6 | 4 << 3 | mode); // LI, VN 4, mode
        ntp[1] = (byte) stratum;
        ntp[2] = 6;                                 // poll
        ntp[3] = (byte) precision;
        for (int i = 0; i < 4; i++) {               // reference id (a kiss code's four ASCII bytes)
            ntp[12 + i] = (byte) (i < refId.length() ? refId.charAt(i) : ' ');
        }
        ntp[47] = 3;                                // transmit timestamp
        if (mode == 4) {
            ntp[23] = 1;                            // reference timestamp
            ntp[31] = 1;                            // origin timestamp
            ntp[39] = 2;                            // receive timestamp
        }
        return ntp;
    }

    /** Mode 3, 48 bytes. */
    static Datagram clientRequest(final long millis, final String client, final String server) {
        return datagram(millis, client, server, 40000, 123, header(0, 3, 0, -20, "\0\0\0\0"));
    }

    /** Mode 4, 48 bytes, stratum 2 (or a KoD when {@code kissCode} is set: LI 3, stratum 0, the code as refid). */
    static Datagram serverResponse(final long millis, final String server, final String client,
                                   final String kissCode) {
        final byte[] ntp = kissCode == null ? header(0, 4, 2, -23, "\u00c0\0\u0002\u0001")
                : header(3, 4, 0, -23, kissCode);
        return datagram(millis, server, client, 123, 40000, ntp);
    }

    /** Mode 4, 48 bytes, from a server declaring itself unsynchronized: LI=3 (alarm), stratum 16, no kiss code. */
    static Datagram unsynchronizedResponse(final long millis, final String server, final String client) {
        return datagram(millis, server, client, 123, 40000, header(3, 4, 16, -23, "INIT"));
    }

    /** Mode 7 MON_GETLIST_1 probe, 8 bytes, claiming to come from {@code claimedClient}. */
    static Datagram monlistProbe(final long millis, final String claimedClient, final String server) {
        return datagram(millis, claimedClient, server, 40000, 123, privateMessage(false, 0, 0));
    }

    /** Mode 7 MON_GETLIST_1 response: 440 bytes, 6 entries of 72 bytes (left zero). */
    static Datagram monlistReply(final long millis, final String server, final String client, final int sequence) {
        return datagram(millis, server, client, 123, 40000, privateMessage(true, sequence, 6));
    }

    private static byte[] privateMessage(final boolean response, final int sequence, final int items) {
        final byte[] ntp = new byte[8 + items * 72];
        ntp[0] = (byte) ((response ? 0x80 : 0) | 2 << 3 | 7); // R, M clear, version 2, mode 7
        ntp[1] = (byte) sequence;                              // A clear, sequence
        ntp[2] = 3;                                            // implementation XNTPD
        ntp[3] = 42;                                           // request code MON_GETLIST_1
        ntp[4] = (byte) (items >> 8 & 0x0F);                   // error 0, item count (12 bits)
        ntp[5] = (byte) items;
        ntp[6] = 0;                                            // MBZ, item size (12 bits): 72
        ntp[7] = 72;
        return ntp;
    }

    /** Mode 6 READVAR request (12 bytes) or response (468 bytes). */
    static Datagram readvar(final long millis, final String from, final String to, final boolean response) {
        final int count = response ? 456 : 0;
        final byte[] ntp = new byte[12 + count];
        ntp[0] = 2 << 3 | 6;                                   // LI 0, version 2, mode 6
        ntp[1] = (byte) ((response ? 0x80 : 0) | 2);           // R, E, M; opcode READVAR
        ntp[3] = 1;                                            // sequence 1
        if (response) {
            ntp[4] = 0x06;                                     // system status 0x0615
            ntp[5] = 0x15;
        }
        ntp[10] = (byte) (count >> 8);                         // count
        ntp[11] = (byte) count;
        for (int i = 12; i < ntp.length; i++) {
            ntp[i] = 'x';
        }
        return datagram(millis, from, to, response ? 123 : 41234, response ? 41234 : 123, ntp);
    }
}
