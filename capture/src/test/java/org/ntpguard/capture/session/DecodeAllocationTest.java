package org.ntpguard.capture.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;

/** The per-packet path (read a record, decode it to the NTP layer) allocates nothing once warm. */
class DecodeAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final CapturedFrame frame = new CapturedFrame();

    private long decodeAll(final Path file, final boolean measure) throws Exception {
        long checksum = 0;
        try (CaptureReader reader = CaptureFiles.open(file, problem -> { })) {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            while (reader.next(frame)) {
                if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                    checksum += packet.ntp().mode() + packet.ntpLength() + packet.sourcePort();
                }
            }
            final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (measure) {
                return allocated;
            }
        }
        return checksum;
    }

    @Test
    void shouldNotAllocatePerPacketOnceWarm() throws Exception {
        // Scenario b: 6,974 frames of mode 7 probes and monlist replies, mode 3/4 polling.
        final Path file = SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap");
        for (int round = 0; round < 20; round++) {
            decodeAll(file, false);
        }

        final long allocated = decodeAll(file, true);

        // A few hundred bytes of slack for the JIT's own bookkeeping; one object per packet would be > 100 KiB.
        assertThat(allocated).as("bytes allocated decoding 6,974 frames").isLessThan(4096);
    }
}
