package org.ntpguard.capture.simulate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.ntpguard.capture.pcap.PcapWriter;

/**
 * Writes realistic NTP traffic to a pcap file: normal polling, monlist amplification, Kiss-o'-Death storms, mode 6
 * scans, unsolicited responses, or all of them together. Deterministic for a seed: the same arguments write the same
 * bytes. NTP payloads are byte-exact as ntpd, chrony, ntpq and ntpdc put them on the wire ({@link NtpFrames});
 * addresses are documentation ranges only (RFC 5737, RFC 3849).
 *
 * <p>Who is who, for every scenario: clients 192.0.2.10-29 poll servers 203.0.113.1-3; the monlist reflector is
 * 203.0.113.50 and its victim 198.51.100.7 (port 80); the client ignoring RATE kisses is 192.0.2.99 (server
 * 203.0.113.2); the mode 6 scanner is 192.0.2.66 (targets 203.0.113.10-29, four of which answer); the victim of
 * unsolicited responses is 198.51.100.9, hit by reflectors in 203.0.113.100-219; the NAT address is 192.0.2.200
 * (servers 203.0.113.1-4); the monlist prober is 198.51.100.66 (asking 203.0.113.50); the victim of the spoofed
 * mode 3 flood is 198.51.100.8 (servers 203.0.113.60-209); the administrator running ntpq mrulist is 198.51.100.20
 * (server 192.0.2.1); the monitoring host is 192.0.2.5 (the site's servers 192.0.2.100-149); ntpq over loopback
 * runs on 127.0.0.1.
 */
public final class TrafficSimulator {

    /** 2026-11-22T10:00:00Z: when simulated captures start unless told otherwise. */
    public static final long DEFAULT_START_NANOS = 1_795_341_600L * 1_000_000_000L;
    public static final long SECOND = 1_000_000_000L;

    static final int SERVER_1 = NtpFrames.TEST_NET_3 | 1;
    static final int SERVER_2 = NtpFrames.TEST_NET_3 | 2;
    static final int SERVER_3 = NtpFrames.TEST_NET_3 | 3;
    static final int UPSTREAM = NtpFrames.TEST_NET_3 | 250;
    static final int SERVER_V6 = 0x0002_0123;
    static final int REFLECTOR = NtpFrames.TEST_NET_3 | 50;
    static final int VICTIM = NtpFrames.TEST_NET_2 | 7;
    static final int VICTIM_PORT = 80;
    static final int RATE_CLIENT = NtpFrames.TEST_NET_1 | 99;
    static final int SCANNER = NtpFrames.TEST_NET_1 | 66;
    static final int SCANNER_PORT = 41_234;
    static final int UNSOLICITED_VICTIM = NtpFrames.TEST_NET_2 | 9;
    static final int NAT_ADDRESS = NtpFrames.TEST_NET_1 | 200;
    static final int NAT_HOSTS = 400;
    static final int MONLIST_PROBER = NtpFrames.TEST_NET_2 | 66;
    static final int SPOOFED_VICTIM = NtpFrames.TEST_NET_2 | 8;
    static final int FLOOD_SERVERS = 150;
    static final int MRU_ADMIN = NtpFrames.TEST_NET_2 | 20;
    static final int MRU_SERVER = NtpFrames.TEST_NET_1 | 1;
    static final int MRU_FRAGMENTS = 32;
    static final int MONITOR = NtpFrames.TEST_NET_1 | 5;
    static final int MONITORED_FIRST = NtpFrames.TEST_NET_1 | 100;
    static final int MONITORED_SERVERS = 50;
    static final int LOOPBACK = 0x7F00_0001;
    /** Mode 6 READSTAT (RFC 9327): the association ids and status words of a server's peers. */
    static final int OPCODE_READSTAT = 1;

    /** One frame, kept until all are written in capture-time order. */
    private record Frame(long timestampNanos, int order, byte[] bytes) {
    }

