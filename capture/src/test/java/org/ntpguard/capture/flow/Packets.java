package org.ntpguard.capture.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.FrameBuilder;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.proto.LinkType;

/** Decoded NTP datagrams made from real frames, for the combiner's tests. */
public final class Packets {

    public static final int CLIENT_PORT = 40_000;

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();

    /** A mode 3 request from {@code client} to {@code server}, captured at {@code millis}. */
    public DecodedPacket request(final String client, final String server, final long millis) {
        return request(client, CLIENT_PORT, server, millis);
    }

    /** A mode 3 request from {@code client}'s port {@code clientPort}. */
    public DecodedPacket request(final String client, final int clientPort, final String server, final long millis) {
        return decode(FrameBuilder.ntpClientRequest(), client, clientPort, server, 123, millis);
    }

    /** A RATE Kiss-o'-Death (mode 4, stratum 0, refid RATE) from {@code server} to {@code client}. */
    public DecodedPacket rateKiss(final String server, final String client, final long millis) {
        return rateKiss(server, client, CLIENT_PORT, millis);
    }

    /** A RATE Kiss-o'-Death to {@code client}'s port {@code clientPort}. */
    public DecodedPacket rateKiss(final String server, final String client, final int clientPort, final long millis) {
        final byte[] ntp = FrameBuilder.ntpClientRequest();
        ntp[0] = 0x24; // LI 0, VN 4, mode 4
        ntp[1] = 0;    // stratum 0: a kiss
        ntp[12] = 'R';
        ntp[13] = 'A';
        ntp[14] = 'T';
        ntp[15] = 'E';
        return decode(ntp, server, 123, client, clientPort, millis);
    }

    private DecodedPacket decode(final byte[] ntp, final String source, final int sourcePort,
                                 final String destination, final int destinationPort, final long millis) {
        final byte[] frame = FrameBuilder.payload(ntp).udp(sourcePort, destinationPort)
                .ipv4(address(source), address(destination), 17).ethernet(0x0800).bytes();
        final CapturedFrame captured = new CapturedFrame().set(ByteBuffer.wrap(frame), 0, frame.length, frame.length,
                LinkType.ETHERNET, millis * 1_000_000L, 1, 0);
        if (decoder.decode(captured, packet) != DecodeResult.NTP) {
            throw new IllegalStateException("not NTP: " + packet.describeDefect());
        }
        return packet;
    }

    private static byte[] address(final String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
