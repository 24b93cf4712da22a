package org.ntpguard.capture.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several files read as one in capture-time order, as mergecap merges them. */
class MergedCaptureReaderTest {

    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    /** One frame as handed out: where it came from and when. */
    private record Seen(String source, long number, long timestampNanos, byte firstByte) {
    }

    @Test
    void shouldHandOutFramesOfFilesGivenOutOfOrderInCaptureTimeOrderNamingTheirOwnFileAndFrame() throws IOException {
        final Path part1 = capture("part1.pcap", 1, 0, 2, 4);
        final Path part2 = capture("part2.pcap", 2, 1, 3, 5);

        final List<Seen> seen = readMerged(part2, part1);

        assertThat(seen).extracting(Seen::timestampNanos)
                .containsExactly(T0, T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND, T0 + 4 * SECOND, T0 + 5 * SECOND);
        assertThat(seen).extracting(Seen::source).containsExactly(part1.toString(), part2.toString(),
                part1.toString(), part2.toString(), part1.toString(), part2.toString());
        assertThat(seen).extracting(Seen::number).containsExactly(1L, 1L, 2L, 2L, 3L, 3L);
        assertThat(seen).extracting(Seen::firstByte).containsExactly((byte) 1, (byte) 2, (byte) 1, (byte) 2,
                (byte) 1, (byte) 2);
    }

    @Test
    void shouldGiveFramesOfTheSameTimeInTheOrderOfTheInputs() throws IOException {
        final Path a = capture("a.pcap", 1, 0, 1);
        final Path b = capture("b.pcap", 2, 0, 1);

        assertThat(readMerged(b, a)).extracting(Seen::firstByte)
                .containsExactly((byte) 2, (byte) 1, (byte) 2, (byte) 1);
    }

    @Test
    void shouldCountEachInputsFramesTimesAndLinkTypes() throws IOException {
        final Path a = capture("a.pcap", 1, 7, 3);
        final Path empty = capture("empty.pcap", 2);

        try (MergedCaptureReader merged = merge(List.of(a, empty), new ArrayList<>())) {
            final CapturedFrame frame = new CapturedFrame();
            while (merged.next(frame)) {
                assertThat(frame.capturedLength()).isEqualTo(60);
            }
            final MergedCaptureReader.Input first = merged.inputs().get(0);
            assertThat(first.frames()).isEqualTo(2);
            assertThat(first.firstNanos()).isEqualTo(T0 + 3 * SECOND);
            assertThat(first.lastNanos()).isEqualTo(T0 + 7 * SECOND);
            assertThat(first.linkTypes()).containsExactly(1);
            assertThat(merged.inputs().get(1).frames()).isZero();
            assertThat(merged.inputs().get(1).linkTypes()).isEmpty();
        }
    }

    @Test
    void shouldHashAndCountTheBytesOfAFileAsTheyAreRead() throws IOException, NoSuchAlgorithmException {
        final Path plain = capture("a.pcap", 1, 0, 1, 2);
        final Path gzip = Files.write(dir.resolve("a.pcap.gz"), Captures.gzip(Files.readAllBytes(plain)));

        for (final Path file : List.of(plain, gzip)) {
            final FileFingerprint fingerprint = new FileFingerprint(file);
            try (CaptureReader reader = CaptureFiles.open(file, problem -> { }, fingerprint)) {
                final CapturedFrame frame = new CapturedFrame();
                reader.next(frame); // stops early: the rest is read for the hash
            }
            assertThat(fingerprint.bytesRead()).as(file.toString()).isEqualTo(Files.size(file));
            assertThat(fingerprint.sha256()).as(file.toString()).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        }
    }

    @Test
    void shouldNotAllocatePerFrameWhileMerging() throws IOException {
        final long frames = 20_000;
        final Path a = capture("a.pcap", 1, evenSeconds(0, frames));
        final Path b = capture("b.pcap", 2, evenSeconds(1, frames));
        for (int round = 0; round < 3; round++) {
            readMerged(a, b); // warm-up: JIT
        }
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        final long thread = Thread.currentThread().getId();

        try (MergedCaptureReader merged = merge(List.of(b, a), new ArrayList<>())) {
            final CapturedFrame frame = new CapturedFrame();
            merged.next(frame);
            final long before = threads.getThreadAllocatedBytes(thread);
            long count = 1;
            while (merged.next(frame)) {
                count++;
            }
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;

            assertThat(count).isEqualTo(2 * frames);
            assertThat(allocated).as("bytes allocated merging %d frames", count).isLessThan(count / 10);
        }
    }

    private static long[] evenSeconds(final long first, final long count) {
        final long[] seconds = new long[(int) count];
        for (int i = 0; i < count; i++) {
            seconds[i] = first + 2L * i;
        }
        return seconds;
    }

    /** A pcap whose frames (60 bytes, each starting with {@code tag}) are at T0 plus the given seconds. */
    private Path capture(final String name, final int tag, final long... seconds) throws IOException {
        final Path file = dir.resolve(name);
        final byte[] frame = new byte[60];
        frame[0] = (byte) tag;
        try (PcapWriter writer = PcapWriter.create(file, 1, 65535, PcapWriter.Precision.NANOSECONDS)) {
            for (final long second : seconds) {
                writer.write(T0 + second * SECOND, frame, 0, frame.length);
            }
        }
        return file;
    }

    private List<Seen> readMerged(final Path... files) throws IOException {
        final List<Seen> seen = new ArrayList<>();
        try (MergedCaptureReader merged = merge(List.of(files), new ArrayList<>())) {
            final CapturedFrame frame = new CapturedFrame();
            while (merged.next(frame)) {
                seen.add(new Seen(merged.source(), frame.frameNumber(), frame.timestampNanos(),
                        frame.buffer().get(frame.offset())));
            }
        }
        return seen;
    }

    private static MergedCaptureReader merge(final List<Path> files, final List<IOException> failures)
            throws IOException {
        final List<CaptureReader> readers = new ArrayList<>();
        for (final Path file : files) {
            readers.add(CaptureFiles.open(file, problem -> { }));
        }
        return new MergedCaptureReader(readers, (input, e) -> failures.add(e));
    }
}
