package org.ntpguard.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.capture.decode.FrameBuilder.CLIENT_V4;
import static org.ntpguard.capture.decode.FrameBuilder.CLIENT_V6;
import static org.ntpguard.capture.decode.FrameBuilder.SERVER_V4;
import static org.ntpguard.capture.decode.FrameBuilder.SERVER_V6;
import static org.ntpguard.capture.decode.FrameBuilder.ntpClientRequest;
import static org.ntpguard.capture.decode.FrameBuilder.payload;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.proto.LinkType;

class PacketDecoderTest {

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();

    private static FrameBuilder ntpOverIpv4() {
        return payload(ntpClientRequest()).udp(40001, 123).ipv4(CLIENT_V4, SERVER_V4, 17);
    }

    private static FrameBuilder ntpOverIpv6() {
        return payload(ntpClientRequest()).udp(40001, 123).ipv6(CLIENT_V6, SERVER_V6, 17);
    }

    private DecodeResult decode(final CapturedFrame frame) {
        return decoder.decode(frame, packet);
    }

    private void assertClientRequestOverIpv4() {
        assertThat(packet.ipVersion()).isEqualTo(4);
        final byte[] address = new byte[16];
        assertThat(packet.source(address)).isEqualTo(4);
        assertThat(ByteBuffer.wrap(address, 0, 4)).isEqualTo(ByteBuffer.wrap(CLIENT_V4));
        assertThat(packet.destination(address)).isEqualTo(4);
        assertThat(ByteBuffer.wrap(address, 0, 4)).isEqualTo(ByteBuffer.wrap(SERVER_V4));
        assertThat(packet.sourcePort()).isEqualTo(40001);
        assertThat(packet.destinationPort()).isEqualTo(123);
        assertThat(packet.ntpLength()).isEqualTo(48);
        assertThat(packet.ipLength()).isEqualTo(76);
        assertThat(packet.malformed()).isNull();
        assertThat(packet.ntp().version()).isEqualTo(4);
        assertThat(packet.ntp().mode()).isEqualTo(3);
    }

    @Test
    void shouldDecodeNtpOverEthernetAndIpv4() {
        final DecodeResult result = decode(ntpOverIpv4().ethernet(0x0800).frame(LinkType.ETHERNET));

        assertThat(result).isEqualTo(DecodeResult.NTP);
        assertClientRequestOverIpv4();
        assertThat(packet.vlanCount()).isZero();
        assertThat(packet.tunnel()).isEqualTo(Tunnel.NONE);
        assertThat(packet.fragmented()).isFalse();
        assertThat(packet.frameNumber()).isEqualTo(1);
        assertThat(packet.timestampNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void shouldDecodeNtpOverIpv4WithOptions() {
        final byte[] routerAlert = {(byte) 0x94, 0x04, 0x00, 0x00};
        final CapturedFrame frame = payload(ntpClientRequest()).udp(40001, 123)
                .ipv4(CLIENT_V4, SERVER_V4, 17, 0, 1, routerAlert).ethernet(0x0800).frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ipLength()).isEqualTo(80);
        assertThat(packet.ntp().mode()).isEqualTo(3);
    }

    @Test
    void shouldDecodeNtpOverIpv6WithExtensionHeaders() {
        final CapturedFrame frame = payload(ntpClientRequest()).udp(40001, 123)
                .ipv6Extension(17, 1)        // destination options, 16 bytes, then UDP
                .ipv6Extension(60, 0)        // hop-by-hop, 8 bytes, then destination options
                .ipv6(CLIENT_V6, SERVER_V6, 0)
                .ethernet(0x86DD).frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ipVersion()).isEqualTo(6);
        assertThat(packet.ipLength()).isEqualTo(40 + 24 + 56);
        final byte[] address = new byte[16];
        assertThat(packet.source(address)).isEqualTo(16);
        assertThat(address).isEqualTo(CLIENT_V6);
        assertThat(packet.ntp().mode()).isEqualTo(3);
    }

