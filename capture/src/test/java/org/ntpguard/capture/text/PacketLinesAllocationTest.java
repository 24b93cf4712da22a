package org.ntpguard.capture.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;

/** Writing lines allocates nothing per packet (STYLE.md: one allocation-regression test per hot loop). */
class PacketLinesAllocationTest {

    @Test
    void shouldNotAllocatePerPacketWritingJsonOrCsv() throws IOException {
        final Path capture = SharedMaterial.scenarios().resolve("a_normal_polling.pcap");
        for (final PacketLines.Format format : PacketLines.Format.values()) {
            final PacketLines lines = new PacketLines(OutputStream.nullOutputStream(), format,
                    PacketLines.CURRENT_VERSION, "sensor-1");
            final PacketSink write = lines::write;
            final PacketSink nothing = packet -> { };
            for (int round = 0; round < 5; round++) { // warm-up: JIT
                allocated(capture, write);
            }

            final long packets = decode(capture, nothing);
            final long extra = allocated(capture, write) - allocated(capture, nothing);

            assertThat(packets).isGreaterThan(1_000);
            assertThat(extra).as("bytes allocated writing %d packets as %s", packets, format).isLessThan(packets);
        }
    }

    private static long allocated(final Path capture, final PacketSink sink) throws IOException {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        final long thread = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(thread);
        decode(capture, sink);
        return threads.getThreadAllocatedBytes(thread) - before;
    }

    private static long decode(final Path capture, final PacketSink sink) throws IOException {
        try (CaptureReader reader = CaptureFiles.open(capture, problem -> { })) {
            return new CaptureSession(new DecodeStats(), problem -> { }).run(reader, sink, Long.MAX_VALUE);
        }
    }
}
