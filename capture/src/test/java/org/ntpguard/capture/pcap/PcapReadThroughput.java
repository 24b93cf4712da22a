package org.ntpguard.capture.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Throwaway measurement, not a test: writes a synthetic pcap of 114-byte frames (and a gzip copy) and reports how many
 * frames per second {@link CaptureFiles} reads from each. Run with the test classpath:
 * {@code java -cp capture/target/classes:capture/target/test-classes org.ntpguard.capture.pcap.PcapReadThroughput
 * [frames] [dir]}. Deletes its files afterwards.
 */
final class PcapReadThroughput {

    private PcapReadThroughput() {
    }

    public static void main(final String[] args) throws IOException {
        final int frames = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        final Path dir = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        final Path plain = dir.resolve("ntpguard-throughput.pcap");
        final Path gzip = dir.resolve("ntpguard-throughput.pcap.gz");
        try {
            final byte[] frame = Bytes.pattern(114, 1);
            try (PcapWriter writer = PcapWriter.create(plain, 1, 65535, PcapWriter.Precision.MICROSECONDS)) {
                long random = 0x9E3779B97F4A7C15L;
                for (int i = 0; i < frames; i++) {
                    // the last 48 bytes (the NTP payload) vary, so gzip compresses like real traffic, not 50:1
                    for (int b = frame.length - 48; b < frame.length; b += 8) {
                        random ^= random << 13;
                        random ^= random >>> 7;
                        random ^= random << 17;
                        for (int k = 0; k < 8; k++) {
                            frame[b + k] = (byte) (random >>> (k * 8));
                        }
                    }
                    writer.write(1_700_000_000_000_000_000L + i * 10_000L, frame, 0, frame.length);
                }
            }
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip), 1 << 16)) {
                Files.copy(plain, out);
            }
            System.out.printf("%d frames of 114 bytes: pcap %d bytes, gzip %d bytes%n", frames, Files.size(plain),
                Files.size(gzip));
            measure("plain", plain, frames, 5);
            measure("gzip", gzip, frames, 3);
        } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(gzip);
        }
    }

    private static void measure(final String label, final Path file, final int frames, final int rounds)
        throws IOException {
        double best = 0;
        for (int round = 0; round < rounds; round++) {
            final long start = System.nanoTime();
            long count = 0;
            long checksum = 0;
            try (CaptureReader reader = CaptureFiles.open(file, problem -> {
                throw new IllegalStateException(problem.describe());
            })) {
                final CapturedFrame frame = new CapturedFrame();
                while (reader.next(frame)) {
                    count++;
                    checksum += frame.buffer().get(frame.offset() + 20) + frame.timestampNanos();
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (count != frames) {
                throw new IllegalStateException("read " + count + " frames (expected: " + frames + ")");
            }
            final double rate = count / seconds;
            best = Math.max(best, rate);
            System.out.printf("%s round %d: %.3f s, %.2f M frames/s, %.0f MB/s (checksum %d)%n", label, round,
                seconds, rate / 1e6, Files.size(file) / seconds / 1e6, checksum);
        }
        System.out.printf("%s best: %.2f M frames/s%n", label, best / 1e6);
    }
}
