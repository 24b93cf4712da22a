package org.ntpguard.capture.live;

import org.junit.jupiter.api.Test;
import org.ntpguard.capture.pcap.CapturedFrame;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Captures real datagrams on {@code lo}. Needs root (or CAP_NET_RAW) and libpcap: without them these tests fail with
 * the reader's message instead of skipping, since CI has both. Only 127.0.0.1 and ::1 are ever used.
 *
 * <p>Other processes may use the loopback at the same time, so frames are told apart by this test's source port.
 */
class LiveCaptureReaderTest {

    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int IP_PROTOCOL_UDP = 17;
    private static final int NTP_PORT = 123;
    private static final int OTHER_PORT = 9999;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_LINUX_SLL = 113;
    private static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    private static final int MANY_FRAMES = 3_000;
    private static final long CLOCK_SLACK_NANOS = 1_000_000_000L;

    /** ntpdc's monlist probe: mode 7, implementation XNTPD (3), request REQ_MON_GETLIST_1 (42). */
    private static final byte[] MODE7_MONLIST_PROBE = {0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00};

    @Test
    void shouldCaptureNtpOverIpv4WhenSentToLoopback() throws Exception {
        // given
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final byte[] clientRequest = ntpClientRequest();
        try (LiveCaptureReader reader = LiveCaptureReader.open(LiveCaptureOptions.of("lo"));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            final int sourcePort = socket.getLocalPort();
            final long sentMillis = System.currentTimeMillis();

            // when: the datagram the filter must drop goes first, so it would arrive before the others if kept
            send(socket, new byte[] {1, 2, 3, 4}, loopback, OTHER_PORT);
            send(socket, clientRequest, loopback, NTP_PORT);
            send(socket, MODE7_MONLIST_PROBE, loopback, NTP_PORT);
            final List<Seen> seen = readUntil(reader, frames -> countFrom(frames, ETHERTYPE_IPV4, sourcePort) >= 2);

            // then
            final int payloadOffset = ETHERNET_HEADER_LENGTH + IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH;
            final List<Seen> ours = from(seen, ETHERTYPE_IPV4, sourcePort);
            assertThat(ours).extracting(Seen::linkType).containsOnly(LINKTYPE_ETHERNET);
            assertThat(ours).extracting(frame -> frame.udpDestinationPort(payloadOffset)).containsOnly(NTP_PORT);
            assertThat(ours).extracting(frame -> frame.payload(payloadOffset))
                    .containsExactly(clientRequest, MODE7_MONLIST_PROBE);
            assertThat(ours).allSatisfy(frame -> {
                assertThat(frame.ipProtocolOrNextHeader()).isEqualTo(IP_PROTOCOL_UDP);
                assertThat(frame.originalLength()).isEqualTo(frame.bytes().length);
                assertThat(frame.timestampNanos() / 1_000_000L).isBetween(sentMillis - 5_000L, sentMillis + 5_000L);
            });
            assertFrameNumbersCountFromOne(seen);
            assertThat(reader.stats().received()).isGreaterThanOrEqualTo(seen.size());
            assertThat(reader.filter()).isEqualTo(LiveCaptureOptions.DEFAULT_FILTER);
        }
    }

    @Test
    void shouldCaptureNtpOverIpv6WhenSentToLoopback() throws Exception {
        // given
        final InetAddress loopback = InetAddress.getByName("::1");
        assumeTrue(ipv6LoopbackConfigured(), "::1 is not configured on lo");
        final byte[] clientRequest = ntpClientRequest();
        try (LiveCaptureReader reader = LiveCaptureReader.open(LiveCaptureOptions.of("lo"));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            final int sourcePort = socket.getLocalPort();

            // when
            send(socket, new byte[] {1, 2, 3, 4}, loopback, OTHER_PORT);
            send(socket, clientRequest, loopback, NTP_PORT);
            final List<Seen> seen = readUntil(reader, frames -> countFrom(frames, ETHERTYPE_IPV6, sourcePort) >= 1);

            // then
            final int payloadOffset = ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH + UDP_HEADER_LENGTH;
            final List<Seen> ours = from(seen, ETHERTYPE_IPV6, sourcePort);
            assertThat(ours).hasSize(1);
            final Seen frame = ours.get(0);
            assertThat(frame.linkType()).isEqualTo(LINKTYPE_ETHERNET);
            assertThat(frame.ipProtocolOrNextHeader()).isEqualTo(IP_PROTOCOL_UDP);
            assertThat(frame.udpDestinationPort(payloadOffset)).isEqualTo(NTP_PORT);
            assertThat(frame.payload(payloadOffset)).isEqualTo(clientRequest);
            assertFrameNumbersCountFromOne(seen);
            assertThat(reader.stats().received()).isGreaterThanOrEqualTo(seen.size());
        }
    }

