package org.ntpguard.capture.live;

import org.ntpguard.capture.pcap.CapturedFrame;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throwaway measurement, not a test: how many packets per second {@link LiveCaptureReader} takes on {@code lo}.
 *
 * <p>One thread sends {@code count} 48-byte datagrams to 127.0.0.1:123 as fast as it can (nothing listens; the ICMP
 * port-unreachable replies are dropped by the filter), another reads with the default filter. Prints what was sent,
 * captured, and libpcap's drop counters. Run as root:
 * {@code java -cp <capture classes, test classes, pcap4j, jna, slf4j> org.ntpguard.capture.live.LiveThroughput
 * [count] [immediate]}.
 */
final class LiveThroughput {

    private LiveThroughput() {
    }

    public static void main(final String[] args) throws Exception {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        final boolean immediate = args.length > 1 && Boolean.parseBoolean(args[1]);
        final boolean drain = args.length > 2 && Boolean.parseBoolean(args[2]);
        final Result result = measure(count, immediate, drain);
        System.out.println(result);
    }

    /** What one run saw. */
    record Result(int sent, long captured, double sendSeconds, double captureSeconds, CaptureStats stats,
                  boolean immediate, boolean drain) {

        @Override
        public String toString() {
            return String.format("immediate=%s drain=%s sent=%d in %.2fs (%.0f/s) captured=%d in %.2fs (%.0f/s) %s",
                    immediate, drain, sent, sendSeconds, sent / sendSeconds, captured, captureSeconds,
                    captured / captureSeconds, stats);
        }
    }

    /**
     * @param drain false: read while sending (the sender, not the reader, is usually the limit); true: send
     *              everything into a 1 GiB kernel buffer first, then time the reader alone draining it
     */
    @SuppressWarnings("try")
    static Result measure(final int count, final boolean immediate, final boolean drain) throws Exception {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final byte[] payload = new byte[48];
        payload[0] = 0x23;
        final AtomicLong captured = new AtomicLong();
        final AtomicLong lastNanos = new AtomicLong();
        try (LiveCaptureReader reader = LiveCaptureReader.open(LiveCaptureOptions.of("lo")
                .withImmediateMode(immediate)
                .withBufferSizeBytes(drain ? 1 << 30 : LiveCaptureOptions.DEFAULT_BUFFER_SIZE_BYTES));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            final Thread readerThread = new Thread(() -> {
                final CapturedFrame frame = new CapturedFrame();
                try {
                    while (reader.next(frame)) {
                        captured.incrementAndGet();
                        lastNanos.set(System.nanoTime());
                    }
                } catch (final IOException e) {
                    System.err.println(e.getMessage());
                }
            }, "live-reader");
            final DatagramPacket packet = new DatagramPacket(payload, payload.length, loopback, 123);
            final long sendStart = System.nanoTime();
            if (!drain) {
                readerThread.start();
            }
            for (int i = 0; i < count; i++) {
                socket.send(packet);
            }
            final long sent = System.nanoTime();
            final long start = drain ? sent : sendStart;
            if (drain) {
                readerThread.start();
            }
            long seen = -1;
            while (seen != captured.get()) {
                seen = captured.get();
                Thread.sleep(500);
            }
            final CaptureStats stats = reader.stats();
            // closing inside the block wakes the reader thread, which must end before the result is read
            reader.close();
            readerThread.join();
            return new Result(count, captured.get(), (sent - sendStart) / 1e9,
                    Math.max(1L, lastNanos.get() - start) / 1e9, stats, immediate, drain);
        }
    }
}