    @Test
    void shouldRecordEveryVlanTagOutermostFirst() {
        final CapturedFrame frame = ntpOverIpv4()
                .vlan(0x8100, 300, 0x0800)   // inner C-tag
                .vlan(0x88A8, 200, 0x8100)   // outer S-tag
                .ethernetTagged().frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.vlanCount()).isEqualTo(2);
        assertThat(packet.vlan(0)).isEqualTo(200);
        assertThat(packet.vlan(1)).isEqualTo(300);
        assertClientRequestOverIpv4();
    }

    @Test
    void shouldRejectAVlanStackDeeperThanEightTags() {
        FrameBuilder builder = ntpOverIpv4().vlan(0x8100, 1, 0x0800);
        for (int tag = 2; tag <= 9; tag++) {
            builder = builder.vlan(0x8100, tag, 0x8100);
        }

        assertThat(decode(builder.ethernetTagged().frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.TOO_MANY_VLAN_TAGS);
    }

    @Test
    void shouldDecodeLinuxCookedV1AndV2() {
        final byte[] sll = {
            0, 0,                        // packet type: to us
            0, 1,                        // ARPHRD_ETHER
            0, 6,                        // address length
            2, 0, 0, 0, 0, 1, 0, 0,      // address, padded to 8
            0x08, 0x00                   // protocol: IPv4
        };
        final byte[] sll2 = {
            (byte) 0x86, (byte) 0xDD,    // protocol: IPv6
            0, 0,                        // reserved
            0, 0, 0, 2,                  // interface index
            0, 1,                        // ARPHRD_ETHER
            0,                           // packet type
            6,                           // address length
            2, 0, 0, 0, 0, 1, 0, 0       // address
        };

        assertThat(decode(ntpOverIpv4().raw(sll).frame(LinkType.LINUX_SLL))).isEqualTo(DecodeResult.NTP);
        assertClientRequestOverIpv4();
        assertThat(decode(ntpOverIpv6().raw(sll2).frame(LinkType.LINUX_SLL2))).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ipVersion()).isEqualTo(6);
    }

    @Test
    void shouldDecodeBsdLoopbackInEitherByteOrder() {
        final byte[] inetLittleEndian = {2, 0, 0, 0};     // AF_INET written by a little-endian host
        final byte[] inet6Darwin = {0, 0, 0, 30};          // AF_INET6 (macOS), network order as LOOP writes it

        assertThat(decode(ntpOverIpv4().raw(inetLittleEndian).frame(LinkType.NULL))).isEqualTo(DecodeResult.NTP);
        assertClientRequestOverIpv4();
        assertThat(decode(ntpOverIpv6().raw(inet6Darwin).frame(LinkType.LOOP))).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ipVersion()).isEqualTo(6);
    }

    @Test
    void shouldDecodeRawIpLinkTypes() {
        assertThat(decode(ntpOverIpv4().frame(LinkType.RAW))).isEqualTo(DecodeResult.NTP);
        assertClientRequestOverIpv4();
        assertThat(decode(ntpOverIpv6().frame(LinkType.RAW))).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ipVersion()).isEqualTo(6);
        assertThat(decode(ntpOverIpv4().frame(LinkType.IPV4))).isEqualTo(DecodeResult.NTP);
        assertThat(decode(ntpOverIpv6().frame(LinkType.IPV6))).isEqualTo(DecodeResult.NTP);
    }

    @Test
    void shouldReportAnUnknownLinkTypeAsUnsupported() {
        assertThat(decode(ntpOverIpv4().frame(147))).isEqualTo(DecodeResult.UNSUPPORTED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.UNSUPPORTED_LINK_TYPE);
        assertThat(packet.describeDefect()).isEqualTo("link type not decoded: 147 link type (expected: 1)");
    }

    @Test
    void shouldDecodeNtpInsideGreWithKeyAndSequence() {
        final CapturedFrame frame = ntpOverIpv4()
                .gre(0x3000, 0x0800, 2)      // K and S set: key and sequence words
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47)
                .ethernet(0x0800).frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.tunnel()).isEqualTo(Tunnel.GRE);
        assertClientRequestOverIpv4(); // inner addresses, not the tunnel's
    }

    @Test
    void shouldDecodeNtpInsideGreCarryingEthernet() {
        final CapturedFrame frame = ntpOverIpv4().ethernet(0x0800)
                .gre(0x0000, 0x6558, 0)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47)
                .ethernet(0x0800).frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.tunnel()).isEqualTo(Tunnel.GRE);
        assertClientRequestOverIpv4();
    }

    @Test
    void shouldDecodeErspanTypesOneTwoAndThree() {
        final FrameBuilder mirrored = ntpOverIpv4().vlan(0x8100, 42, 0x0800).ethernetTagged();
        final CapturedFrame typeOne = payload(mirrored.bytes()).gre(0x0000, 0x88BE, 0)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47).ethernet(0x0800)
                .frame(LinkType.ETHERNET);
        final CapturedFrame typeTwo = payload(mirrored.bytes()).erspanType2().gre(0x1000, 0x88BE, 1)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47).ethernet(0x0800)
                .frame(LinkType.ETHERNET);
        final CapturedFrame typeThree = payload(mirrored.bytes()).erspanType3(true).gre(0x1000, 0x22EB, 1)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47).ethernet(0x0800)
                .frame(LinkType.ETHERNET);

        for (final CapturedFrame frame : new CapturedFrame[] {typeOne, typeTwo, typeThree}) {
            assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
            assertThat(packet.tunnel()).isEqualTo(Tunnel.ERSPAN);
            assertThat(packet.vlanCount()).isEqualTo(1);
            assertThat(packet.vlan(0)).isEqualTo(42);
            assertClientRequestOverIpv4();
        }
    }

    @Test
    void shouldDecodeNtpInsideVxlan() {
        final CapturedFrame frame = ntpOverIpv4().ethernet(0x0800)
                .vxlan(0x08, 5001).udp(51000, 4789)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 17)
                .ethernet(0x0800).frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.tunnel()).isEqualTo(Tunnel.VXLAN);
        assertClientRequestOverIpv4();
    }

    @Test
    void shouldRejectVxlanWithoutItsIFlag() {
        final CapturedFrame frame = ntpOverIpv4().ethernet(0x0800)
                .vxlan(0x00, 5001).udp(51000, 4789)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 17)
                .ethernet(0x0800).frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.BAD_VXLAN_FLAGS);
    }

    @Test
    void shouldStopAtTunnelsNestedTooDeep() {
        FrameBuilder builder = ntpOverIpv4();
        for (int level = 0; level < 5; level++) {
            builder = builder.gre(0, 0x0800, 0).ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47);
        }

        assertThat(decode(builder.ethernet(0x0800).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.TOO_MANY_TUNNELS);
    }

    @Test
    void shouldLeaveGreVersionOneUnsupported() {
        final CapturedFrame frame = ntpOverIpv4().gre(0x0001, 0x880B, 0)
                .ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 47).ethernet(0x0800)
                .frame(LinkType.ETHERNET);

        assertThat(decode(frame)).isEqualTo(DecodeResult.UNSUPPORTED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.UNSUPPORTED_GRE_VERSION);
    }

    @Test
    void shouldDecodeTheFirstIpv4FragmentAndAttributeTheLaterOnes() {
        final byte[] ntp = new byte[1356 - 8];
        System.arraycopy(ntpClientRequest(), 0, ntp, 0, 48);
        final byte[] udpDatagram = payload(ntp).udp(40006, 123).bytes();
        final byte[] firstPart = java.util.Arrays.copyOfRange(udpDatagram, 0, 1104);
        final byte[] lastPart = java.util.Arrays.copyOfRange(udpDatagram, 1104, udpDatagram.length);
        final CapturedFrame first = payload(firstPart).ipv4(CLIENT_V4, SERVER_V4, 17, 0x2000, 77, new byte[0])
                .ethernet(0x0800).frame(LinkType.ETHERNET);
        final CapturedFrame last = payload(lastPart).ipv4(CLIENT_V4, SERVER_V4, 17, 1104 / 8, 77, new byte[0])
                .ethernet(0x0800).frame(LinkType.ETHERNET);
        final CapturedFrame unrelated = payload(lastPart).ipv4(CLIENT_V4, SERVER_V4, 17, 1104 / 8, 78, new byte[0])
                .ethernet(0x0800).frame(LinkType.ETHERNET);

        assertThat(decode(first)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.fragmented()).isTrue();
        assertThat(packet.ntpLength()).isEqualTo(1348);
        assertThat(packet.ntp().mode()).isEqualTo(3);
        assertThat(decode(last)).isEqualTo(DecodeResult.NTP_FRAGMENT);
        assertThat(decode(unrelated)).isEqualTo(DecodeResult.NOT_NTP);
    }

    @Test
    void shouldAttributeALaterIpv6FragmentThatArrivedBeforeTheFirst() {
        final byte[] ntp = new byte[200];
        System.arraycopy(ntpClientRequest(), 0, ntp, 0, 48);
        final byte[] udpDatagram = payload(ntp).udp(40006, 123).bytes();
        final CapturedFrame last = payload(java.util.Arrays.copyOfRange(udpDatagram, 104, udpDatagram.length))
                .ipv6Fragment(17, 13, false, 0xCAFE).ipv6(CLIENT_V6, SERVER_V6, 44).frame(LinkType.RAW);
        final CapturedFrame first = payload(java.util.Arrays.copyOfRange(udpDatagram, 0, 104))
                .ipv6Fragment(17, 0, true, 0xCAFE).ipv6(CLIENT_V6, SERVER_V6, 44).frame(LinkType.RAW);
        final CapturedFrame lastAgain = payload(java.util.Arrays.copyOfRange(udpDatagram, 104, udpDatagram.length))
                .ipv6Fragment(17, 13, false, 0xCAFE).ipv6(CLIENT_V6, SERVER_V6, 44).frame(LinkType.RAW);

        assertThat(decode(last)).isEqualTo(DecodeResult.NOT_NTP); // not yet known to be NTP
        assertThat(decode(first)).isEqualTo(DecodeResult.NTP);
        assertThat(packet.fragmented()).isTrue();
        assertThat(packet.ntpLength()).isEqualTo(200);
        assertThat(decode(lastAgain)).isEqualTo(DecodeResult.NTP_FRAGMENT);
    }

    @Test
    void shouldIgnoreUdpOnOtherPorts() {
        assertThat(decode(payload(ntpClientRequest()).udp(40001, 53).ipv4(CLIENT_V4, SERVER_V4, 17)
                .ethernet(0x0800).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.NOT_NTP);
        assertThat(decode(payload(ntpClientRequest()).ipv4(CLIENT_V4, SERVER_V4, 6)
                .ethernet(0x0800).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.NOT_NTP);
        assertThat(decode(payload(new byte[46]).ethernet(0x0806).frame(LinkType.ETHERNET)))
                .isEqualTo(DecodeResult.NOT_NTP);
    }

    @Test
    void shouldReportTruncationAtEachLayerWithActualAndExpectedLengths() {
        final byte[] full = ntpOverIpv4().ethernet(0x0800).bytes();

        assertThat(decode(payload(full).frame(LinkType.ETHERNET, 10))).isEqualTo(DecodeResult.TRUNCATED);
        assertThat(packet.describeDefect())
                .isEqualTo("frame ends inside its link-layer header: 10 bytes (expected: 14+)");
        assertThat(decode(payload(full).frame(LinkType.ETHERNET, 14 + 12))).isEqualTo(DecodeResult.TRUNCATED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.TRUNCATED_IPV4_HEADER);
        assertThat(packet.defectFrameOffset()).isEqualTo(14);
        assertThat(decode(payload(full).frame(LinkType.ETHERNET, 14 + 20 + 5))).isEqualTo(DecodeResult.TRUNCATED);
        assertThat(packet.describeDefect()).isEqualTo("frame ends inside the UDP header: 5 bytes (expected: 8+)");
        assertThat(packet.defectFrameOffset()).isEqualTo(34);
    }

    @Test
    void shouldDecodeWhatASnapLengthLeftOfTheNtpPayload() {
        final byte[] full = ntpOverIpv4().ethernet(0x0800).bytes();

        final DecodeResult result = decode(payload(full).frame(LinkType.ETHERNET, 14 + 20 + 8 + 20));

        assertThat(result).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ntpLength()).isEqualTo(48); // from the UDP header, not from what was captured
        assertThat(packet.ntp().mode()).isEqualTo(3);
    }

    @Test
    void shouldRejectImpossibleIpv4AndUdpLengths() {
        final byte[] badIhl = ntpOverIpv4().ethernet(0x0800).bytes();
        badIhl[14] = 0x44; // IHL 4: 16 bytes
        final byte[] shortTotal = ntpOverIpv4().ethernet(0x0800).bytes();
        shortTotal[14 + 2] = 0;
        shortTotal[14 + 3] = 19;
        final byte[] shortUdp = ntpOverIpv4().ethernet(0x0800).bytes();
        shortUdp[14 + 20 + 4] = 0;
        shortUdp[14 + 20 + 5] = 7;

        assertThat(decode(payload(badIhl).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.describeDefect()).isEqualTo("IPv4 header length below minimum: 16 bytes (expected: 20+)");
        assertThat(decode(payload(shortTotal).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.BAD_IPV4_TOTAL_LENGTH);
        assertThat(decode(payload(shortUdp).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.BAD_UDP_LENGTH);
    }

    @Test
    void shouldStopAnOverlongIpv6ExtensionChain() {
        FrameBuilder builder = payload(ntpClientRequest()).udp(40001, 123).ipv6Extension(17, 0);
        for (int i = 0; i < 20; i++) {
            builder = builder.ipv6Extension(60, 0);
        }

        assertThat(decode(builder.ipv6(CLIENT_V6, SERVER_V6, 60).frame(LinkType.RAW)))
                .isEqualTo(DecodeResult.MALFORMED);
        assertThat(packet.defect()).isEqualTo(FrameDefect.TOO_MANY_IPV6_EXTENSIONS);
    }

    @Test
    void shouldIgnoreEthernetPaddingBeyondTheIpTotalLength() {
        final byte[] padded = java.util.Arrays.copyOf(ntpOverIpv4().ethernet(0x0800).bytes(), 14 + 76 + 20);

        assertThat(decode(payload(padded).frame(LinkType.ETHERNET))).isEqualTo(DecodeResult.NTP);
        assertThat(packet.ntpLength()).isEqualTo(48);
        assertThat(packet.malformed()).isNull();
    }
}