    @Test
    void shouldReadEveryFrameWithItsBytesLengthAndNanosecondTimestampWhenManyAreSentOverIpv4AndIpv6()
            throws Exception {
        // given: more frames than one TPACKET_V3 block holds, of varied lengths, each numbered in its payload
        final boolean ipv6 = ipv6LoopbackConfigured();
        final InetAddress v4 = InetAddress.getByName("127.0.0.1");
        final InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramSocket socket4 = new DatagramSocket(new InetSocketAddress(v4, 0));
             DatagramSocket socket6 = ipv6 ? new DatagramSocket(new InetSocketAddress(v6, 0)) : null;
             LiveCaptureReader reader = LiveCaptureReader.open(LiveCaptureOptions.of("lo").withFilter(
                     "udp dst port 123 and (udp src port " + socket4.getLocalPort()
                             + (ipv6 ? " or udp src port " + socket6.getLocalPort() : "") + ")"))) {
            final List<byte[]> sent = new ArrayList<>();
            final long sentFromNanos = epochNanos();

            // when
            for (int i = 0; i < MANY_FRAMES; i++) {
                final byte[] payload = numberedPayload(i);
                sent.add(payload);
                if (ipv6 && i % 2 == 1) {
                    send(socket6, payload, v6, NTP_PORT);
                } else {
                    send(socket4, payload, v4, NTP_PORT);
                }
            }
            final long sentToNanos = epochNanos();
            final List<Seen> seen = readUntil(reader, frames -> frames.size() >= MANY_FRAMES);

            // then
            assertThat(seen).hasSize(MANY_FRAMES);
            for (int i = 0; i < MANY_FRAMES; i++) {
                final Seen frame = seen.get(i);
                final boolean overIpv6 = ipv6 && i % 2 == 1;
                final int payloadOffset = ETHERNET_HEADER_LENGTH
                        + (overIpv6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH) + UDP_HEADER_LENGTH;
                assertThat(frame.etherType()).isEqualTo(overIpv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
                assertThat(frame.payload(payloadOffset)).as("payload of frame %d", i).isEqualTo(sent.get(i));
                assertThat(frame.bytes()).hasSize(payloadOffset + sent.get(i).length);
                assertThat(frame.originalLength()).isEqualTo(frame.bytes().length);
                assertThat(frame.timestampNanos()).isBetween(sentFromNanos - CLOCK_SLACK_NANOS,
                        sentToNanos + CLOCK_SLACK_NANOS);
                if (i > 0) {
                    assertThat(frame.timestampNanos()).isGreaterThanOrEqualTo(seen.get(i - 1).timestampNanos());
                }
            }
            assertFrameNumbersCountFromOne(seen);
            assertThat(reader.nanosecondTimestamps()).isTrue();
            assertThat(seen).as("some timestamps not whole microseconds")
                    .anyMatch(frame -> frame.timestampNanos() % 1_000L != 0);
            assertThat(reader.stats().droppedByKernel()).isZero();
        }
    }

    @Test
    void shouldNameInterfaceAndListAvailableOnesWhenInterfaceDoesNotExist() {
        // given
        final LiveCaptureOptions options = LiveCaptureOptions.of("nosuchif0");

        // when, then
        assertThatThrownBy(() -> LiveCaptureReader.open(options))
                .isInstanceOf(LiveCaptureException.class)
                .hasMessageStartingWith("Cannot capture on interface nosuchif0: ")
                .hasMessageContaining("available interfaces: ")
                .hasMessageContaining("lo")
                .hasMessageEndingWith(".");
    }

    @Test
    void shouldNameFilterAndLibpcapErrorWhenFilterIsInvalid() {
        // given
        final LiveCaptureOptions options = LiveCaptureOptions.of("lo").withFilter("udp port");

        // when, then
        assertThatThrownBy(() -> LiveCaptureReader.open(options))
                .isInstanceOf(LiveCaptureException.class)
                .hasMessage("Invalid capture filter 'udp port': can't parse filter expression: syntax error.");
    }

