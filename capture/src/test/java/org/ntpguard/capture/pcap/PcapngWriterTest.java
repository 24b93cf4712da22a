package org.ntpguard.capture.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.proto.LinkType;

/** The capture writers, read back by the project's readers: pcapng with several link types, and small buffers. */
class PcapngWriterTest {

    @TempDir
    Path dir;

    private static byte[] frame(final int length, final int seed) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    @Test
    void shouldWriteFramesOfSeveralLinkTypesThatReadBackWithTheirTypesTimesAndBytes() throws IOException {
        final Path file = dir.resolve("mixed.pcapng");
        final byte[] ethernet = frame(482, 1);
        final byte[] raw = frame(61, 2); // not a multiple of 4: the block is padded
        final byte[] cut = frame(300, 3);

        try (PcapngWriter writer = PcapngWriter.create(file, 200, 64)) {
            writer.write(LinkType.ETHERNET, 1_740_834_000_123_456_789L, ByteBuffer.wrap(ethernet), 0, 482, 482);
            writer.write(LinkType.RAW, 1_740_834_001_000_000_001L, ByteBuffer.wrap(raw), 0, 61, 61);
            writer.write(LinkType.ETHERNET, 1_740_834_002_000_000_000L, ByteBuffer.wrap(cut), 0, 300, 1_000);
        }

        final Captures.Result read = Captures.read(file);
        assertThat(read.problems()).isEmpty();
        assertThat(read.frames()).extracting(Captures.Frame::linkType)
                .containsExactly(LinkType.ETHERNET, LinkType.RAW, LinkType.ETHERNET);
        assertThat(read.frames()).extracting(Captures.Frame::timestampNanos)
                .containsExactly(1_740_834_000_123_456_789L, 1_740_834_001_000_000_001L, 1_740_834_002_000_000_000L);
        assertThat(read.numbers()).containsExactly(1L, 2L, 3L);
        assertThat(read.frames().get(0).data()).isEqualTo(Arrays.copyOf(ethernet, 200)); // cut to the snap length
        assertThat(read.frames().get(1).data()).isEqualTo(raw);
        assertThat(read.frames().get(2).originalLength()).isEqualTo(1_000);
    }

    @Test
    void shouldPassFramesLongerThanItsBufferThroughInPieces() throws IOException {
        final Path file = dir.resolve("small-buffer.pcap");
        final byte[] big = frame(10_000, 4);
        final byte[] small = frame(90, 5);

        try (PcapWriter writer = PcapWriter.create(file, LinkType.ETHERNET, PcapReader.MAX_CAPTURED_LENGTH,
                PcapWriter.Precision.NANOSECONDS, 64)) {
            writer.write(5L, small, 0, small.length);
            writer.write(6L, ByteBuffer.wrap(big), 0, big.length);
            writer.write(7L, big, 0, big.length);
        }

        final Captures.Result read = Captures.read(file);
        assertThat(read.problems()).isEmpty();
        assertThat(read.frames()).extracting(Captures.Frame::data).containsExactly(small, big, big);
        assertThat(read.frames()).extracting(Captures.Frame::timestampNanos).containsExactly(5L, 6L, 7L);
    }
}