    private final SplittableRandom random;
    private final long startNanos;
    private final long durationNanos;
    private final byte[] scratch = new byte[NtpFrames.MAX_FRAME_LENGTH];
    private final byte[] request = new byte[NtpFrames.NTP_HEADER_LENGTH];
    private final List<Frame> frames = new ArrayList<>();
    private int ipId = 0x4000;

    /**
     * @param seed          seeds every random choice: same seed, same bytes
     * @param startNanos    capture time of the start, nanoseconds since the Unix epoch
     * @param durationNanos how long the simulated traffic lasts
     */
    public TrafficSimulator(final long seed, final long startNanos, final long durationNanos) {
        if (durationNanos < SECOND) {
            throw new IllegalArgumentException("duration: " + durationNanos + " ns (expected: 1 s or more)");
        }
        this.random = new SplittableRandom(seed);
        this.startNanos = startNanos;
        this.durationNanos = durationNanos;
    }

    /** Frames generated so far. */
    public int frames() {
        return frames.size();
    }

    /** Steady clients polling every 16 s (chrony and ntpd, NTPv4 and v3, IPv6, VLANs 100 and 200) and two iburst starts. */
    public TrafficSimulator normalPolling() {
        final int[] servers = {SERVER_1, SERVER_2, SERVER_3};
        for (int host = 10; host < 30; host++) {
            final int client = NtpFrames.TEST_NET_1 | host;
            final int vlan = host >= 28 ? 200 : host >= 26 ? 100 : NtpFrames.UNTAGGED;
            poll(client, servers[host % 3], vlan, false, host % 2 == 0 ? 4 : 3, host % 4 == 1, 16 * SECOND);
        }
        poll(0x0001_0010, SERVER_V6, NtpFrames.UNTAGGED, true, 4, false, 16 * SECOND);
        poll(0x0001_0011, SERVER_V6, 200, true, 4, true, 16 * SECOND);
        // iburst: six requests two seconds apart when ntpd starts
        for (final int host : new int[] {20, 21}) {
            final long start = (host == 20 ? 5 : 31) * SECOND + random.nextLong(SECOND);
            for (int i = 0; i < 6; i++) {
                exchange(start + i * 2 * SECOND, NtpFrames.TEST_NET_2 | host, NtpFrames.NTP_PORT, SERVER_2,
                    NtpFrames.UNTAGGED, false, 4, true, false);
            }
        }
        return this;
    }

    private void poll(final int client, final int server, final int vlan, final boolean ipv6, final int version,
                      final boolean chrony, final long interval) {
        final int port = chrony ? 32_768 + random.nextInt(28_232) : NtpFrames.NTP_PORT;
        for (long t = random.nextLong(interval); t < durationNanos - SECOND; t += interval) {
            exchange(t, client, port, server, vlan, ipv6, version, !chrony, false);
        }
    }

    /** A request and, unless the server drops it, its answer: a normal response or a RATE kiss. */
    private void exchange(final long t, final int client, final int clientPort, final int server, final int vlan,
                          final boolean ipv6, final int version, final boolean ntpd, final boolean kiss) {
        exchange(t, client, clientPort, server, vlan, ipv6, version, ntpd, kiss, true);
    }

