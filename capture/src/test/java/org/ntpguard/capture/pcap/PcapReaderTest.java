package org.ntpguard.capture.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.pcap.CaptureProblem.Kind;
import org.ntpguard.capture.pcap.Captures.Frame;
import org.ntpguard.capture.pcap.Captures.Result;

class PcapReaderTest {

    private static final long T0 = 1_700_000_000_123_456_789L;
    private static final int ETHERNET = 1;
    private static final int RAW = 101;

    @TempDir
    Path dir;

    @Test
    void shouldReadFramesWhenWrittenByPcapWriterInMicroseconds() throws IOException {
        // given
        final byte[] first = Bytes.pattern(60, 1);
        final byte[] second = Bytes.pattern(114, 2);
        final Path file = Captures.write(dir, "micro.pcap", pcap(PcapWriter.Precision.MICROSECONDS, writer -> {
            writer.write(T0, first, 0, first.length);
            writer.write(T0 + 1_000_000_000L, second, 0, second.length, 1514);
        }));

        // when
        final Result result = Captures.read(file);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).hasSize(2);
        final Frame one = result.frames().get(0);
        assertThat(one.number()).isEqualTo(1);
        assertThat(one.timestampNanos()).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(one.capturedLength()).isEqualTo(60);
        assertThat(one.originalLength()).isEqualTo(60);
        assertThat(one.linkType()).isEqualTo(ETHERNET);
        assertThat(one.fileOffset()).isEqualTo(24);
        assertThat(one.data()).isEqualTo(first);
        final Frame two = result.frames().get(1);
        assertThat(two.number()).isEqualTo(2);
        assertThat(two.timestampNanos()).isEqualTo(1_700_000_001_123_456_000L);
        assertThat(two.capturedLength()).isEqualTo(114);
        assertThat(two.originalLength()).isEqualTo(1514);
        assertThat(two.fileOffset()).isEqualTo(24 + 16 + 60);
        assertThat(two.data()).isEqualTo(second);
    }

    @Test
    void shouldKeepEveryNanosecondWhenMagicIsNanosecond() throws IOException {
        // given
        final byte[] frame = Bytes.pattern(42, 3);
        final Path file = Captures.write(dir, "nano.pcap", pcap(PcapWriter.Precision.NANOSECONDS,
            writer -> writer.write(T0, frame, 0, frame.length)));

        // when
        final Result result = Captures.read(file);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).singleElement().satisfies(f -> {
            assertThat(f.timestampNanos()).isEqualTo(T0);
            assertThat(f.data()).isEqualTo(frame);
        });
    }

    @Test
    void shouldReadBigEndianFileWhenMagicIsInNetworkOrder() throws IOException {
        // given
        final byte[] file = Bytes.bigEndian()
            .u32(0xA1B23C4D)          // magic: nanoseconds, big-endian
            .u16(2)                   // major version
            .u16(4)                   // minor version
            .u32(0)                   // thiszone
            .u32(0)                   // sigfigs
            .u32(65535)               // snaplen
            .u32(0x1000_0000L | RAW)  // FCS length 1 (ignored), LinkType raw IP
            .u32(1_700_000_000L)      // record 1: ts seconds
            .u32(999_999_999L)        // record 1: ts nanoseconds
            .u32(4)                   // record 1: captured length
            .u32(1500)                // record 1: original length
            .u32(0x45000020L)         // record 1: data
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "big.pcap", file));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).singleElement().satisfies(f -> {
            assertThat(f.timestampNanos()).isEqualTo(1_700_000_000_999_999_999L);
            assertThat(f.linkType()).isEqualTo(RAW);
            assertThat(f.capturedLength()).isEqualTo(4);
            assertThat(f.originalLength()).isEqualTo(1500);
            assertThat(f.data()).containsExactly(0x45, 0x00, 0x00, 0x20);
        });
    }

    @Test
    void shouldPassBothLengthsWhenCapturedExceedsOriginal() throws IOException {
        // given
        final byte[] file = header(0).u32(1).u32(0).u32(4).u32(2).u32(0xDDCCBBAAL).toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "odd.pcap", file));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).singleElement().satisfies(f -> {
            assertThat(f.capturedLength()).isEqualTo(4);
            assertThat(f.originalLength()).isEqualTo(2);
        });
    }

    @Test
    void shouldDecompressWhenFileIsGzipped() throws IOException {
        // given
        final byte[] frame = Bytes.pattern(90, 4);
        final byte[] plain = pcap(PcapWriter.Precision.MICROSECONDS, writer -> {
            for (int i = 0; i < 1000; i++) {
                writer.write(T0 + i * 1_000L, frame, 0, frame.length);
            }
        });
        final Path file = Captures.write(dir, "ntp.pcap.gz", Captures.gzip(plain));

        // when
        final Result result = Captures.read(file);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).hasSize(1000);
        assertThat(result.frames().get(999).number()).isEqualTo(1000);
        assertThat(result.frames().get(999).fileOffset()).isEqualTo(24 + 999 * (16 + 90));
        assertThat(result.frames().get(999).timestampNanos()).isEqualTo(1_700_000_000_124_455_000L);
        assertThat(result.frames().get(999).data()).isEqualTo(frame);
    }

    @Test
    void shouldReadEveryFrameWhenRecordsCrossTheBufferEnd() throws IOException {
        // given: 3 MiB of frames of varying lengths, so records straddle the 1 MiB buffer's end
        final int count = 20_000;
        final byte[] plain = pcap(PcapWriter.Precision.NANOSECONDS, writer -> {
            for (int i = 0; i < count; i++) {
                final byte[] frame = Bytes.pattern(1 + i % 300, i);
                writer.write(T0 + i, frame, 0, frame.length);
            }
        });
        final Path file = Captures.write(dir, "long.pcap", plain);

        // when
        final Result result = Captures.read(file);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).hasSize(count);
        long offset = 24;
        for (int i = 0; i < count; i++) {
            final Frame frame = result.frames().get(i);
            assertThat(frame.fileOffset()).isEqualTo(offset);
            assertThat(frame.timestampNanos()).isEqualTo(T0 + i);
            assertThat(frame.data()).isEqualTo(Bytes.pattern(1 + i % 300, i));
            offset += 16 + frame.capturedLength();
        }
    }

    @Test
    void shouldReportBadMagicWhenFileIsNotACapture() throws IOException {
        // given
        final Path file = Captures.write(dir, "notes.txt", "hello, world\n".getBytes());

        // when
        final Result result = Captures.read(file);

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_MAGIC);
            assertThat(p.frame()).isZero();
            assertThat(p.offset()).isZero();
            assertThat(p.detail()).startsWith("magic: 0x68656c6c (expected: ");
            assertThat(p.describe()).startsWith(file + ": offset 0: magic: 0x68656c6c");
        });
    }

    @Test
    void shouldReportTruncatedFileHeaderWhenFileEndsInsideIt() throws IOException {
        // given
        final byte[] cut = Arrays.copyOf(header(65535).toArray(), 20);

        // when
        final Result result = Captures.read(Captures.write(dir, "cut-header.pcap", cut));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TRUNCATED_FILE_HEADER);
            assertThat(p.offset()).isZero();
            assertThat(p.detail()).isEqualTo("truncated pcap file header: 20 bytes (expected: 24)");
        });
    }

    @Test
    void shouldReportTruncatedFileHeaderWhenFileIsEmpty() throws IOException {
        // when
        final Result result = Captures.read(Captures.write(dir, "empty.pcap", new byte[0]));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement()
            .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.TRUNCATED_FILE_HEADER));
    }

    @Test
    void shouldReportNothingWhenFileHasOnlyItsHeader() throws IOException {
        // when
        final Result result = Captures.read(Captures.write(dir, "header-only.pcap", header(65535).toArray()));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void shouldReportTruncatedRecordWhenLastRecordHeaderIsCut() throws IOException {
        // given
        final byte[] file = header(65535)
            .u32(1).u32(0).u32(2).u32(2).u16(0xAAAA)  // frame 1 at offset 24: complete
            .u32(2).u32(0).u32(2)                     // frame 2 at offset 42: header cut after 12 bytes
            .toArray();

        // when
        final Path path = Captures.write(dir, "cut-record-header.pcap", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TRUNCATED_RECORD);
            assertThat(p.frame()).isEqualTo(2);
            assertThat(p.offset()).isEqualTo(42);
            assertThat(p.detail()).isEqualTo("truncated record header: 12 bytes (expected: 16)");
            assertThat(p.describe()).isEqualTo(
                path + ": frame 2, offset 42: truncated record header: 12 bytes (expected: 16)");
        });
    }

    @Test
    void shouldReportTruncatedRecordWhenLastRecordDataIsCut() throws IOException {
        // given
        final byte[] file = header(65535)
            .u32(1).u32(0).u32(2).u32(2).u16(0xAAAA)  // frame 1 at offset 24: complete
            .u32(2).u32(0).u32(60).u32(60)            // frame 2 at offset 42: 60 bytes announced
            .zeros(10)                                //   ... 10 present
            .toArray();

        // when
        final Path path = Captures.write(dir, "cut-record-data.pcap", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TRUNCATED_RECORD);
            assertThat(p.frame()).isEqualTo(2);
            assertThat(p.offset()).isEqualTo(42);
            assertThat(p.describe()).isEqualTo(
                path + ": frame 2, offset 42: truncated record: 26 bytes (expected: 76)");
        });
    }

    @Test
    void shouldStopWithOversizedRecordWhenCapturedLengthExceedsSnapLength() throws IOException {
        // given
        final byte[] file = header(64)
            .u32(1).u32(0).u32(2).u32(2).u16(0xAAAA)  // frame 1 at offset 24
            .u32(2).u32(0).u32(65).u32(65)            // frame 2 at offset 42: 65 > snaplen 64
            .zeros(65)
            .u32(3).u32(0).u32(2).u32(2).u16(0xBBBB)  // frame 3: never reached
            .toArray();

        // when
        final Path path = Captures.write(dir, "over-snaplen.pcap", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.OVERSIZED_RECORD);
            assertThat(p.frame()).isEqualTo(2);
            assertThat(p.offset()).isEqualTo(42);
            assertThat(p.describe()).isEqualTo(path + ": frame 2, offset 42: captured length: 65 (expected: <= 64)");
        });
    }

    @Test
    void shouldStopWithOversizedRecordWhenCapturedLengthExceedsMaximum() throws IOException {
        // given: snaplen 0 (unset) leaves only the 256 KiB limit
        final byte[] file = header(0)
            .u32(1).u32(0).u32(2).u32(2).u16(0xAAAA)  // frame 1 at offset 24
            .u32(2).u32(0).u32(262_145).u32(262_145)  // frame 2 at offset 42: one byte over 256 KiB
            .zeros(100)
            .toArray();

        // when
        final Path path = Captures.write(dir, "over-max.pcap", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.OVERSIZED_RECORD);
            assertThat(p.frame()).isEqualTo(2);
            assertThat(p.offset()).isEqualTo(42);
            assertThat(p.detail()).isEqualTo("captured length: 262145 (expected: <= 262144)");
        });
    }

    @Test
    void shouldSkipZeroLengthFrameAndGoOnWhenItIsInTheMiddle() throws IOException {
        // given
        final byte[] file = header(65535)
            .u32(1).u32(0).u32(2).u32(2).u16(0xAAAA)  // frame 1 at offset 24
            .u32(2).u32(0).u32(0).u32(60)             // frame 2 at offset 42: nothing captured
            .u32(3).u32(0).u32(2).u32(2).u16(0xBBBB)  // frame 3 at offset 58
            .toArray();

        // when
        final Path path = Captures.write(dir, "zero.pcap", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L, 3L);
        assertThat(result.frames().get(1).fileOffset()).isEqualTo(58);
        assertThat(result.frames().get(1).data()).containsExactly(0xBB, 0xBB);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.ZERO_LENGTH_FRAME);
            assertThat(p.kind().fatal()).isFalse();
            assertThat(p.describe()).isEqualTo(path + ": frame 2, offset 42: captured length: 0 (expected: 1+)");
        });
    }

    @Test
    void shouldReportCorruptCompressionAfterLastFrameWhenGzipTrailerIsDamaged() throws IOException {
        // given
        final byte[] frame = Bytes.pattern(100, 5);
        final byte[] plain = pcap(PcapWriter.Precision.MICROSECONDS, writer -> {
            for (int i = 0; i < 10; i++) {
                writer.write(T0, frame, 0, frame.length);
            }
        });
        final byte[] gzip = Captures.gzip(plain);
        gzip[gzip.length - 8] ^= 0x55;  // CRC-32 of the uncompressed data

        // when
        final Path path = Captures.write(dir, "bad-crc.pcap.gz", gzip);
        final Result result = Captures.read(path);

        // then
        assertThat(result.frames()).hasSize(10);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_COMPRESSION);
            assertThat(p.frame()).isEqualTo(11);
            assertThat(p.offset()).isEqualTo(plain.length);
            assertThat(p.describe()).startsWith(path + ": frame 11, offset " + plain.length + ": gzip stream: ");
        });
    }

    @Test
    void shouldReportCorruptCompressionWhenGzipStreamIsCut() throws IOException {
        // given
        final byte[] frame = Bytes.pattern(100, 6);
        final byte[] plain = pcap(PcapWriter.Precision.MICROSECONDS, writer -> {
            for (int i = 0; i < 5000; i++) {
                writer.write(T0 + i, frame, 0, frame.length);
            }
        });
        final byte[] gzip = Captures.gzip(plain);
        final byte[] cut = Arrays.copyOf(gzip, gzip.length / 2);
        final long inflatable = inflatableBytes(cut);

        // when
        final Path path = Captures.write(dir, "cut.pcap.gz", cut);
        final Result result = Captures.read(path);

        // then
        final long complete = (inflatable - 24) / (16 + 100);
        assertThat(result.frames()).hasSize((int) complete);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_COMPRESSION);
            assertThat(p.frame()).isEqualTo(complete + 1);
            assertThat(p.offset()).isEqualTo(inflatable);
            assertThat(p.detail()).isEqualTo(
                "gzip stream: Unexpected end of ZLIB input stream (expected: a complete gzip stream)");
        });
    }

    @Test
    void shouldReportCorruptCompressionWhenGzipHeaderIsDamaged() throws IOException {
        // given
        final byte[] gzip = Captures.gzip(header(65535).toArray());
        gzip[2] = 7;  // compression method: not deflate

        // when
        final Result result = Captures.read(Captures.write(dir, "bad-header.pcap.gz", gzip));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_COMPRESSION);
            assertThat(p.offset()).isZero();
        });
    }

    @Test
    void shouldThrowNoSuchFileWhenFileIsMissing() {
        final Path missing = dir.resolve("missing.pcap");

        assertThatThrownBy(() -> CaptureFiles.open(missing, problem -> { }))
            .isInstanceOf(NoSuchFileException.class)
            .hasMessageContaining("missing.pcap");
    }

    @Test
    void shouldCutFramesToSnapLengthWhenWriting() throws IOException {
        // given
        final byte[] frame = Bytes.pattern(100, 7);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(Channels.newChannel(bytes), ETHERNET, 64,
            PcapWriter.Precision.MICROSECONDS)) {
            writer.writeHeader().write(T0, java.nio.ByteBuffer.wrap(frame), 0, frame.length);
        }

        // when
        final Result result = Captures.read(Captures.write(dir, "snapped.pcap", bytes.toByteArray()));

        // then
        assertThat(result.frames()).singleElement().satisfies(f -> {
            assertThat(f.capturedLength()).isEqualTo(64);
            assertThat(f.originalLength()).isEqualTo(100);
            assertThat(f.data()).isEqualTo(Arrays.copyOf(frame, 64));
        });
    }

    /** A little-endian microsecond Ethernet file header with the given snaplen. */
    private static Bytes header(final int snapLength) {
        return Bytes.littleEndian()
            .u32(0xA1B2C3D4)  // magic: microseconds
            .u16(2)           // major version
            .u16(4)           // minor version
            .u32(0)           // thiszone
            .u32(0)           // sigfigs
            .u32(snapLength)  // snaplen
            .u32(ETHERNET);   // LinkType
    }

    /** What PcapWriter writes, in memory. */
    static byte[] pcap(final PcapWriter.Precision precision, final Frames frames) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(Channels.newChannel(bytes), ETHERNET, 65535, precision)) {
            writer.writeHeader();
            frames.writeTo(writer);
        }
        return bytes.toByteArray();
    }

    /** How many uncompressed bytes a cut gzip stream yields before it fails. */
    private static long inflatableBytes(final byte[] gzip) throws IOException {
        long total = 0;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            final byte[] chunk = new byte[8192];
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                total += read;
            }
        } catch (final EOFException expected) {
            return total;
        }
        throw new AssertionError("gzip stream was not cut");
    }

    /** Writes a test's frames. */
    @FunctionalInterface
    interface Frames {
        void writeTo(PcapWriter writer) throws IOException;
    }
}
