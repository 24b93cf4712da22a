package org.ntpguard.bench;

import org.ntpguard.capture.simulate.NtpFrames;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.ntpguard.capture.pcap.PcapWriter;

/**
 * A deterministic stream of realistic mixed NTP frames, one conversation after another: the same seed gives the same
 * bytes (SplittableRandom's algorithm is fixed by its specification). Every frame is written into one reused array.
 *
 * <p>Conversations per 1000 (frames in brackets): 700 NTPv4 client/server pairs over IPv4, half chrony-style and
 * half ntpd-style requests (2); 100 NTPv3 pairs (2); 100 NTPv4 pairs over IPv6 (2); 30 requests answered by a RATE
 * kiss (2); 40 mode 6 READVAR requests and answers (2); 30 mode 7 MON_GETLIST_1 probes from a spoofed victim, 8-byte
 * or 48-byte, each answered by 0 to 8 full 440-byte monlist responses (1 to 9). 5% of conversations carry an 802.1Q
 * tag. Expected shares of frames: 89% mode 3/4 (1.4% of them RATE kisses), 5.7% monlist responses, 1.4% monlist
 * probes, 3.8% mode 6; 9.6% IPv6; about 120 bytes a frame on average.
 */
public final class MixedTraffic {

    public static final long DEFAULT_SEED = 20_261_122L;
    /** Changes whenever the traffic does, so that a cached capture is written again. */
    public static final int GENERATOR_VERSION = 1;
    /** 2026-11-22T00:00:00Z. */
    public static final long START_NANOS = 1_795_305_600L * 1_000_000_000L;

    static final int PAIR_V4 = 0;
    static final int PAIR_V3 = 1;
    static final int PAIR_V6 = 2;
    static final int RATE_KISS = 3;
    static final int READVAR = 4;
    static final int MONLIST = 5;
    /** Cumulative conversation weights per 1000, in kind order. */
    private static final int[] CUMULATIVE_WEIGHTS = {700, 800, 900, 930, 970, 1000};
    private static final int TAGGED_PER_1000 = 50;
    private static final int MAX_MONLIST_RESPONSES = 8;
    private static final int EPHEMERAL_FIRST = 32_768;
    private static final int EPHEMERAL_COUNT = 28_232;

    private final SplittableRandom random;
    private final byte[] frame = new byte[NtpFrames.MAX_FRAME_LENGTH];
    private final byte[] request = new byte[NtpFrames.NTP_HEADER_LENGTH];
    private long clock = START_NANOS;
    private int ipId;

    private int kind;
    private int step;
    private int steps;
    private int vlanId;
    private int client;
    private int clientPort;
    private int server;
    private int upstream;
    private int sequence;
    private long reference;

