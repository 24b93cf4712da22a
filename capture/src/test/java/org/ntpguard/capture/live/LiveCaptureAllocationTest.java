package org.ntpguard.capture.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.pcap.CapturedFrame;

/**
 * The live read loop allocates nothing per packet once warm: real frames on {@code lo} (root and libpcap, as
 * {@link LiveCaptureReaderTest}), all sent before the reading is measured, since sending allocates.
 */
class LiveCaptureAllocationTest {

    private static final int WARM_UP_FRAMES = 20_000;
    private static final int MEASURED_FRAMES = 20_000;
    /** Under 0.1 B a frame: what a per-packet byte array, Timestamp or JNA Pointer would cost is 16+ B each. */
    private static final long SLACK_BYTES = 2_048;
    private static final int NTP_PORT = 123;

    @Test
    void shouldNotAllocateWhenReadingFramesAfterWarmUp() throws Exception {
        // given: every frame already in libpcap's buffer (64 MiB holds 40k small frames many times over)
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
             LiveCaptureReader reader = LiveCaptureReader.open(LiveCaptureOptions.of("lo")
                     .withBufferSizeBytes(64 * 1024 * 1024)
                     .withFilter("udp dst port 123 and udp src port " + socket.getLocalPort()))) {
            final byte[] payload = new byte[48];
            payload[0] = 0x23;
            final DatagramPacket packet = new DatagramPacket(payload, payload.length, loopback, NTP_PORT);
            for (int i = 0; i < WARM_UP_FRAMES + MEASURED_FRAMES; i++) {
                socket.send(packet);
            }
            final CapturedFrame frame = new CapturedFrame();
            long sink = read(reader, frame, WARM_UP_FRAMES);

            // when
            final long before = threads.getThreadAllocatedBytes(thread);
            sink += read(reader, frame, MEASURED_FRAMES);
            final long after = threads.getThreadAllocatedBytes(thread);

            // then
            assertThat(sink).isEqualTo((WARM_UP_FRAMES + MEASURED_FRAMES) * (14L + 20 + 8 + 48));
            assertThat(after - before).as("bytes allocated reading %d frames", MEASURED_FRAMES)
                    .isLessThan(SLACK_BYTES);
            assertThat(reader.stats().droppedByKernel()).isZero();
        }
    }

    /** Reads {@code count} frames and sums their lengths, touching first and last byte so nothing is dead code. */
    private static long read(final LiveCaptureReader reader, final CapturedFrame frame, final int count)
            throws Exception {
        long sink = 0;
        for (int i = 0; i < count; i++) {
            if (!reader.next(frame)) {
                fail("the reader ended after " + i + " of " + count + " frames");
            }
            sink += frame.capturedLength() + (frame.buffer().get(frame.offset()) & 0)
                    + (frame.buffer().get(frame.offset() + frame.capturedLength() - 1) & 0)
                    + (frame.timestampNanos() > 0 ? 0 : 1);
        }
        return sink;
    }
}
