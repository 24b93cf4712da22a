package org.ntpguard.bench;

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
 * Writes the small deterministic sample capture {@code samples/mixed-ntp.pcap}: about a minute of a network with
 * normal NTP polling and, inside it, a monlist reflection, a client ignoring RATE kisses and a mode 6 scan. What each
 * host does is listed in {@code samples/README.md}; keep the two in step.
 *
 * <p>Usage: {@code WriteSample [file]} (default {@code samples/mixed-ntp.pcap}).
 */
public final class WriteSample {

    static final long SEED = 60L;
    /** 2026-11-22T10:00:00Z. */
    static final long START_NANOS = 1_795_341_600L * 1_000_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final long DURATION_NANOS = 60 * SECOND;

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

    /** One frame, kept until all are written in capture-time order. */
    private record Frame(long timestampNanos, int order, byte[] bytes) {
    }

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final byte[] scratch = new byte[NtpFrames.MAX_FRAME_LENGTH];
    private final byte[] request = new byte[NtpFrames.NTP_HEADER_LENGTH];
    private final List<Frame> frames = new ArrayList<>();
    private int ipId = 0x4000;

    private WriteSample() {
    }

    public static void main(final String[] args) throws IOException {
        final Path file = Path.of(args.length > 0 ? args[0] : "samples/mixed-ntp.pcap");
        final WriteSample sample = new WriteSample();
        sample.normalPolling();
        sample.monlistReflection();
        sample.rateKisses();
        sample.readVarScan();
        sample.write(file);
        System.out.printf("wrote %s: %d frames, %d bytes%n", file, sample.frames.size(), Files.size(file));
    }

    /** Steady clients polling every 16 s (chrony and ntpd, NTPv4 and v3, IPv6, VLANs 100 and 200) and two iburst starts. */
    private void normalPolling() {
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
    }

    private void poll(final int client, final int server, final int vlan, final boolean ipv6, final int version,
                      final boolean chrony, final long interval) {
        final int port = chrony ? 32_768 + random.nextInt(28_232) : NtpFrames.NTP_PORT;
        for (long t = random.nextLong(interval); t < DURATION_NANOS - SECOND; t += interval) {
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
        final long transmit = NtpFrames.ntpTimestamp(START_NANOS + t) ^ random.nextInt(1 << 16);
        final long reference = NtpFrames.ntpTimestamp(START_NANOS + t - 100 * SECOND - random.nextLong(900 * SECOND));
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
            final long receive = NtpFrames.ntpTimestamp(START_NANOS + answer - 25_000);
            responseLength = NtpFrames.serverResponse(scratch, at, request, 0, UPSTREAM,
                NtpFrames.ntpTimestamp(START_NANOS + answer - 37 * SECOND), receive, receive + (25L << 32) / 1_000_000);
        }
        add(answer, vlan, ipv6, server, client, NtpFrames.NTP_PORT, clientPort, responseLength, 56);
    }

    /** Seven MON_GETLIST_1 probes spoofed from the victim's web server, each answered with 8 full responses. */
    private void monlistReflection() {
        final int[] entries = new int[47];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = NtpFrames.TEST_NET_1 | 100 + i;
        }
        for (int probe = 0; probe < 7; probe++) {
            final long t = 20 * SECOND + probe * 700_000_000L + random.nextInt(100_000_000);
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
    }

    /**
     * A client polling every second: the server answers the first three, then kisses every third request (ntpd
     * rate-limits its kisses too) and drops the rest.
     */
    private void rateKisses() {
        for (int i = 0; i < 15; i++) {
            final long t = 35 * SECOND + i * SECOND;
            final boolean kiss = i >= 3 && i % 3 == 0;
            exchange(t, RATE_CLIENT, NtpFrames.NTP_PORT, SERVER_2, NtpFrames.UNTAGGED, false, 4, true, kiss,
                i < 3 || kiss);
        }
    }

    /** READVAR to 203.0.113.10-29, 100 ms apart; four servers expose mode 6 and answer. */
    private void readVarScan() {
        for (int host = 10; host < 30; host++) {
            final long t = 42 * SECOND + (host - 10) * 100_000_000L;
            final int server = NtpFrames.TEST_NET_3 | host;
            final int at = NtpFrames.payloadOffset(NtpFrames.UNTAGGED, false);
            add(t, NtpFrames.UNTAGGED, false, SCANNER, server, SCANNER_PORT, NtpFrames.NTP_PORT,
                NtpFrames.readVarRequest(scratch, at, host), 64);
            if (host == 12 || host == 17 || host == 23 || host == 28) {
                add(t + 1_500_000, NtpFrames.UNTAGGED, false, server, SCANNER, NtpFrames.NTP_PORT, SCANNER_PORT,
                    NtpFrames.readVarResponse(scratch, at, host), 64);
            }
        }
    }

    private void add(final long t, final int vlan, final boolean ipv6, final int source, final int destination,
                     final int sourcePort, final int destinationPort, final int payloadLength, final int ttl) {
        final int length = NtpFrames.headers(scratch, vlan, ipv6, source, destination, sourcePort, destinationPort,
            payloadLength, ipId++, ttl);
        frames.add(new Frame(START_NANOS + t, frames.size(), Arrays.copyOf(scratch, length)));
    }

    private void write(final Path file) throws IOException {
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
