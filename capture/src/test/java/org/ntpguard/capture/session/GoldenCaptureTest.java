package org.ntpguard.capture.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.text.IpText;

/**
 * Golden test: every capture in {@code shared/captures} and {@code shared/scenarios} goes through the production
 * pipeline (reader, decoder, Avro mapping) and every NTP row that tshark 4.0.17 decoded (the oracle TSVs, columns in
 * {@code oracle/FIELDS.txt}) must come out with the same value for every field both have: frame number, capture
 * time to the nanosecond, addresses (the innermost, for tunnels), IP and UDP lengths, VLAN ids, ports, and every NTP,
 * mode 6 and mode 7 header field. Datagrams ntpguard emits that tshark does not list must be explained below too.
 *
 * <p>Disagreements, each with its reason:
 * <ul>
 * <li><b>Reassembled IPv4 fragments</b> (scenario f frame 14, zeek fragmented-1 frame 3): tshark reassembles and
 *     puts the row on the frame that completed the datagram; ntpguard decodes NTP from the first fragment and emits
 *     it there at once (frames 12 and 1), so the rows are matched to those frames. {@code ip.len} and the capture
 *     time are then the last fragment's for tshark and the first fragment's for ntpguard.</li>
 * <li><b>zeek fragmented-1 frame 3</b> is a second first fragment (offset 0, MF) reusing IP id 0xf2: a fragment
 *     overlap attack. tshark folds it into the first datagram; ntpguard emits it as a datagram of its own (UDP
 *     length 264, 'X' bytes, malformed): abuse hides in malformed packets.</li>
 * <li><b>NTP quoted in ICMP errors</b> (suricata ipv6-dos frame 2, ICMPv6 Destination Unreachable): tshark lists
 *     the quoted NTP header; ntpguard does not emit it, since no NTP datagram crossed the wire there and counting it
 *     would double the original request.</li>
 * <li><b>Malformed verdicts</b>: scapy frame 36 (mode 7 SYS_STATS response, one 44-byte item: the header is
 *     consistent, tshark's SYS_STATS dissector wants a longer item) is valid for ntpguard; scapy frame 3 (36 zero
 *     bytes after the header: an extension field of length 0, RFC 7822 §7.5) and zeek ntp-no-extensions-mac (a
 *     25-byte trailer, no MAC length) are malformed for ntpguard and not for tshark. Header fields still agree.</li>
 * <li><b>Mode 6 association ids</b>: tshark reuses {@code ntp.ctrl.associd} for the ids listed in READSTAT data;
 *     the header's is the first value.</li>
 * </ul>
 */
class GoldenCaptureTest {

    /** file:tsharkFrame -> the frame ntpguard emits that datagram on. */
    private static final Map<String, Long> REASSEMBLED = Map.of(
            "../scenarios/f_encapsulations.pcap:14", 12L,
            "zeek/ipv4__fragmented-1.pcap:3", 1L);
    private static final Set<String> NOT_EMITTED = Set.of(
            "suricata-verify/ipv6-dos-with-ext-headers-6__denial6-6.pcap:2");
    private static final Set<String> EMITTED_WITHOUT_ROW = Set.of(
            "zeek/ipv4__fragmented-1.pcap:3");
    private static final Map<String, Boolean> MALFORMED_VERDICT = Map.of(
            "scapy/ntp_uts_vectors.pcap:36", false,
            "scapy/ntp_uts_vectors.pcap:3", true,
            "zeek/ntp__ntp-no-extensions-mac.pcap:1", true,
            "zeek/ipv4__fragmented-1.pcap:3", true);

