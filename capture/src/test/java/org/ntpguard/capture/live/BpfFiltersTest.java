package org.ntpguard.capture.live;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The default filter compiled by libpcap for Ethernet (as a pcap file or a non-Linux interface would be) and run on
 * hand-built frames: what it must keep and what it must drop. Fails, not skips, without libpcap.
 */
class BpfFiltersTest {

    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_LINUX_SLL = 113;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final int PROTOCOL_GRE = 47;
    private static final int NEXT_HEADER_FRAGMENT = 44;
    private static final byte[] MODE7_MONLIST_PROBE = {0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00};

    private static PcapHandle dead;
    private static BpfProgram defaultFilter;

    @BeforeAll
    static void compileDefaultFilter() throws Exception {
        PcapLibrary.load();
        dead = Pcaps.openDead(DataLinkType.EN10MB, LiveCaptureOptions.MAX_SNAPLEN);
        defaultFilter = dead.compileFilter(LiveCaptureOptions.DEFAULT_FILTER, BpfProgram.BpfCompileMode.OPTIMIZE,
                PcapHandle.PCAP_NETMASK_UNKNOWN);
    }

    @AfterAll
    static void release() {
        if (defaultFilter != null) {
            defaultFilter.free();
        }
        if (dead != null) {
            dead.close();
        }
    }

