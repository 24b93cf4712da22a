package org.ntpguard.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ntpguard.capture.proto.ControlOpcode;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.capture.proto.PrivateError;
import org.ntpguard.capture.proto.PrivateImplementation;
import org.ntpguard.capture.proto.PrivateRequestCode;
import org.ntpguard.schema.Role;

class NtpMessageTest {
    private final NtpMessage message = new NtpMessage();

    // ---------------------------------------------------------------- modes 0-5

    @Test
    void shouldDecodeClientRequestWhenNtpv4Mode3() {
        // given
        final byte[] payload = concat(bytes(
            0x23,                   // LI 0, VN 4, mode 3
            0x00,                   // stratum 0
            0x06,                   // poll 6
            0xe8,                   // precision -24
            0x00, 0x00, 0x00, 0x00, // root delay
            0x00, 0x00, 0x00, 0x00, // root dispersion
            0x00, 0x00, 0x00, 0x00  // reference ID
        ), zeros(24), bytes(
            0xdc, 0xf2, 0x62, 0x70, 0xcd, 0x03, 0xed, 0x4f // transmit timestamp
        ));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.li()).isZero();
        assertThat(message.version()).isEqualTo(4);
        assertThat(message.mode()).isEqualTo(3);
        assertThat(message.role()).isEqualTo(Role.REQUEST);
        assertThat(message.hasStandardHeader()).isTrue();
        assertThat(message.hasControl()).isFalse();
        assertThat(message.hasPrivate()).isFalse();
        final NtpHeader header = message.header();
        assertThat(header.stratum()).isZero();
        assertThat(header.poll()).isEqualTo(6);
        assertThat(header.precision()).isEqualTo(-24);
        assertThat(header.xmtTime()).isEqualTo(0xdcf26270cd03ed4fL);
        assertThat(header.orgTime()).isZero();
        assertThat(header.isKissOfDeath()).isFalse();
        assertThat(header.kissCode()).isEqualTo(KissCode.NONE);
        assertThat(message.extensionFields()).isZero();
        assertThat(message.keyId()).isEqualTo(-1L);
        assertThat(message.macLength()).isZero();
    }

    @Test
    void shouldDecodeServerResponseWhenNtpv4Mode4() {
        // given: tcpdump ntp.pcap frame 6
        final byte[] payload = hex("240203e9000027cc000000420a051b0adcf25cbc056178de"
            + "dcf25cbe7d0d94f5dcf25cbe7d10febcdcf25cbe7d192be2");

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.role()).isEqualTo(Role.RESPONSE);
        final NtpHeader header = message.header();
        assertThat(header.li()).isZero();
        assertThat(header.stratum()).isEqualTo(2);
        assertThat(header.poll()).isEqualTo(3);
        assertThat(header.precision()).isEqualTo(-23);
        assertThat(header.rootDelayRaw()).isEqualTo(0x27ccL);
        assertThat(header.rootDelaySeconds()).isEqualTo(0x27cc / 65536.0);
        assertThat(header.rootDispersionSeconds()).isEqualTo(0x42 / 65536.0);
        assertThat(header.refId()).isEqualTo(0x0a051b0a);
        assertThat(header.refTime()).isEqualTo(0xdcf25cbc056178deL);
        assertThat(header.orgTime()).isEqualTo(0xdcf25cbe7d0d94f5L);
        assertThat(header.recTime()).isEqualTo(0xdcf25cbe7d10febcL);
        assertThat(header.xmtTime()).isEqualTo(0xdcf25cbe7d192be2L);
        assertThat(NtpHeader.appendHex(header.refId(), new StringBuilder("refid=")).toString())
            .isEqualTo("refid=0a051b0a");
    }

    @ParameterizedTest
    @CsvSource({"RATE, 0x52415445", "DENY, 0x44454e59", "RSTR, 0x52535452"})
    void shouldReportKissCodeWhenServerSendsKissOfDeath(final KissCode code, final String refId) {
        // given
        final int id = Integer.decode(refId);
        final byte[] payload = concat(bytes(
            0xe4,                   // LI 3 (unsynchronized), VN 4, mode 4
            0x00,                   // stratum 0: kiss code in the reference ID
            0x03,                   // poll
            0xe9,                   // precision
            0x00, 0x00, 0x00, 0x00, // root delay
            0x00, 0x00, 0x00, 0x00, // root dispersion
            id >>> 24, id >>> 16, id >>> 8, id // reference ID: the kiss code
        ), zeros(32));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.isKissOfDeath()).isTrue();
        assertThat(message.header().kissCode()).isEqualTo(code);
        assertThat(message.header().kissCodeRaw()).isEqualTo(id);
        assertThat(message.role()).isEqualTo(Role.RESPONSE);
    }

    @Test
    void shouldReportUnknownKissCodeWhenAsciiCodeIsNotRegistered() {
        // given
        final byte[] payload = concat(bytes(0xe4, 0x00, 0x03, 0xe9), zeros(8), bytes('X', 'Y', 'Z', 'Z'), zeros(32));

        // when
        wrap(payload);

        // then
        assertThat(message.isKissOfDeath()).isTrue();
        assertThat(message.header().kissCode()).isEqualTo(KissCode.UNKNOWN);
        assertThat(message.header().kissCodeRaw()).isEqualTo(0x58595a5a);
    }

    @Test
    void shouldNotReportKissOfDeathWhenCryptoNak() {
        // given: tcpdump ntp.pcap frame 2, ntpd's crypto-NAK
        final byte[] payload = concat(hex(
            "e4"          // LI 3, VN 4, mode 4
            + "00"        // stratum 0
            + "03"        // poll
            + "e9"        // precision
            + "00000000"  // root delay
            + "0000005a"  // root dispersion
            + "53544550"  // reference ID 'STEP'
            + "0000000000000000" // reference timestamp
            + "a4b39cd101fb24bf" // origin timestamp
            + "dcf25a3984199119" // receive timestamp
            + "dcf25a39841d6dc5" // transmit timestamp
            + "00000000"));      // MAC: key id 0 only

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.isCryptoNak()).isTrue();
        assertThat(message.keyId()).isZero();
        assertThat(message.macLength()).isZero();
        assertThat(message.isKissOfDeath()).isFalse();
        assertThat(message.header().kissCode()).isEqualTo(KissCode.NONE);
    }

    @Test
    void shouldNotReportKissOfDeathWhenClientSendsInitRefId() {
        // given: tcpdump ntp.pcap frame 7 header: ntpd's client request, stratum 0, refid INIT
        final byte[] payload = concat(hex("e30006e70000000000000000494e4954"), zeros(32), bytes(0, 0, 0, 8),
            zeros(16));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.isKissOfDeath()).isFalse();
        assertThat(message.keyId()).isEqualTo(8L);
        assertThat(message.macLength()).isEqualTo(16);
    }

    @ParameterizedTest
    @CsvSource({"1, 0x0b", "2, 0x13", "3, 0x1b"})
    void shouldDecodeOldVersionsWhenNtpv1ToV3(final int version, final String flags) {
        // given
        final byte[] payload = concat(bytes(Integer.decode(flags), 2, 6, 0xec), zeros(44));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.version()).isEqualTo(version);
        assertThat(message.mode()).isEqualTo(3);
        assertThat(message.header().stratum()).isEqualTo(2);
        assertThat(message.header().precision()).isEqualTo(-20);
    }

    @Test
    void shouldAcceptDesMacWhenNtpv3() {
        // given
        final byte[] payload = concat(bytes(0x1c, 2, 6, 0xec), zeros(44),
            bytes(0, 0, 0, 5),  // key id 5
            zeros(8));          // DES-CBC checksum (RFC 1305 Appendix C)

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.keyId()).isEqualTo(5L);
        assertThat(message.macLength()).isEqualTo(8);
    }

    @ParameterizedTest
    @CsvSource({"0, UNKNOWN", "1, SYMMETRIC", "2, SYMMETRIC", "3, REQUEST", "4, RESPONSE", "5, BROADCAST"})
    void shouldMapRoleWhenStandardModes(final int mode, final Role role) {
        // given
        final byte[] payload = concat(bytes(0x20 | mode, 2, 6, 0xec), zeros(44));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.mode()).isEqualTo(mode);
        assertThat(message.hasStandardHeader()).isTrue();
        assertThat(message.role()).isEqualTo(role);
    }

    @ParameterizedTest
    @CsvSource({"20, 16", "24, 20"})
    void shouldReadMacWhenKeyIdAndDigestFollowHeader(final int macBytes, final int digest) {
        // given: 68-byte (MD5) and 72-byte (SHA1) authenticated packets
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44),
            bytes(0x00, 0x00, 0x00, 0x08), // key id 8
            zeros(macBytes - 4));           // digest

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(payload).hasSize(48 + macBytes);
        assertThat(message.extensionFields()).isZero();
        assertThat(message.keyId()).isEqualTo(8L);
        assertThat(message.macLength()).isEqualTo(digest);
        assertThat(message.isCryptoNak()).isFalse();
    }

    @Test
    void shouldCountExtensionFieldWhenNoMacFollows() {
        // given: 76 bytes = header + one 28-byte extension field (RFC 7822 minimum without MAC)
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44),
            bytes(0x20, 0x02,   // field type
                  0x00, 0x1c),  // length 28
            zeros(24));         // value

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.extensionFields()).isEqualTo(1);
        assertThat(message.ntsExtensionFields()).isZero();
        assertThat(message.keyId()).isEqualTo(-1L);
    }

    @Test
    void shouldCountExtensionFieldAndMacWhenBothPresent() {
        // given: header + 16-byte extension field + key id + MD5
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44),
            bytes(0x00, 0x02,   // field type
                  0x00, 0x10),  // length 16
            zeros(12),          // value
            bytes(0, 0, 0, 9),  // key id 9
            zeros(16));         // MD5 digest

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.extensionFields()).isEqualTo(1);
        assertThat(message.keyId()).isEqualTo(9L);
        assertThat(message.macLength()).isEqualTo(16);
    }

    @Test
    void shouldCountNtsExtensionFieldsWhenNtsRequest() {
        // given: RFC 8915 client request: unique identifier, cookie, authenticator
        final byte[] payload = concat(bytes(0x23, 0, 6, 0x20), zeros(44),
            bytes(0x01, 0x04, 0x00, 0x24), zeros(32),   // NTS unique identifier, 36 bytes
            bytes(0x02, 0x04, 0x00, 0x68), zeros(100),  // NTS cookie, 104 bytes
            bytes(0x04, 0x04, 0x00, 0x28), zeros(36));  // NTS authenticator, 40 bytes

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.extensionFields()).isEqualTo(3);
        assertThat(message.ntsExtensionFields()).isEqualTo(3);
        assertThat(message.keyId()).isEqualTo(-1L);
    }

    // ---------------------------------------------------------------- mode 6

    @Test
    void shouldDecodeControlRequestWhenReadvar() {
        // given: d_mode6_scan READVAR probe
        final byte[] payload = bytes(
            0x16,       // LI 0, VN 2, mode 6
            0x02,       // R 0, E 0, M 0, opcode 2 READVAR
            0x00, 0x01, // sequence 1
            0x00, 0x00, // status
            0x00, 0x00, // association id
            0x00, 0x00, // offset
            0x00, 0x00  // count
        );

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.hasControl()).isTrue();
        assertThat(message.role()).isEqualTo(Role.REQUEST);
        final NtpControlHeader control = message.control();
        assertThat(control.response()).isFalse();
        assertThat(control.opcode()).isEqualTo(2);
        assertThat(control.opcodeEnum()).isEqualTo(ControlOpcode.READVAR);
        assertThat(control.sequence()).isEqualTo(1);
        assertThat(control.count()).isZero();
    }

    @Test
    void shouldDecodeControlResponseWhenMoreBitSet() {
        // given
        final byte[] payload = concat(bytes(
            0xd6,       // LI 3, VN 2, mode 6
            0xa2,       // R 1, E 0, M 1, opcode 2 READVAR
            0x00, 0x12, // sequence 18
            0xc0, 0x11, // status
            0xfc, 0x8f, // association id 64655
            0x01, 0xd4, // offset 468
            0x00, 0x06  // count 6
        ), bytes('a', '=', '1', ',', ' ', 'b'), zeros(2)); // data padded to 4

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.role()).isEqualTo(Role.RESPONSE);
        assertThat(message.li()).isEqualTo(3);
        final NtpControlHeader control = message.control();
        assertThat(control.response()).isTrue();
        assertThat(control.error()).isFalse();
        assertThat(control.more()).isTrue();
        assertThat(control.sequence()).isEqualTo(18);
        assertThat(control.status()).isEqualTo(0xc011);
        assertThat(control.associationId()).isEqualTo(0xfc8f);
        assertThat(control.offset()).isEqualTo(468);
        assertThat(control.count()).isEqualTo(6);
    }

    // ---------------------------------------------------------------- mode 7

    @Test
    void shouldDecodeMonlistProbeWhenEightBytes() {
        // given
        final byte[] payload = bytes(
            0x17,       // R 0, M 0, VN 2, mode 7
            0x00,       // A 0, sequence 0
            0x03,       // implementation XNTPD
            0x2a,       // request MON_GETLIST_1
            0x00, 0x00, // err 0, items 0
            0x00, 0x00  // MBZ, item size 0
        );

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.hasPrivate()).isTrue();
        assertThat(message.role()).isEqualTo(Role.REQUEST);
        assertThat(message.li()).isZero();
        final NtpPrivateHeader header = message.privateHeader();
        assertThat(header.requestCodeEnum()).isEqualTo(PrivateRequestCode.MON_GETLIST_1);
        assertThat(header.implementationEnum()).isEqualTo(PrivateImplementation.XNTPD);
        assertThat(message.isMonlistResponse()).isFalse();
    }

    @Test
    void shouldDecodeMonlistProbeWhenZeroPaddedTo48Bytes() {
        // given: zeek-ntp-monlist probe
        final byte[] payload = concat(bytes(0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00), zeros(40));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.mode()).isEqualTo(7);
        assertThat(message.hasStandardHeader()).isFalse();
        assertThat(message.privateHeader().requestCode()).isEqualTo(42);
        assertThat(message.role()).isEqualTo(Role.REQUEST);
    }

    @Test
    void shouldReadEachEntryWhenMonlistResponse() {
        // given: two info_monitor_1 entries
        final byte[] payload = concat(bytes(
            0xd7,       // R 1, M 1, VN 2, mode 7
            0x05,       // A 0, sequence 5
            0x03,       // implementation XNTPD
            0x2a,       // request MON_GETLIST_1
            0x00, 0x02, // err 0, 2 items
            0x00, 0x48  // item size 72
        ), entry(0xcb007142, 0xc6120001, 7, 2, 3074, 392), entry(0x0a000001, 0xc6120001, 3, 4, 123, 5));
        final byte[] address = new byte[16];

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.role()).isEqualTo(Role.RESPONSE);
        assertThat(message.privateHeader().more()).isTrue();
        assertThat(message.privateHeader().sequence()).isEqualTo(5);
        assertThat(message.isMonlistResponse()).isTrue();
        assertThat(message.monlistEntryCount()).isEqualTo(2);
        assertThat(message.wrapEntry(0)).isTrue();
        final MonlistEntryView entry = message.monlistEntry();
        assertThat(entry.isMonitor1()).isTrue();
        assertThat(entry.isIpv6()).isFalse();
        assertThat(entry.address(address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).containsExactly(bytes(203, 0, 113, 66));
        assertThat(entry.localAddress(address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).containsExactly(bytes(198, 18, 0, 1));
        assertThat(entry.port()).isEqualTo(3074);
        assertThat(entry.mode()).isEqualTo(7);
        assertThat(entry.version()).isEqualTo(2);
        assertThat(entry.count()).isEqualTo(392L);
        assertThat(entry.avgInterval()).isEqualTo(11L);
        assertThat(entry.lastInterval()).isEqualTo(22L);
        assertThat(entry.restrictFlags()).isEqualTo(0x10L);
        assertThat(entry.flags()).isEqualTo(1L);
        assertThat(message.wrapEntry(1)).isTrue();
        assertThat(entry.address(address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).containsExactly(bytes(10, 0, 0, 1));
        assertThat(entry.port()).isEqualTo(123);
        assertThat(entry.mode()).isEqualTo(3);
        assertThat(entry.version()).isEqualTo(4);
        assertThat(entry.count()).isEqualTo(5L);
        assertThat(message.wrapEntry(2)).isFalse();
    }

    @Test
    void shouldReadIpv6AddressWhenV6FlagSet() {
        // given
        final byte[] entry = entry(0, 0, 3, 4, 123, 1);
        entry[35] = 1;                                   // v6_flag
        entry[40] = 0x20;                                // addr6 2001:db8::1
        entry[41] = 0x01;
        entry[42] = 0x0d;
        entry[43] = (byte) 0xb8;
        entry[55] = 1;
        entry[56] = 0x20;                                // daddr6 2001:db8::123
        entry[57] = 0x01;
        entry[58] = 0x0d;
        entry[59] = (byte) 0xb8;
        entry[70] = 0x01;
        entry[71] = 0x23;
        final byte[] payload = concat(bytes(0x97, 0x00, 0x03, 0x2a, 0x00, 0x01, 0x00, 0x48), entry);
        final byte[] address = new byte[16];

        // when
        wrap(payload);
        message.wrapEntry(0);

        // then
        final MonlistEntryView view = message.monlistEntry();
        assertThat(view.isIpv6()).isTrue();
        assertThat(view.address(address)).isEqualTo(16);
        assertThat(address).containsExactly(bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
        assertThat(view.localAddress(address)).isEqualTo(16);
        assertThat(address[15]).isEqualTo((byte) 0x23);
    }

    @Test
    void shouldReadInfoMonitorWhenMonGetlist() {
        // given: one 48-byte struct info_monitor (REQ_MON_GETLIST)
        final byte[] payload = concat(bytes(0x97, 0x00, 0x03, 0x14, 0x00, 0x01, 0x00, 0x30),
            bytes(0, 0, 0, 1,       // avg_int
                  0, 0, 0, 2,       // last_int
                  0, 0, 0, 0,       // restr
                  0, 0, 0, 9,       // count
                  192, 0, 2, 7,     // addr
                  0x00, 0x7b,       // port 123
                  3,                // mode
                  4),               // version
            zeros(24));             // v6_flag 0, unused1, addr6
        final byte[] address = new byte[16];

        // when
        wrap(payload);

        // then
        assertThat(message.isMonlistResponse()).isTrue();
        assertThat(message.wrapEntry(0)).isTrue();
        final MonlistEntryView view = message.monlistEntry();
        assertThat(view.isMonitor1()).isFalse();
        assertThat(view.address(address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).containsExactly(bytes(192, 0, 2, 7));
        assertThat(view.hasLocalAddress()).isFalse();
        assertThat(view.localAddress(address)).isZero();
        assertThat(view.port()).isEqualTo(123);
        assertThat(view.count()).isEqualTo(9L);
        assertThat(view.flags()).isEqualTo(-1L);
    }

    @Test
    void shouldBeValidTrafficWhenResponseReportsNoData() {
        // given: scapy vector, ntpd's answer to REQ_IF_STATS (29) with INFO_ERR_NODATA
        final byte[] payload = concat(bytes(
            0x97,       // R 1, M 0, VN 2, mode 7
            0x00,       // sequence 0
            0x03,       // implementation XNTPD
            0x1d,       // request 29
            0x40, 0x00, // err 4 NODATA, 0 items
            0x00, 0x00  // item size 0
        ), zeros(10));

        // when
        final MalformedReason reason = wrap(payload);

        // then
        assertThat(reason).isNull();
        assertThat(message.privateHeader().errorEnum()).isEqualTo(PrivateError.NODATA);
        assertThat(message.privateHeader().itemCount()).isZero();
        assertThat(message.role()).isEqualTo(Role.RESPONSE);
    }

    @Test
    void shouldNotBeMonlistResponseWhenMonlistAnsweredWithNoData() {
        // given
        final byte[] payload = bytes(0x97, 0x00, 0x03, 0x2a, 0x40, 0x00, 0x00, 0x00);

        // when
        wrap(payload);

        // then
        assertThat(message.isMonlistResponse()).isFalse();
        assertThat(message.monlistEntryCount()).isZero();
        assertThat(message.wrapEntry(0)).isFalse();
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void shouldDecodeHeaderAndReportAbsentMacWhenSnapLengthCutsTrailer() {
        // given: 72-byte packet, only 50 bytes captured
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44), bytes(0, 0, 0, 8), zeros(20));

        // when
        final MalformedReason reason = message.wrap(ByteBuffer.wrap(payload), 0, 50, 72);

        // then
        assertThat(reason).isNull();
        assertThat(message.isTruncated()).isTrue();
        assertThat(message.header().stratum()).isEqualTo(2);
        assertThat(message.keyId()).isEqualTo(-1L);
        assertThat(message.isTrailerComplete()).isFalse();
    }

    @Test
    void shouldReportHeaderCutWhenSnapLengthCutsFixedHeader() {
        // given
        final byte[] payload = concat(bytes(0x23, 2, 6, 0xec), zeros(44));

        // when
        final MalformedReason reason = message.wrap(ByteBuffer.wrap(payload), 0, 20, 48);

        // then
        assertThat(reason).isEqualTo(MalformedReason.HEADER_CUT_BY_SNAPLEN);
        assertThat(message.hasStandardHeader()).isFalse();
        assertThat(message.version()).isEqualTo(4);
        assertThat(message.mode()).isEqualTo(3);
    }

    @Test
    void shouldCountOnlyCapturedEntriesWhenSnapLengthCutsMonlist() {
        // given: 2 entries declared, 1.5 captured
        final byte[] payload = concat(bytes(0x97, 0x00, 0x03, 0x2a, 0x00, 0x02, 0x00, 0x48),
            entry(1, 2, 3, 4, 5, 6), entry(1, 2, 3, 4, 5, 6));

        // when
        final MalformedReason reason = message.wrap(ByteBuffer.wrap(payload), 0, 8 + 72 + 36, payload.length);

        // then
        assertThat(reason).isNull();
        assertThat(message.monlistEntryCount()).isEqualTo(1);
        assertThat(message.wrapEntry(1)).isFalse();
    }

    @Test
    void shouldReadBigEndianWhenBufferIsLittleEndian() {
        // given
        final byte[] payload = hex("240203e9000027cc000000420a051b0adcf25cbc056178de"
            + "dcf25cbe7d0d94f5dcf25cbe7d10febcdcf25cbe7d192be2");
        final ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);

        // when
        message.wrap(buffer, 0, payload.length, payload.length);

        // then
        assertThat(message.header().refId()).isEqualTo(0x0a051b0a);
        assertThat(message.header().xmtTime()).isEqualTo(0xdcf25cbe7d192be2L);
        assertThat(buffer.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void shouldDecodeAtOffsetWhenPayloadIsInsideFrame() {
        // given
        final byte[] frame = concat(zeros(42), bytes(0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00));

        // when
        final MalformedReason reason = message.wrap(ByteBuffer.wrap(frame), 42, 8, 8);

        // then
        assertThat(reason).isNull();
        assertThat(message.privateHeader().requestCode()).isEqualTo(42);
    }

    // ---------------------------------------------------------------- helpers

    /** One struct info_monitor_1 (72 bytes), ntpd include/ntp_request.h. */
    static byte[] entry(final int addr, final int daddr, final int mode, final int version, final int port,
                        final int count) {
        return concat(
            bytes(0, 0, 0, 11),                                          // avg_int
            bytes(0, 0, 0, 22),                                          // last_int
            bytes(0, 0, 0, 0x10),                                        // restr
            bytes(count >>> 24, count >>> 16, count >>> 8, count),       // count
            bytes(addr >>> 24, addr >>> 16, addr >>> 8, addr),           // addr
            bytes(daddr >>> 24, daddr >>> 16, daddr >>> 8, daddr),       // daddr
            bytes(0, 0, 0, 1),                                           // flags
            bytes(port >>> 8, port, mode, version),                      // port, mode, version
            zeros(4),                                                    // v6_flag
            zeros(4),                                                    // unused1
            zeros(16),                                                   // addr6
            zeros(16));                                                  // daddr6
    }

    private MalformedReason wrap(final byte[] payload) {
        return message.wrap(ByteBuffer.wrap(payload), 0, payload.length, payload.length);
    }

    static byte[] bytes(final int... values) {
        final byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] zeros(final int length) {
        return new byte[length];
    }

    static byte[] hex(final String hex) {
        final byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static byte[] concat(final byte[]... parts) {
        int length = 0;
        for (final byte[] part : parts) {
            length += part.length;
        }
        final byte[] out = new byte[length];
        int position = 0;
        for (final byte[] part : parts) {
            System.arraycopy(part, 0, out, position, part.length);
            position += part.length;
        }
        return out;
    }
}