    static Stream<String> oracleIndex() throws IOException {
        final List<String> lines = Files.readAllLines(SharedMaterial.captures().resolve("oracle/INDEX.tsv"));
        return lines.stream().skip(1).filter(line -> !line.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracleIndex")
    void shouldDecodeEveryNtpRowTsharkDecodesWithTheSameValues(final String indexLine) throws IOException {
        final String[] index = indexLine.split("\t");
        final String file = index[0];
        final Path captures = SharedMaterial.captures();
        final List<Map<String, String>> rows = readOracle(captures.resolve("oracle").resolve(index[1]));
        assertThat(rows).as("oracle rows of %s", file).hasSize(Integer.parseInt(index[2]));

        final SharedMaterial.Decoded decoded = SharedMaterial.decode(captures.resolve(file).normalize());

        final Map<Long, NtpPacket> byFrame = new HashMap<>();
        decoded.packets().forEach(packet -> byFrame.put(packet.getFrame(), packet));
        final Set<Long> matched = new HashSet<>();
        final SoftAssertions softly = new SoftAssertions();
        for (final Map<String, String> row : rows) {
            final String key = file + ":" + row.get("frame.number");
            final long tsharkFrame = Long.parseLong(row.get("frame.number"));
            if (NOT_EMITTED.contains(key)) {
                softly.assertThat(byFrame).as(key + " (NTP quoted in ICMP)").doesNotContainKey(tsharkFrame);
                continue;
            }
            final long frame = REASSEMBLED.getOrDefault(key, tsharkFrame);
            final NtpPacket packet = byFrame.get(frame);
            if (packet == null) {
                softly.fail(key + ": tshark decodes NTP, ntpguard emits nothing at frame " + frame);
                continue;
            }
            matched.add(frame);
            compare(softly, key, row, packet, REASSEMBLED.containsKey(key));
        }
        for (final NtpPacket packet : decoded.packets()) {
            final String key = file + ":" + packet.getFrame();
            if (!matched.contains(packet.getFrame())) {
                softly.assertThat(EMITTED_WITHOUT_ROW).as(key + " emitted without a tshark row").contains(key);
            }
            final Boolean verdict = MALFORMED_VERDICT.get(key);
            if (verdict != null) {
                softly.assertThat(packet.getMalformed() != null).as(key + " malformed (documented)").isEqualTo(verdict);
            }
        }
        softly.assertAll();
    }

    private static void compare(final SoftAssertions softly, final String where, final Map<String, String> row,
                                final NtpPacket packet, final boolean reassembled) {
        if (!reassembled) {
            softly.assertThat(packet.getFrame()).as(where + " frame").isEqualTo(Long.parseLong(row.get("frame.number")));
        }
        if (reassembled) {
            softly.assertThat(packet.getTs()).as(where + " ts (first fragment, before tshark's last)")
                    .isLessThanOrEqualTo(SharedMaterial.epochNanos(row.get("frame.time_epoch")));
        } else {
            softly.assertThat(packet.getTs()).as(where + " ts")
                    .isEqualTo(SharedMaterial.epochNanos(row.get("frame.time_epoch")));
        }
        final boolean v6 = !row.get("ipv6.src").isEmpty() && packet.getIpVersion() == 6;
        softly.assertThat(text(packet.getSrc())).as(where + " src")
                .isEqualTo(last(row.get(v6 ? "ipv6.src" : "ip.src")));
        softly.assertThat(text(packet.getDst())).as(where + " dst")
                .isEqualTo(last(row.get(v6 ? "ipv6.dst" : "ip.dst")));
        if (!reassembled) {
            softly.assertThat(v6 ? packet.getIpLen() - 40 : packet.getIpLen()).as(where + " ip length")
                    .isEqualTo(lastInt(row.get(v6 ? "ipv6.plen" : "ip.len")));
        }
        softly.assertThat(packet.getVlans()).as(where + " vlans").isEqualTo(vlans(row));
        softly.assertThat(packet.getSport()).as(where + " sport").isEqualTo(lastInt(row.get("udp.srcport")));
        softly.assertThat(packet.getDport()).as(where + " dport").isEqualTo(lastInt(row.get("udp.dstport")));
        softly.assertThat(packet.getNtpLen() + 8).as(where + " udp length").isEqualTo(lastInt(row.get("udp.length")));
        softly.assertThat(packet.getVersion()).as(where + " vn").isEqualTo(firstInt(row.get("ntp.flags.vn")));
        softly.assertThat(packet.getMode()).as(where + " mode").isEqualTo(firstInt(row.get("ntp.flags.mode")));
        if (!MALFORMED_VERDICT.containsKey(where)) {
            softly.assertThat(packet.getMalformed()).as(where + " malformed").isEqualTo(
                    row.get("_ws.malformed").isEmpty() ? null : packet.getMalformed());
            softly.assertThat(row.get("_ws.malformed")).as(where + " tshark malformed").isEmpty();
        }
        if (packet.getStratum() != null) {
            softly.assertThat(packet.getLi()).as(where + " li").isEqualTo(firstInt(row.get("ntp.flags.li")));
            softly.assertThat(packet.getStratum()).as(where + " stratum").isEqualTo(firstInt(row.get("ntp.stratum")));
            softly.assertThat(packet.getPoll() & 0xFF).as(where + " poll").isEqualTo(firstInt(row.get("ntp.ppoll")));
            softly.assertThat(packet.getPrecision() & 0xFF).as(where + " precision")
                    .isEqualTo(firstInt(row.get("ntp.precision")));
            softly.assertThat(packet.getRefId()).as(where + " refid").isEqualTo(row.get("ntp.refid").split(",")[0]);
        } else if (packet.getControl() != null) {
            final var control = packet.getControl();
            softly.assertThat(packet.getLi()).as(where + " li").isEqualTo(firstInt(row.get("ntp.flags.li")));
            softly.assertThat(control.getResponse()).as(where + " r").isEqualTo(flag(row, "ntp.ctrl.flags2.r"));
            softly.assertThat(control.getError()).as(where + " e").isEqualTo(flag(row, "ntp.ctrl.flags2.error"));
            softly.assertThat(control.getMore()).as(where + " m").isEqualTo(flag(row, "ntp.ctrl.flags2.more"));
            softly.assertThat(control.getOpcode()).as(where + " opcode")
                    .isEqualTo(firstInt(row.get("ntp.ctrl.flags2.opcode")));
            softly.assertThat(control.getSequence()).as(where + " sequence")
                    .isEqualTo(firstInt(row.get("ntp.ctrl.sequence")));
            softly.assertThat(control.getAssociationId()).as(where + " associd")
                    .isEqualTo(firstInt(row.get("ntp.ctrl.associd")));
            softly.assertThat(control.getOffset()).as(where + " offset").isEqualTo(firstInt(row.get("ntp.ctrl.offset")));
            softly.assertThat(control.getCount()).as(where + " count").isEqualTo(firstInt(row.get("ntp.ctrl.count")));
        } else if (packet.getPrivateHeader() != null) {
            final var header = packet.getPrivateHeader();
            softly.assertThat(header.getResponse()).as(where + " r").isEqualTo(flag(row, "ntp.priv.flags.r"));
            softly.assertThat(header.getMore()).as(where + " more").isEqualTo(flag(row, "ntp.priv.flags.more"));
            softly.assertThat(header.getSequence()).as(where + " seq").isEqualTo(firstInt(row.get("ntp.priv.seq")));
            softly.assertThat(header.getImplementation()).as(where + " impl")
                    .isEqualTo(firstInt(row.get("ntp.priv.impl")));
            softly.assertThat(header.getRequestCode()).as(where + " reqcode")
                    .isEqualTo(firstInt(row.get("ntp.priv.reqcode")));
            softly.assertThat(header.getError()).as(where + " err").isEqualTo(firstInt(row.get("ntp.priv.err")));
            softly.assertThat(header.getItemCount()).as(where + " numitems")
                    .isEqualTo(firstInt(row.get("ntp.priv.numitems")));
            softly.assertThat(header.getItemSize()).as(where + " itemsize")
                    .isEqualTo(firstInt(row.get("ntp.priv.itemsize")));
        } else if (packet.getMalformed() == null) {
            softly.fail(where + ": no NTP header decoded and not malformed");
        }
    }

    private static List<Integer> vlans(final Map<String, String> row) {
        final List<Integer> ids = new ArrayList<>();
        for (final String column : new String[] {"ieee8021ad.id", "vlan.id"}) {
            for (final String id : row.get(column).split(",")) {
                if (!id.isEmpty()) {
                    ids.add(Integer.parseInt(id));
                }
            }
        }
        return ids;
    }

    private static String text(final java.nio.ByteBuffer address) {
        return IpText.append(new StringBuilder(), address).toString();
    }

    private static String last(final String commaJoined) {
        final String[] values = commaJoined.split(",");
        return values[values.length - 1];
    }

    private static int lastInt(final String commaJoined) {
        return Integer.parseInt(last(commaJoined));
    }

    private static int firstInt(final String commaJoined) {
        final String value = commaJoined.split(",")[0];
        return value.startsWith("0x") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
    }

    private static boolean flag(final Map<String, String> row, final String column) {
        final String value = row.get(column).split(",")[0];
        return "1".equals(value) || "True".equalsIgnoreCase(value);
    }


    private static List<Map<String, String>> readOracle(final Path tsv) throws IOException {
        final List<String> lines = Files.readAllLines(tsv);
        final String[] names = lines.get(0).split("\t", -1);
        final List<Map<String, String>> rows = new ArrayList<>();
        for (final String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            final String[] values = line.split("\t", -1);
            final Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                row.put(names[i], i < values.length ? values[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }
}
