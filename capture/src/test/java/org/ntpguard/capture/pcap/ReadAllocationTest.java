package org.ntpguard.capture.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read loop allocates nothing per record (STYLE.md: one allocation-regression test per hot loop). */
class ReadAllocationTest {

    private static final int FRAMES = 50_000;

    @TempDir
    Path dir;

    @Test
    void shouldNotAllocatePerRecordWhenReadingPcap() throws IOException {
        final Path file = dir.resolve("alloc.pcap");
        final byte[] frame = Bytes.pattern(114, 1);
        try (PcapWriter writer = PcapWriter.create(file, 1, 65535, PcapWriter.Precision.MICROSECONDS)) {
            for (int i = 0; i < FRAMES; i++) {
                writer.write(1_700_000_000_000_000_000L + i * 1_000L, frame, 0, frame.length);
            }
        }
        readAll(file);  // warm-up: JIT, temporary direct buffers

        final long allocated = allocatedWhileReading(file);

        assertThat(allocated).as("bytes allocated reading %d frames", FRAMES).isLessThan(FRAMES / 10);
    }

    private static long allocatedWhileReading(final Path file) throws IOException {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        final long thread = Thread.currentThread().getId();
        try (CaptureReader reader = CaptureFiles.open(file, problem -> { })) {
            final CapturedFrame frame = new CapturedFrame();
            reader.next(frame);
            final long before = threads.getThreadAllocatedBytes(thread);
            long sum = 0;
            while (reader.next(frame)) {
                sum += frame.buffer().get(frame.offset()) + frame.capturedLength();
            }
            final long after = threads.getThreadAllocatedBytes(thread);
            assertThat(sum).isNotZero();
            return after - before;
        }
    }

    private static void readAll(final Path file) throws IOException {
        for (int round = 0; round < 3; round++) {
            try (CaptureReader reader = CaptureFiles.open(file, problem -> { })) {
                final CapturedFrame frame = new CapturedFrame();
                while (reader.next(frame)) {
                    assertThat(frame.capturedLength()).isEqualTo(114);
                }
            }
        }
    }
}