    @Test
    void shouldReturnFalseFromBlockedNextWhenClosedFromAnotherThread() throws Exception {
        // given: a filter nothing on the loopback matches, so next() blocks
        final LiveCaptureReader reader = LiveCaptureReader.open(
                LiveCaptureOptions.of("lo").withFilter("udp port 1 and udp port 2"));
        final CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.next(new CapturedFrame());
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(result).isNotDone();

        // when
        reader.close();

        // then
        assertThat(result.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(reader.next(new CapturedFrame())).isFalse();
        assertThat(reader.stats().received()).isZero();
    }

    @Test
    void shouldReportLinuxCookedLinkTypeAndUntaggedFilterWhenCapturingOnAny() throws Exception {
        // given, when
        try (LiveCaptureReader reader = LiveCaptureReader.open(LiveCaptureOptions.of("any"))) {
            // then
            assertThat(reader.linkType()).isIn(LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2);
            assertThat(reader.source()).isEqualTo("any");
            assertThat(reader.filter()).isEqualTo(LiveCaptureOptions.NTP_AND_CARRIERS);
        }
    }

    /** A 48-byte NTPv4 client request (RFC 5905 §7.3) whose transmit timestamp is now with a random fraction. */
    private static byte[] ntpClientRequest() {
        final ByteBuffer request = ByteBuffer.allocate(48);
        request.put(0, (byte) 0x23);                  // LI 0, VN 4, mode 3 (client)
        request.put(2, (byte) 6);                     // poll 2^6 s
        request.put(3, (byte) -20);                   // precision 2^-20 s
        request.putInt(40, (int) (System.currentTimeMillis() / 1000L + NTP_TO_UNIX_SECONDS)); // xmt seconds
        request.putInt(44, ThreadLocalRandom.current().nextInt());                            // xmt fraction
        return request.array();
    }

    /** 48 to 111 bytes: an NTP client request whose first bytes after the header carry {@code number}. */
    private static byte[] numberedPayload(final int number) {
        final ByteBuffer payload = ByteBuffer.allocate(48 + number % 64);
        payload.put(0, (byte) 0x23);                  // LI 0, VN 4, mode 3 (client)
        payload.putInt(40, number);                   // xmt seconds: the frame's number
        for (int i = 48; i < payload.capacity(); i++) {
            payload.put(i, (byte) (number + i));      // extension-field room, varied bytes
        }
        return payload.array();
    }

    private static long epochNanos() {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static void send(final DatagramSocket socket, final byte[] payload, final InetAddress address,
                             final int port) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, address, port));
    }

    private static boolean ipv6LoopbackConfigured() throws SocketException {
        final NetworkInterface lo = NetworkInterface.getByName("lo");
        return lo != null && Collections.list(lo.getInetAddresses()).stream()
                .anyMatch(address -> address instanceof Inet6Address && address.isLoopbackAddress());
    }

    /**
     * Reads (copying each frame) until {@code done} holds, or fails the test after {@link #DEADLINE}: a watchdog
     * closes the reader, which wakes a blocked {@code next}.
     */
    private static List<Seen> readUntil(final LiveCaptureReader reader, final Predicate<List<Seen>> done)
            throws IOException {
        final List<Seen> seen = new ArrayList<>();
        final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            watchdog.schedule(reader::close, DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            final CapturedFrame frame = new CapturedFrame();
            while (!done.test(seen)) {
                if (!reader.next(frame)) {
                    fail("expected frames did not arrive on lo within " + DEADLINE + "; saw " + seen.size()
                            + " frames: " + seen);
                }
                seen.add(Seen.copyOf(frame));
            }
            return seen;
        } finally {
            watchdog.shutdownNow();
        }
    }

    private static void assertFrameNumbersCountFromOne(final List<Seen> seen) {
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i).frameNumber()).isEqualTo(i + 1L);
        }
    }

    private static List<Seen> from(final List<Seen> seen, final int etherType, final int sourcePort) {
        return seen.stream().filter(frame -> frame.isUdpFrom(etherType, sourcePort)).toList();
    }

    private static long countFrom(final List<Seen> seen, final int etherType, final int sourcePort) {
        return seen.stream().filter(frame -> frame.isUdpFrom(etherType, sourcePort)).count();
    }

    /** A frame copied out of the reader's buffer, which the next call reuses. */
    private record Seen(byte[] bytes, int originalLength, int linkType, long timestampNanos, long frameNumber) {

        static Seen copyOf(final CapturedFrame frame) {
            final byte[] bytes = new byte[frame.capturedLength()];
            frame.buffer().get(frame.offset(), bytes);
            return new Seen(bytes, frame.originalLength(), frame.linkType(), frame.timestampNanos(),
                    frame.frameNumber());
        }

        int etherType() {
            return unsignedShort(12);
        }

        int ipProtocolOrNextHeader() {
            return etherType() == ETHERTYPE_IPV6
                    ? bytes[ETHERNET_HEADER_LENGTH + 6] & 0xff
                    : bytes[ETHERNET_HEADER_LENGTH + 9] & 0xff;
        }

        boolean isUdpFrom(final int wantedEtherType, final int sourcePort) {
            final int udpOffset = ETHERNET_HEADER_LENGTH
                    + (wantedEtherType == ETHERTYPE_IPV6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH);
            return bytes.length >= udpOffset + UDP_HEADER_LENGTH
                    && etherType() == wantedEtherType
                    && ipProtocolOrNextHeader() == IP_PROTOCOL_UDP
                    && unsignedShort(udpOffset) == sourcePort;
        }

        int udpDestinationPort(final int payloadOffset) {
            return unsignedShort(payloadOffset - UDP_HEADER_LENGTH + 2);
        }

        byte[] payload(final int payloadOffset) {
            return Arrays.copyOfRange(bytes, payloadOffset, bytes.length);
        }

        private int unsignedShort(final int index) {
            return ((bytes[index] & 0xff) << 8) | (bytes[index + 1] & 0xff);
        }

        @Override
        public String toString() {
            return "#" + frameNumber + " linktype " + linkType + " " + bytes.length + " bytes ethertype 0x"
                    + Integer.toHexString(etherType());
        }
    }
}