    private void exchange(final long t, final int client, final int clientPort, final int server, final int vlan,
                          final boolean ipv6, final int version, final boolean ntpd, final boolean kiss,
                          final boolean answered) {
        final int at = NtpFrames.payloadOffset(vlan, ipv6);
        final long transmit = NtpFrames.ntpTimestamp(startNanos + t) ^ random.nextInt(1 << 16);
        final long reference = NtpFrames.ntpTimestamp(startNanos + t - 100 * SECOND - random.nextLong(900 * SECOND));
        final int length = ntpd
            ? NtpFrames.ntpdRequest(scratch, at, version, 6, UPSTREAM, reference, transmit)
            : NtpFrames.clientRequest(scratch, at, version, 6, transmit);
        System.arraycopy(scratch, at, request, 0, NtpFrames.NTP_HEADER_LENGTH);
        add(t, vlan, ipv6, client, server, clientPort, NtpFrames.NTP_PORT, length, 64);
        if (!answered) {
            return;
        }
        final long answer = t + 200_000 + random.nextInt(2_000_000);
        final int responseLength;
        if (kiss) {
            responseLength = NtpFrames.rateKiss(scratch, at, request, 0);
        } else {
            final long receive = NtpFrames.ntpTimestamp(startNanos + answer - 25_000);
            responseLength = NtpFrames.serverResponse(scratch, at, request, 0, UPSTREAM,
                NtpFrames.ntpTimestamp(startNanos + answer - 37 * SECOND), receive, receive + (25L << 32) / 1_000_000);
        }
        add(answer, vlan, ipv6, server, client, NtpFrames.NTP_PORT, clientPort, responseLength, 56);
    }