    public MixedTraffic(final long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Writes {@code packets} frames to a new microsecond pcap (Ethernet, snap length 65535). */
    public static void write(final Path file, final long packets, final long seed) throws IOException {
        final MixedTraffic traffic = new MixedTraffic(seed);
        try (PcapWriter writer = PcapWriter.create(file, 1, 65_535, PcapWriter.Precision.MICROSECONDS)) {
            for (long i = 0; i < packets; i++) {
                final int length = traffic.next();
                writer.write(traffic.timestampNanos(), traffic.frame(), 0, length);
            }
        }
    }

    /** Writes the next frame into {@link #frame()} and returns its length. */
    public int next() {
        if (step == steps) {
            start();
        }
        final int length;
        switch (kind) {
            case PAIR_V4:
            case PAIR_V3:
            case PAIR_V6:
            case RATE_KISS:
                length = step == 0 ? clientRequest() : serverResponse();
                break;
            case READVAR:
                length = step == 0 ? readVarRequest() : readVarResponse();
                break;
            default:
                length = step == 0 ? monlistProbe() : monlistResponse(step - 1);
                break;
        }
        step++;
        return length;
    }

    /** The array {@link #next()} wrote into; overwritten by the next call. */
    public byte[] frame() {
        return frame;
    }

    /** Capture time of the last frame, nanoseconds since the Unix epoch. */
    public long timestampNanos() {
        return clock;
    }

    private void start() {
        clock += 5_000 + random.nextInt(30_000);
        final int draw = random.nextInt(1000);
        kind = 0;
        while (draw >= CUMULATIVE_WEIGHTS[kind]) {
            kind++;
        }
        step = 0;
        steps = kind == MONLIST ? 1 + random.nextInt(MAX_MONLIST_RESPONSES + 1) : 2;
        vlanId = random.nextInt(1000) < TAGGED_PER_1000 ? 100 + 100 * random.nextInt(2) : NtpFrames.UNTAGGED;
        if (kind == PAIR_V6) {
            client = 0x0001_0000 | 1 + random.nextInt(0xFFF);
            server = 0x0002_0000 | 0x100 + random.nextInt(16);
        } else {
            client = (random.nextBoolean() ? NtpFrames.TEST_NET_1 : NtpFrames.TEST_NET_2) | 1 + random.nextInt(254);
            server = NtpFrames.TEST_NET_3 | 1 + random.nextInt(32);
        }
        clientPort = EPHEMERAL_FIRST + random.nextInt(EPHEMERAL_COUNT);
        upstream = NtpFrames.TEST_NET_3 | 250 + random.nextInt(4);
        sequence = 1 + random.nextInt(0xFFFF);
        reference = NtpFrames.ntpTimestamp(clock - random.nextLong(1_024_000_000_000L));
    }

    private int clientRequest() {
        final boolean ipv6 = kind == PAIR_V6;
        final int at = NtpFrames.payloadOffset(vlanId, ipv6);
        final long transmit = NtpFrames.ntpTimestamp(clock) ^ random.nextInt(1 << 16);
        final int poll = 6 + random.nextInt(5);
        final boolean ntpd = kind == PAIR_V3 || kind == RATE_KISS || random.nextBoolean();
        final int length = ntpd
            ? NtpFrames.ntpdRequest(frame, at, kind == PAIR_V3 ? 3 : 4, poll, upstream, reference, transmit)
            : NtpFrames.clientRequest(frame, at, 4, poll, transmit);
        if (ntpd && kind != PAIR_V6) {
            clientPort = NtpFrames.NTP_PORT;
        }
        System.arraycopy(frame, at, request, 0, NtpFrames.NTP_HEADER_LENGTH);
        return NtpFrames.headers(frame, vlanId, ipv6, client, server, clientPort, NtpFrames.NTP_PORT, length,
            ipId++, 64);
    }

    private int serverResponse() {
        final boolean ipv6 = kind == PAIR_V6;
        final int at = NtpFrames.payloadOffset(vlanId, ipv6);
        clock += 30_000 + random.nextInt(270_000);
        final int length;
        if (kind == RATE_KISS) {
            length = NtpFrames.rateKiss(frame, at, request, 0);
        } else {
            final long receive = NtpFrames.ntpTimestamp(clock - 20_000);
            length = NtpFrames.serverResponse(frame, at, request, 0, upstream, reference, receive,
                receive + (20L << 32) / 1_000_000);
        }
        return NtpFrames.headers(frame, vlanId, ipv6, server, client, NtpFrames.NTP_PORT, clientPort, length,
            ipId++, 56);
    }

    private int readVarRequest() {
        final int at = NtpFrames.payloadOffset(vlanId, false);
        final int length = NtpFrames.readVarRequest(frame, at, sequence);
        return NtpFrames.headers(frame, vlanId, false, client, server, clientPort, NtpFrames.NTP_PORT, length,
            ipId++, 64);
    }

    private int readVarResponse() {
        final int at = NtpFrames.payloadOffset(vlanId, false);
        clock += 30_000 + random.nextInt(270_000);
        final int length = NtpFrames.readVarResponse(frame, at, sequence);
        return NtpFrames.headers(frame, vlanId, false, server, client, NtpFrames.NTP_PORT, clientPort, length,
            ipId++, 56);
    }

    /** {@code client} is the spoofed victim, {@code server} the reflector. */
    private int monlistProbe() {
        final int at = NtpFrames.payloadOffset(vlanId, false);
        final int length = NtpFrames.monlistProbe(frame, at, random.nextBoolean());
        return NtpFrames.headers(frame, vlanId, false, client, server, clientPort, NtpFrames.NTP_PORT, length,
            ipId++, 240);
    }

    private int monlistResponse(final int index) {
        final int at = NtpFrames.payloadOffset(vlanId, false);
        clock += index == 0 ? 50_000 + random.nextInt(200_000) : 20 + random.nextInt(40);
        NtpFrames.monlistResponseHeader(frame, at, index, index < steps - 2);
        for (int entry = 0; entry < NtpFrames.MONLIST_ENTRIES_PER_PACKET; entry++) {
            if (index == 0 && entry == 0) {
                // ntpd lists the most recent sender first: the victim the probe was spoofed from
                NtpFrames.monitorEntry(frame, at, entry, 0, 0, 1, client, server, clientPort,
                    NtpFrames.MODE_PRIVATE, NtpFrames.PRIVATE_VERSION);
            } else {
                NtpFrames.monitorEntry(frame, at, entry, 64 + random.nextInt(960), random.nextInt(86_400),
                    1 + random.nextInt(5000), NtpFrames.TEST_NET_1 | 1 + random.nextInt(254), server,
                    random.nextBoolean() ? NtpFrames.NTP_PORT : EPHEMERAL_FIRST + random.nextInt(EPHEMERAL_COUNT),
                    NtpFrames.MODE_CLIENT, 3 + random.nextInt(2));
            }
        }
        return NtpFrames.headers(frame, vlanId, false, server, client, NtpFrames.NTP_PORT, clientPort,
            NtpFrames.MONLIST_RESPONSE_LENGTH, ipId++, 56);
    }
}