    @Test
    void shouldAcceptDefaultFilterWhenCheckedForEthernet() {
        assertThatCode(() -> BpfFilters.check(LiveCaptureOptions.DEFAULT_FILTER, LINKTYPE_ETHERNET))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptUntaggedClausesWhenCheckedForLinuxCookedCapture() {
        assertThatCode(() -> BpfFilters.check(LiveCaptureOptions.NTP_AND_CARRIERS, LINKTYPE_LINUX_SLL))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldNameFilterAndLibpcapErrorWhenFilterDoesNotParse() {
        assertThatThrownBy(() -> BpfFilters.check("udp port", LINKTYPE_ETHERNET))
                .isInstanceOf(LiveCaptureException.class)
                .hasMessage("Invalid capture filter 'udp port': can't parse filter expression: syntax error.");
    }

    @Test
    void shouldKeepNtpWhenUntagged() {
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 123, MODE7_MONLIST_PROBE)))))
                .isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(123, 40000, MODE7_MONLIST_PROBE)))))
                .isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV6, ipv6(PROTOCOL_UDP, udp(40000, 123, MODE7_MONLIST_PROBE)))))
                .isTrue();
    }

    @Test
    void shouldKeepNtpWhenInsideOneVlanTag() {
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 123, MODE7_MONLIST_PROBE)),
                ETHERTYPE_VLAN))).isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV6, ipv6(PROTOCOL_UDP, udp(40000, 123, MODE7_MONLIST_PROBE)),
                ETHERTYPE_VLAN))).isTrue();
    }

    @Test
    void shouldKeepNtpWhenInsideQinQTags() {
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 123, MODE7_MONLIST_PROBE)),
                ETHERTYPE_QINQ, ETHERTYPE_VLAN))).isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 123, MODE7_MONLIST_PROBE)),
                ETHERTYPE_VLAN, ETHERTYPE_VLAN))).isTrue();
    }

    @Test
    void shouldNeedVlanClausesWhenNtpIsTagged() throws Exception {
        // given: the untagged clauses alone
        final BpfProgram untagged = dead.compileFilter(LiveCaptureOptions.NTP_AND_CARRIERS,
                BpfProgram.BpfCompileMode.OPTIMIZE, PcapHandle.PCAP_NETMASK_UNKNOWN);
        final byte[] tagged = ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 123, MODE7_MONLIST_PROBE)),
                ETHERTYPE_VLAN);
        try {
            // when, then
            assertThat(untagged.applyFilter(tagged)).isFalse();
            assertThat(keeps(tagged)).isTrue();
        } finally {
            untagged.free();
        }
    }

    @Test
    void shouldKeepNonFirstIpv4FragmentWhenItHasNoUdpHeader() {
        final int offsetIn8ByteUnits = 185;
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, offsetIn8ByteUnits, new byte[64])))).isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, offsetIn8ByteUnits, new byte[64]),
                ETHERTYPE_VLAN))).isTrue();
    }

    @Test
    void shouldKeepIpv6FragmentWhenFragmentHeaderComesFirst() {
        assertThat(keeps(ethernet(ETHERTYPE_IPV6, ipv6(NEXT_HEADER_FRAGMENT, new byte[64])))).isTrue();
    }

    @Test
    void shouldKeepGreAndVxlanWhenTheyMayCarryNtp() {
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_GRE, 0, new byte[64])))).isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV6, ipv6(PROTOCOL_GRE, new byte[64])))).isTrue();
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(50000, 4789, new byte[64]))))).isTrue();
    }

    @Test
    void shouldDropOtherTrafficWhenNotNtpOrCarrier() {
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 9999, new byte[4]))))).isFalse();
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_UDP, 0, udp(40000, 53, new byte[32])),
                ETHERTYPE_VLAN))).isFalse();
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_TCP, 0, udp(40000, 123, new byte[32]))))).isFalse();
        assertThat(keeps(ethernet(ETHERTYPE_IPV6, ipv6(PROTOCOL_UDP, udp(40000, 9999, new byte[4]))))).isFalse();
    }

    @Test
    void shouldDropIcmpPortUnreachableWhenItQuotesAnNtpPacket() {
        final byte[] quoted = ipv4(PROTOCOL_UDP, 0, udp(40000, 123, MODE7_MONLIST_PROBE));
        final ByteArrayOutputStream icmp = new ByteArrayOutputStream();
        icmp.writeBytes(new byte[] {3, 3, 0, 0, 0, 0, 0, 0}); // type 3 code 3: port unreachable, checksum, unused
        icmp.writeBytes(quoted);
        assertThat(keeps(ethernet(ETHERTYPE_IPV4, ipv4(PROTOCOL_ICMP, 0, icmp.toByteArray())))).isFalse();
    }

    private static boolean keeps(final byte[] frame) {
        return defaultFilter.applyFilter(frame);
    }

    /** An Ethernet II frame, with one 802.1Q/802.1ad tag (VID 100, 200, ...) per given tag EtherType, outermost first. */
    private static byte[] ethernet(final int etherType, final byte[] payload, final int... tagTypes) {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(new byte[] {0, 0, 0, 0, 0, 2});      // destination MAC
        frame.writeBytes(new byte[] {0, 0, 0, 0, 0, 1});      // source MAC
        for (int i = 0; i < tagTypes.length; i++) {
            writeShort(frame, tagTypes[i]);                   // TPID
            writeShort(frame, 100 * (i + 1));                 // PCP 0, DEI 0, VID
        }
        writeShort(frame, etherType);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** An IPv4 header without options (checksum left zero: BPF does not check it). */
    private static byte[] ipv4(final int protocol, final int fragmentOffset, final byte[] payload) {
        final ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x45);                                   // version 4, IHL 5
        packet.write(0);                                      // DSCP, ECN
        writeShort(packet, 20 + payload.length);              // total length
        writeShort(packet, 0x1234);                           // identification
        writeShort(packet, fragmentOffset & 0x1fff);          // flags 0, fragment offset
        packet.write(64);                                     // TTL
        packet.write(protocol);
        writeShort(packet, 0);                                // header checksum
        packet.writeBytes(new byte[] {(byte) 192, 0, 2, 1}); // source 192.0.2.1 (documentation range)
        packet.writeBytes(new byte[] {(byte) 192, 0, 2, 2}); // destination 192.0.2.2
        packet.writeBytes(payload);
        return packet.toByteArray();
    }

    /** An IPv6 fixed header. */
    private static byte[] ipv6(final int nextHeader, final byte[] payload) {
        final ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.writeBytes(new byte[] {0x60, 0, 0, 0});        // version 6, traffic class, flow label
        writeShort(packet, payload.length);                   // payload length
        packet.write(nextHeader);
        packet.write(64);                                     // hop limit
        packet.writeBytes(documentationAddress(1));           // source 2001:db8::1
        packet.writeBytes(documentationAddress(2));           // destination 2001:db8::2
        packet.writeBytes(payload);
        return packet.toByteArray();
    }

    private static byte[] udp(final int sourcePort, final int destinationPort, final byte[] payload) {
        final ByteArrayOutputStream datagram = new ByteArrayOutputStream();
        writeShort(datagram, sourcePort);
        writeShort(datagram, destinationPort);
        writeShort(datagram, 8 + payload.length);             // length
        writeShort(datagram, 0);                              // checksum (none)
        datagram.writeBytes(payload);
        return datagram.toByteArray();
    }

    private static byte[] documentationAddress(final int last) {
        final byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte) 0xb8;
        address[15] = (byte) last;
        return address;
    }

    private static void writeShort(final ByteArrayOutputStream out, final int value) {
        out.write(value >>> 8);
        out.write(value);
    }
}