    /**
     * MON_GETLIST_1 probes spoofed from the victim's web server, {@code probesPerSecond} of them from
     * {@code fromNanos} for {@code forNanos}, each answered by the reflector with 8 full responses (440-byte NTP
     * payload, 468-byte IPv4 packet) whose first entry is the victim itself.
     */
    public TrafficSimulator monlistReflection(final long fromNanos, final long forNanos, final double probesPerSecond) {
        final int[] entries = new int[47];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = NtpFrames.TEST_NET_1 | 100 + i;
        }
        final long spacing = (long) (SECOND / probesPerSecond);
        final int probes = (int) Math.max(1, forNanos / spacing);
        for (int probe = 0; probe < probes; probe++) {
            final long t = fromNanos + probe * spacing + random.nextLong(Math.max(1, spacing / 7));
            final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
            final int length = NtpFrames.monlistProbe(scratch, at, probe % 2 == 1);
            add(t, NtpFrames.UNTAGGED, false, VICTIM, REFLECTOR, VICTIM_PORT, NtpFrames.NTP_PORT, length, 243);
            for (int response = 0; response < 8; response++) {
                NtpFrames.monlistResponseHeader(scratch, at, response, response < 7);
                for (int entry = 0; entry < NtpFrames.MONLIST_ENTRIES_PER_PACKET; entry++) {
                    final int index = response * NtpFrames.MONLIST_ENTRIES_PER_PACKET + entry;
                    if (index == 0) {
                        NtpFrames.monitorEntry(scratch, at, 0, 0, 0, probe + 1, VICTIM, REFLECTOR, VICTIM_PORT,
                            NtpFrames.MODE_PRIVATE, NtpFrames.PRIVATE_VERSION);
                    } else {
                        NtpFrames.monitorEntry(scratch, at, entry, 64 + index * 7, 30 + index * 13, 40 + index * 3,
                            entries[index - 1], REFLECTOR, NtpFrames.NTP_PORT, NtpFrames.MODE_CLIENT, 4);
                    }
                }
                add(t + 300_000 + response * 40_000L, NtpFrames.UNTAGGED, false, REFLECTOR, VICTIM,
                    NtpFrames.NTP_PORT, VICTIM_PORT, NtpFrames.MONLIST_RESPONSE_LENGTH, 64);
            }
        }
        return this;
    }

    /**
     * A client polling every second: the server answers the first three, then kisses every third request (ntpd
     * rate-limits its kisses too) and drops the rest.
     */
    public TrafficSimulator rateKisses(final long fromNanos, final long forNanos) {
        final int requests = (int) Math.max(1, forNanos / SECOND);
        for (int i = 0; i < requests; i++) {
            final long t = fromNanos + i * SECOND;
            final boolean kiss = i >= 3 && i % 3 == 0;
            exchange(t, RATE_CLIENT, NtpFrames.NTP_PORT, SERVER_2, NtpFrames.UNTAGGED, false, 4, true, kiss,
                i < 3 || kiss);
        }
        return this;
    }

    /** READVAR to 203.0.113.10-29, 100 ms apart from {@code fromNanos}; four servers expose mode 6 and answer. */
    public TrafficSimulator readVarScan(final long fromNanos) {
        for (int host = 10; host < 30; host++) {
            final long t = fromNanos + (host - 10) * 100_000_000L;
            final int server = NtpFrames.TEST_NET_3 | host;
            final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
            add(t, NtpFrames.UNTAGGED, false, SCANNER, server, SCANNER_PORT, NtpFrames.NTP_PORT,
                NtpFrames.readVarRequest(scratch, at, host), 64);
            if (host == 12 || host == 17 || host == 23 || host == 28) {
                add(t + 1_500_000, NtpFrames.UNTAGGED, false, server, SCANNER, NtpFrames.NTP_PORT, SCANNER_PORT,
                    NtpFrames.readVarResponse(scratch, at, host), 64);
            }
        }
        return this;
    }

    /**
     * Mode 4 responses nobody asked for, {@code perSecond} of them from {@code fromNanos} for {@code forNanos}, from
     * 120 reflectors to a victim's random ports: the traffic a victim sees when its address was spoofed in ordinary
     * client requests to many servers.
     */
    public TrafficSimulator unsolicitedResponses(final long fromNanos, final long forNanos, final double perSecond) {
        final long spacing = (long) (SECOND / perSecond);
        final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
        for (long t = fromNanos; t < fromNanos + forNanos; t += spacing) {
            final int reflector = NtpFrames.TEST_NET_3 | 100 + random.nextInt(120);
            final long transmit = NtpFrames.ntpTimestamp(startNanos + t - SECOND) ^ random.nextInt(1 << 20);
            NtpFrames.clientRequest(request, 0, 4, 6, transmit);
            final long receive = NtpFrames.ntpTimestamp(startNanos + t - 25_000);
            final int length = NtpFrames.serverResponse(scratch, at, request, 0, UPSTREAM,
                NtpFrames.ntpTimestamp(startNanos + t - 37 * SECOND), receive, receive + (25L << 32) / 1_000_000);
            add(t, NtpFrames.UNTAGGED, false, reflector, UNSOLICITED_VICTIM, NtpFrames.NTP_PORT,
                1_024 + random.nextInt(60_000), length, 55);
        }
        return this;
    }

    /**
     * {@value #NAT_HOSTS} hosts behind one PAT address, each polling the same 4 servers every 64 s: three in four
     * are ntpd, which keeps one socket and so one NAT port; the rest are chrony, which takes a new port per request.
     */
    public TrafficSimulator natPolling() {
        final long interval = 64 * SECOND;
        for (int host = 0; host < NAT_HOSTS; host++) {
            final boolean chrony = host % 4 == 3;
            final int natPort = 1_024 + host;
            for (int s = 0; s < 4; s++) {
                final int server = NtpFrames.TEST_NET_3 | 1 + s;
                for (long t = random.nextLong(interval); t < durationNanos - SECOND; t += interval) {
                    final int port = chrony ? 32_768 + random.nextInt(28_232) : natPort;
                    exchange(t, NAT_ADDRESS, port, server, NtpFrames.UNTAGGED, false, 4, !chrony, false);
                }
            }
        }
        return this;
    }

    /**
     * MON_GETLIST_1 requests from one address outside any home network, {@code perSecond} of them for
     * {@code forNanos}, alternately 8 and 48 bytes (as attack tools send them), to a classic ntpd that answers one
     * in three with a single packet: what a scanner looking for reflectors sees, or the first seconds of an attack.
     */
    public TrafficSimulator monlistProbes(final long fromNanos, final long forNanos, final double perSecond) {
        final long spacing = (long) (SECOND / perSecond);
        final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
        final int port = 32_768 + random.nextInt(28_232);
        int probe = 0;
        for (long t = fromNanos; t < fromNanos + forNanos; t += spacing, probe++) {
            add(t, NtpFrames.UNTAGGED, false, MONLIST_PROBER, REFLECTOR, port, NtpFrames.NTP_PORT,
                NtpFrames.monlistProbe(scratch, at, probe % 2 == 1), 51);
            if (probe % 3 == 0) {
                NtpFrames.monlistResponseHeader(scratch, at, 0, false);
                for (int entry = 0; entry < NtpFrames.MONLIST_ENTRIES_PER_PACKET; entry++) {
                    NtpFrames.monitorEntry(scratch, at, entry, 64, 30, 1 + probe, NtpFrames.TEST_NET_1 | 10 + entry,
                        REFLECTOR, NtpFrames.NTP_PORT, NtpFrames.MODE_CLIENT, 4);
                }
                add(t + 300_000, NtpFrames.UNTAGGED, false, REFLECTOR, MONLIST_PROBER, NtpFrames.NTP_PORT, port,
                    NtpFrames.MONLIST_RESPONSE_LENGTH, 64);
            }
        }
        return this;
    }

    /**
     * Mode 3 requests spoofed from a victim, {@code perSecond} of them for {@code forNanos}, going round
     * {@value #FLOOD_SERVERS} servers, each from a random source port (as spoofing tools draw them) and each
     * answered to that port: to the victim it looks like a scan it never made.
     */
    public TrafficSimulator spoofedFlood(final long fromNanos, final long forNanos, final double perSecond) {
        final long spacing = (long) (SECOND / perSecond);
        int n = 0;
        for (long t = fromNanos; t < fromNanos + forNanos; t += spacing, n++) {
            final int server = NtpFrames.TEST_NET_3 | 60 + n % FLOOD_SERVERS;
            exchange(t, SPOOFED_VICTIM, 1_024 + random.nextInt(64_512), server, NtpFrames.UNTAGGED, false, 4, false,
                false);
        }
        return this;
    }

    /**
     * {@code ntpq -c mrulist} from {@link #MRU_ADMIN} to {@link #MRU_SERVER}, {@code perSecond} runs a second from
     * {@code fromNanos} for {@code forNanos}: REQ_NONCE, the server's nonce, READ_MRU carrying it ({@code echo}) or
     * another one (a forger who never saw the answer), and {@value #MRU_FRAGMENTS} answer fragments of
     * {@value NtpFrames#MRU_FRAGMENT_LENGTH} bytes either way (a server that checks nothing).
     */
    public TrafficSimulator mrulist(final long fromNanos, final long forNanos, final double perSecond,
                                    final boolean echo) {
        final long spacing = (long) (SECOND / perSecond);
        final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
        final int port = 32_768 + random.nextInt(28_232);
        final byte[] mru = new byte[NtpFrames.MRU_FRAGMENT_LENGTH - NtpFrames.CONTROL_HEADER_LENGTH];
        Arrays.fill(mru, (byte) 'x');
        int sequence = 1;
        for (long t = fromNanos; t < fromNanos + forNanos; t += spacing) {
            final String nonce = String.format("%08x%08x%08x", random.nextInt(), random.nextInt(), random.nextInt());
            final byte[] issued = ("nonce=" + nonce + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final byte[] asked = ("nonce=" + (echo ? nonce : "0" + nonce.substring(1)) + ", frags=32")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            add(t, NtpFrames.UNTAGGED, false, MRU_ADMIN, MRU_SERVER, port, NtpFrames.NTP_PORT,
                NtpFrames.control(scratch, at, NtpFrames.OPCODE_REQ_NONCE, sequence, false, false, 0, mru, 0), 60);
            add(t + 400_000, NtpFrames.UNTAGGED, false, MRU_SERVER, MRU_ADMIN, NtpFrames.NTP_PORT, port,
                NtpFrames.control(scratch, at, NtpFrames.OPCODE_REQ_NONCE, sequence++, true, false, 0, issued,
                    issued.length), 64);
            add(t + 1_000_000, NtpFrames.UNTAGGED, false, MRU_ADMIN, MRU_SERVER, port, NtpFrames.NTP_PORT,
                NtpFrames.control(scratch, at, NtpFrames.OPCODE_READ_MRU, sequence, false, false, 0, asked,
                    asked.length), 60);
            for (int fragment = 0; fragment < MRU_FRAGMENTS; fragment++) {
                add(t + 1_500_000 + fragment * 50_000L, NtpFrames.UNTAGGED, false, MRU_SERVER, MRU_ADMIN,
                    NtpFrames.NTP_PORT, port, NtpFrames.control(scratch, at, NtpFrames.OPCODE_READ_MRU, sequence,
                        true, fragment < MRU_FRAGMENTS - 1, fragment * mru.length, mru, mru.length), 64);
            }
            sequence++;
        }
        return this;
    }

    /**
     * READSTAT from the monitoring host to each of the site's {@value #MONITORED_SERVERS} servers once a minute,
     * from one port, each answered with 2 to 7 associations (8 to 28 bytes): fleet monitoring as Nagios's check_ntp
     * or a Prometheus exporter does it.
     */
    public TrafficSimulator fleetMonitoring() {
        final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
        final int port = 32_768 + random.nextInt(28_232);
        final byte[] associations = new byte[28];
        int sequence = 1;
        for (long round = 5 * SECOND; round < durationNanos - SECOND; round += 60 * SECOND) {
            for (int n = 0; n < MONITORED_SERVERS; n++) {
                final long t = round + n * 20_000_000L;
                final int server = MONITORED_FIRST + n;
                add(t, NtpFrames.UNTAGGED, false, MONITOR, server, port, NtpFrames.NTP_PORT,
                    NtpFrames.control(scratch, at, OPCODE_READSTAT, sequence, false, false, 0, associations, 0), 64);
                random.nextBytes(associations);
                final int answered = 4 * (2 + n % 6);
                add(t + 600_000, NtpFrames.UNTAGGED, false, server, MONITOR, NtpFrames.NTP_PORT, port,
                    NtpFrames.control(scratch, at, OPCODE_READSTAT, sequence++, true, false, 0, associations,
                        answered), 64);
            }
        }
        return this;
    }

    /** {@code ntpq -c rv} on a host against its own ntpd over 127.0.0.1, every 10 s, a new port each time. */
    public TrafficSimulator localNtpq() {
        final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
        int sequence = 1;
        for (long t = 3 * SECOND; t < durationNanos - SECOND; t += 10 * SECOND) {
            final int port = 32_768 + random.nextInt(28_232);
            add(t, NtpFrames.UNTAGGED, false, LOOPBACK, LOOPBACK, port, NtpFrames.NTP_PORT,
                NtpFrames.readVarRequest(scratch, at, sequence), 64);
            add(t + 200_000, NtpFrames.UNTAGGED, false, LOOPBACK, LOOPBACK, NtpFrames.NTP_PORT, port,
                NtpFrames.readVarResponse(scratch, at, sequence++), 64);
        }
        return this;
    }

    private void add(final long t, final int vlan, final boolean ipv6, final int source, final int destination,
                     final int sourcePort, final int destinationPort, final int payloadLength, final int ttl) {
        final int length = NtpFrames.headers(scratch, vlan, ipv6, source, destination, sourcePort, destinationPort,
            payloadLength, ipId++, ttl);
        frames.add(new Frame(startNanos + t, frames.size(), Arrays.copyOf(scratch, length)));
    }

    /** Writes every frame generated so far, in capture-time order, as a microsecond pcap file (Ethernet). */
    public void write(final Path file) throws IOException {
        frames.sort(Comparator.comparingLong(Frame::timestampNanos).thenComparingInt(Frame::order));
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (PcapWriter writer = PcapWriter.create(file, 1, 65_535, PcapWriter.Precision.MICROSECONDS)) {
            for (final Frame frame : frames) {
                writer.write(frame.timestampNanos(), frame.bytes(), 0, frame.bytes().length);
            }
        }
    }
}
