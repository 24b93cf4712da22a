package org.ntpguard.capture.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.KissCount;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.Role;
import org.ntpguard.schema.text.IpText;

/**
 * The flows of every shared capture and scenario against a reference computed independently, per packet, from the
 * per-packet records ({@link NtpPacketMapper}) of the same capture: every counter of every pair and interval.
 */
class FlowCombinerTest {

    static Stream<Path> captures() throws IOException {
        final List<Path> files = new ArrayList<>();
        for (final Path dir : List.of(SharedMaterial.scenarios(), SharedMaterial.captures())) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                        .sorted().forEach(files::add);
            }
        }
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void shouldCountEveryPairAndIntervalAsThePacketsDo(final Path file) throws IOException {
        final List<NtpPacket> packets = new ArrayList<>();
        final List<FlowInterval> intervals = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofSeconds(1), FlowCombiner.DEFAULT_MAX_FLOWS,
                intervals::add);
        final NtpPacketMapper mapper = new NtpPacketMapper("test");
        final ProblemLog log = new ProblemLog(new PrintWriter(new StringWriter(), true));
        try (CaptureReader reader = CaptureFiles.open(file, log)) {
            new CaptureSession(new DecodeStats(), log).run(reader, packet -> {
                packets.add(mapper.map(packet));
                combiner.accept(packet);
            }, Long.MAX_VALUE);
        }
        combiner.flush(intervals::add);

        final Map<String, Reference> expected = new TreeMap<>();
        for (final NtpPacket packet : packets) {
            final long millis = Math.floorDiv(packet.getTs(), 1_000_000L);
            expected.computeIfAbsent(key(packet.getClientAddr(), packet.getServerAddr(), Math.floorDiv(millis, 1000)
                    * 1000), k -> new Reference()).add(packet, millis);
        }
        final Map<String, NtpFlow> actual = new TreeMap<>();
        for (final FlowInterval interval : intervals) {
            for (final NtpFlow flow : interval.flows()) {
                assertThat(flow.getFirstSeen()).isGreaterThanOrEqualTo(interval.intervalStartMillis());
                assertThat(flow.getLastSeen()).isLessThan(interval.intervalStartMillis() + 1000);
                // Single-threaded and in one pass, a pair and interval never closes twice here (no early flush).
                assertThat(actual.put(key(flow.getClient(), flow.getServer(), interval.intervalStartMillis()), flow))
                        .isNull();
            }
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, reference) -> reference.check(key, actual.get(key)));
        assertThat(combiner.packets()).isEqualTo(packets.size());
        assertThat(intervals.stream().mapToLong(FlowInterval::packets).sum()).isEqualTo(packets.size());
        assertThat(combiner.heldFlows()).isZero();
    }

    private static String key(final ByteBuffer client, final ByteBuffer server, final long interval) {
        return interval + " " + IpText.append(new StringBuilder(), client) + " "
                + IpText.append(new StringBuilder(), server);
    }

    /** The per-packet reference: a flow's counters computed the obvious way from the Avro packets. */
    private static final class Reference {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long requests;
        long requestBytes;
        long responses;
        long responseBytes;
        long other;
        long mode6Requests;
        long mode7Requests;
        long mode6Responses;
        long mode7Responses;
        long monlistRequests;
        long monlistResponses;
        long monlistEntries;
        long unsynchronized;
        long malformed;
        long rateKods;
        long firstRateKod = Long.MAX_VALUE;
        final List<Long> requestTimes = new ArrayList<>();
        final List<Integer> requestPorts = new ArrayList<>();
        final java.util.Set<Integer> kissedPorts = new java.util.HashSet<>();
        final Map<Integer, Long> portRequests = new TreeMap<>();
        final Map<String, Long> kisses = new TreeMap<>();

        void add(final NtpPacket p, final long millis) {
            first = Math.min(first, millis);
            last = Math.max(last, millis);
            if (p.getMalformed() != null) {
                malformed++;
            }
            final boolean monlist = p.getMode() == 7 && p.getPrivateHeader() != null
                    && (p.getPrivateHeader().getRequestCode() == 20 || p.getPrivateHeader().getRequestCode() == 42);
            if (p.getRole() == Role.REQUEST) {
                requests++;
                requestBytes += p.getNtpLen();
                requestTimes.add(millis);
                requestPorts.add(p.getSport());
                portRequests.merge(p.getSport(), 1L, Long::sum);
                mode6Requests += p.getMode() == 6 ? 1 : 0;
                mode7Requests += p.getMode() == 7 ? 1 : 0;
                monlistRequests += monlist ? 1 : 0;
            } else if (p.getRole() == Role.RESPONSE) {
                responses++;
                responseBytes += p.getNtpLen();
                mode6Responses += p.getMode() == 6 ? 1 : 0;
                mode7Responses += p.getMode() == 7 ? 1 : 0;
                monlistResponses += monlist ? 1 : 0;
                if (monlist && p.getPrivateHeader().getMonlistEntries() != null) {
                    monlistEntries += p.getPrivateHeader().getMonlistEntries().size();
                }
                if (p.getKissCode() != null) {
                    kisses.merge(p.getKissCode(), 1L, Long::sum);
                    if (p.getKissCode().equals("RATE")) {
                        rateKods++;
                        kissedPorts.add(p.getDport());
                        firstRateKod = Math.min(firstRateKod, millis);
                    }
                } else if (p.getMode() == 4 && p.getStratum() != null
                        && !(p.getKeyId() != null && p.getMacLength() == 0)
                        && (p.getLi() == 3 || p.getStratum() == 0 || p.getStratum() >= 16)) {
                    unsynchronized++;
                }
            } else {
                other++;
            }
        }

        void check(final String key, final NtpFlow flow) {
            final String what = "flow " + key;
            assertThat(flow.getFirstSeen()).as(what).isEqualTo(first);
            assertThat(flow.getLastSeen()).as(what).isEqualTo(last);
            assertThat(List.of(flow.getRequests(), flow.getRequestBytes(), flow.getResponses(),
                    flow.getResponseBytes(), flow.getOtherPackets())).as(what)
                    .isEqualTo(List.of(requests, requestBytes, responses, responseBytes, other));
            assertThat(List.of(flow.getMode6Requests(), flow.getMode7Requests(), flow.getMode6Responses(),
                    flow.getMode7Responses())).as(what)
                    .isEqualTo(List.of(mode6Requests, mode7Requests, mode6Responses, mode7Responses));
            assertThat(List.of(flow.getMonlistRequests(), flow.getMonlistResponses(), flow.getMonlistEntries()))
                    .as(what).isEqualTo(List.of(monlistRequests, monlistResponses, monlistEntries));
            assertThat(flow.getUnsynchronizedResponses()).as(what).isEqualTo(unsynchronized);
            assertThat(flow.getMalformed()).as(what).isEqualTo(malformed);
            final Map<String, Long> kissCodes = new TreeMap<>();
            for (final KissCount count : flow.getKissCodes()) {
                kissCodes.put(count.getCode(), count.getCount());
            }
            assertThat(kissCodes).as(what).isEqualTo(kisses);
            assertThat(flow.getRateKods()).as(what).isEqualTo(rateKods);
            assertThat(flow.getFirstRateKod()).as(what).isEqualTo(firstRateKod);
            long after = 0;
            for (int i = 0; i < requestTimes.size(); i++) {
                after += requestTimes.get(i) > firstRateKod && kissedPorts.contains(requestPorts.get(i)) ? 1 : 0;
            }
            final Map<Integer, Long> perPort = new TreeMap<>();
            for (int i = 0; i < flow.getClientPorts().size(); i++) {
                if (flow.getClientPortRequests().get(i) > 0) {
                    perPort.put(flow.getClientPorts().get(i), flow.getClientPortRequests().get(i));
                }
            }
            if (flow.getClientPorts().size() < 8) {
                assertThat(perPort).as(what).isEqualTo(portRequests);
            }
            assertThat(flow.getRateKodPorts()).as(what).containsExactlyInAnyOrderElementsOf(kissedPorts);
            // Requests stamped after the first RATE KoD: counted, or still remembered when they came before it in
            // capture order (at most 16 are remembered).
            final long remembered = flow.getPendingRequestTimes().stream().filter(t -> t > firstRateKod).count();
            assertThat(flow.getRequestsAfterRateKod() + remembered).as(what).isEqualTo(after);
            assertThat(flow.getPendingRequestTimes()).as(what).hasSizeLessThanOrEqualTo(16);
        }
    }

    @Test
    void shouldCloseAnIntervalWhenALaterOneStartsAndKeepStragglersApart() throws IOException {
        final List<FlowInterval> closed = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofMillis(500), 100, closed::add);
        final Packets packets = new Packets();

        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 10_000));
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 10_499));
        assertThat(closed).isEmpty();
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 10_500));
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).intervalStartMillis()).isEqualTo(10_000);
        assertThat(closed.get(0).flows()).singleElement().satisfies(f -> assertThat(f.getRequests()).isEqualTo(2));
        // A straggler of the closed interval opens a row of its own, closed with the next interval.
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 10_100));
        assertThat(combiner.heldFlows()).isEqualTo(2);
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 11_000));
        assertThat(closed).hasSize(3);
        assertThat(closed.get(1).intervalStartMillis()).isEqualTo(10_000);
        assertThat(closed.get(2).intervalStartMillis()).isEqualTo(10_500);
        assertThat(combiner.heldFlows()).isEqualTo(1);
    }

    @Test
    void shouldCloseEverythingEarlyWhenTheTableIsFullAndCountIt() throws IOException {
        final List<FlowInterval> closed = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofSeconds(1), 3, closed::add);
        final Packets packets = new Packets();
        for (int client = 1; client <= 7; client++) {
            combiner.accept(packets.request("192.0.2." + client, "198.51.100.1", 5_000 + client));
        }
        assertThat(combiner.earlyFlushes()).isEqualTo(2);
        assertThat(closed.stream().mapToLong(FlowInterval::packets).sum()).isEqualTo(6);
        assertThat(combiner.heldFlows()).isEqualTo(1);
        combiner.flush(closed::add);
        assertThat(closed.stream().mapToLong(FlowInterval::packets).sum()).isEqualTo(7);
    }

    @Test
    void shouldSayFromWhenFlowsMayStillFollowAtAHeartbeat() throws IOException {
        final List<FlowInterval> closed = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofSeconds(1), 100, closed::add);
        final Packets packets = new Packets();
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 20_300));

        assertThat(combiner.flushBefore(20_900_000_000L, closed::add)).isEqualTo(20_000_000_000L);
        assertThat(closed).isEmpty();
        assertThat(combiner.flushBefore(20_999_999_999L, closed::add)).isEqualTo(20_999_999_999L);
        assertThat(closed).hasSize(1);
        assertThat(combiner.flushBefore(25_000_000_000L, closed::add)).isEqualTo(25_000_000_000L);
    }

    @Test
    void shouldCountRequestsAfterTheFirstRateKissInCaptureOrder() throws IOException {
        final List<FlowInterval> closed = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofSeconds(10), 100, closed::add);
        final Packets packets = new Packets();
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 1_000));
        combiner.accept(packets.rateKiss("198.51.100.1", "192.0.2.1", 2_000));
        for (int i = 0; i < 6; i++) {
            combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 3_000 + i));
        }
        // Out of order: a request stamped before the kiss, processed after it, is not counted.
        combiner.accept(packets.request("192.0.2.1", "198.51.100.1", 1_500));
        combiner.flush(closed::add);

        final NtpFlow flow = closed.get(0).flows().get(0);
        assertThat(flow.getRateKods()).isEqualTo(1);
        assertThat(flow.getFirstRateKod()).isEqualTo(2_000);
        assertThat(flow.getRequestsAfterRateKod()).isEqualTo(6);
        assertThat(flow.getPendingRequestTimes()).containsExactlyInAnyOrder(1_000L, 1_500L);
        assertThat(flow.getKissCodes()).singleElement().satisfies(k -> {
            assertThat(k.getCode()).isEqualTo("RATE");
            assertThat(k.getCount()).isEqualTo(1);
        });
        assertThat(flow.getClientPorts()).containsExactly(40_000);
    }

    @Test
    void shouldCountRequestsPerClientPortAndAfterAKissOnlyFromTheKissedPort() throws IOException {
        // Behind a NAT: port 5000 is kissed; ports 6000 and 6001 are other hosts that never were.
        final List<FlowInterval> closed = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofSeconds(10), 100, closed::add);
        final Packets packets = new Packets();
        combiner.accept(packets.request("192.0.2.200", 5_000, "198.51.100.1", 1_000));
        combiner.accept(packets.rateKiss("198.51.100.1", "192.0.2.200", 5_000, 1_010));
        for (int i = 0; i < 3; i++) {
            combiner.accept(packets.request("192.0.2.200", 6_000, "198.51.100.1", 2_000 + i));
            combiner.accept(packets.request("192.0.2.200", 6_001, "198.51.100.1", 3_000 + i));
        }
        combiner.accept(packets.request("192.0.2.200", 5_000, "198.51.100.1", 4_000));
        combiner.flush(closed::add);

        final NtpFlow flow = closed.get(0).flows().get(0);
        assertThat(flow.getClientPorts()).containsExactly(5_000, 6_000, 6_001);
        assertThat(flow.getClientPortRequests()).containsExactly(2L, 3L, 3L);
        assertThat(flow.getRateKodPorts()).containsExactly(5_000);
        assertThat(flow.getRequestsAfterRateKod()).isEqualTo(1);
        assertThat(flow.getPendingRequestTimes()).containsExactly(1_000L);
    }

    @ParameterizedTest(name = "echoed={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void shouldCountReadMruAsVerifiedOnlyWhenItEchoesTheNonceHandedToTheSameAddress(final boolean echoed,
            @org.junit.jupiter.api.io.TempDir final Path dir) throws IOException {
        // ntpq -c mrulist three times: REQ_NONCE, its answer, READ_MRU, 32 answer fragments of 468 bytes each.
        final org.ntpguard.capture.simulate.TrafficSimulator simulator = new org.ntpguard.capture.simulate
                .TrafficSimulator(1, org.ntpguard.capture.simulate.TrafficSimulator.DEFAULT_START_NANOS,
                30_000_000_000L);
        simulator.mrulist(0, 30_000_000_000L, 0.1, echoed);
        final Path pcap = dir.resolve("mrulist.pcap");
        simulator.write(pcap);
        final List<FlowInterval> intervals = new ArrayList<>();
        final FlowCombiner combiner = new FlowCombiner(Duration.ofSeconds(1), 100, intervals::add);
        final ProblemLog log = new ProblemLog(new PrintWriter(new StringWriter(), true));
        try (CaptureReader reader = CaptureFiles.open(pcap, log)) {
            new CaptureSession(new DecodeStats(), log).run(reader, combiner::accept, Long.MAX_VALUE);
        }
        combiner.flush(intervals::add);

        final List<NtpFlow> flows = intervals.stream().flatMap(i -> i.flows().stream()).toList();
        final long requests = flows.stream().mapToLong(NtpFlow::getNonceVerifiedRequests).sum();
        final long responses = flows.stream().mapToLong(NtpFlow::getNonceVerifiedResponses).sum();
        final long responseBytes = flows.stream().mapToLong(NtpFlow::getNonceVerifiedResponseBytes).sum();
        if (echoed) {
            // Per run: the READ_MRU, its 32 fragments and the REQ_NONCE answer it proves received.
            assertThat(List.of(requests, responses)).isEqualTo(List.of(3L, 3L * 33));
            // The nonce answer: a 12-byte header and "nonce=" + 24 hex digits + CRLF, 32 bytes of data.
            assertThat(responseBytes).isEqualTo(3L * 32 * 468 + 3L * (12 + 32));
        } else {
            assertThat(List.of(requests, responses, responseBytes)).isEqualTo(List.of(0L, 0L, 0L));
        }
    }

    @Test
    void shouldRefuseAnIntervalThatDoesNotDivideAMinute() {
        assertThatThrownBy(() -> FlowCombiner.checkInterval(Duration.ofMillis(7_000)))
                .hasMessageContaining("flow interval: 7000 ms (expected: whole milliseconds that divide a minute");
        assertThatThrownBy(() -> FlowCombiner.checkInterval(Duration.ofNanos(1_500_000)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(FlowCombiner.checkInterval(Duration.ofMillis(250))).isEqualTo(250);
    }
}
