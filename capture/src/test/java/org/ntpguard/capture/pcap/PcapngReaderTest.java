package org.ntpguard.capture.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.pcap.CaptureProblem.Kind;
import org.ntpguard.capture.pcap.Captures.Frame;
import org.ntpguard.capture.pcap.Captures.Result;

class PcapngReaderTest {

    private static final int ETHERNET = 1;
    private static final int RAW = 101;
    private static final int LINUX_SLL = 113;
    private static final long NANOS = 1_700_000_000_123_456_789L;
    private static final long BINARY_UNITS = 1_700_000_000L << 10 | 513;
    private static final long MICROS_BEFORE_OFFSET = 1_699_999_900_000_001L;

    @TempDir
    Path dir;

    @Test
    void shouldGiveEachFrameItsInterfaceWhenTwoSectionsHaveDifferentInterfaces() throws IOException {
        // given
        final byte[] file = Bytes.littleEndian()
            // section 1, little-endian, offset 0
            .u32(0x0A0D0D0A)                     // SHB type
            .u32(28)                             // block total length
            .u32(0x1A2B3C4D)                     // byte-order magic
            .u16(1)                              // major version
            .u16(0)                              // minor version
            .u64(-1)                             // section length: unknown
            .u32(28)                             // block total length
            // interface 0 at 28: Ethernet, nanoseconds
            .u32(1)                              // IDB type
            .u32(32)                             // block total length
            .u16(ETHERNET)                       // LinkType
            .u16(0)                              // reserved
            .u32(65535)                          // SnapLen
            .u16(9).u16(1)                       // if_tsresol, length 1
            .u8(9).zeros(3)                      // 10^-9, padding
            .u16(0).u16(0)                       // opt_endofopt
            .u32(32)                             // block total length
            // interface 1 at 60: raw IP, 2^-10 s
            .u32(1)                              // IDB type
            .u32(32)                             // block total length
            .u16(RAW)                            // LinkType
            .u16(0)                              // reserved
            .u32(0)                              // SnapLen: none
            .u16(9).u16(1)                       // if_tsresol, length 1
            .u8(0x8A).zeros(3)                   // 2^-10, padding
            .u16(0).u16(0)                       // opt_endofopt
            .u32(32)                             // block total length
            // frame 1 at 92: EPB on interface 0
            .u32(6)                              // EPB type
            .u32(40)                             // block total length
            .u32(0)                              // interface id
            .u32(NANOS >>> 32)                   // timestamp high
            .u32(NANOS)                          // timestamp low
            .u32(5)                              // captured length
            .u32(60)                             // original length
            .u8(0x11).u8(0x12).u8(0x13).u8(0x14).u8(0x15).zeros(3)  // data, padding
            .u32(40)                             // block total length
            // frame 2 at 132: EPB on interface 1
            .u32(6)                              // EPB type
            .u32(36)                             // block total length
            .u32(1)                              // interface id
            .u32(BINARY_UNITS >>> 32)            // timestamp high
            .u32(BINARY_UNITS)                   // timestamp low
            .u32(4)                              // captured length
            .u32(4)                              // original length
            .u8(0x45).u8(0).u8(0).u8(4)          // data
            .u32(36)                             // block total length
            // unknown block at 168: skipped
            .u32(0x00000BAD)                     // block type
            .u32(16)                             // block total length
            .u32(0xFFFFFFFFL)                    // body
            .u32(16)                             // block total length
            // frame 3 at 184: SPB, interface 0
            .u32(3)                              // SPB type
            .u32(24)                             // block total length
            .u32(6)                              // original length
            .u8(0x21).u8(0x22).u8(0x23).u8(0x24).u8(0x25).u8(0x26).zeros(2)  // data, padding
            .u32(24)                             // block total length
            // section 2, big-endian, offset 208
            .order(ByteOrder.BIG_ENDIAN)
            .u32(0x0A0D0D0A)                     // SHB type
            .u32(28)                             // block total length
            .u32(0x1A2B3C4D)                     // byte-order magic
            .u16(1)                              // major version
            .u16(0)                              // minor version
            .u64(-1)                             // section length: unknown
            .u32(28)                             // block total length
            // interface 0 of section 2 at 236: Linux SLL, microseconds, 100 s offset
            .u32(1)                              // IDB type
            .u32(36)                             // block total length
            .u16(LINUX_SLL)                      // LinkType
            .u16(0)                              // reserved
            .u32(0)                              // SnapLen
            .u16(14).u16(8)                      // if_tsoffset, length 8
            .u64(100)                            // 100 s
            .u16(0).u16(0)                       // opt_endofopt
            .u32(36)                             // block total length
            // frame 4 at 272: EPB
            .u32(6)                              // EPB type
            .u32(36)                             // block total length
            .u32(0)                              // interface id
            .u32(MICROS_BEFORE_OFFSET >>> 32)    // timestamp high
            .u32(MICROS_BEFORE_OFFSET)           // timestamp low
            .u32(3)                              // captured length
            .u32(3)                              // original length
            .u8(0x31).u8(0x32).u8(0x33).zeros(1) // data, padding
            .u32(36)                             // block total length
            // frame 5 at 308: obsolete Packet Block
            .u32(2)                              // PB type
            .u32(36)                             // block total length
            .u16(0)                              // interface id
            .u16(0)                              // drops count
            .u32((MICROS_BEFORE_OFFSET + 1) >>> 32)  // timestamp high
            .u32(MICROS_BEFORE_OFFSET + 1)       // timestamp low
            .u32(2)                              // captured length
            .u32(2)                              // original length
            .u8(0x41).u8(0x42).zeros(2)          // data, padding
            .u32(36)                             // block total length
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "two-sections.pcapng", file));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).extracting(Frame::number).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(result.frames()).extracting(Frame::linkType)
            .containsExactly(ETHERNET, RAW, ETHERNET, LINUX_SLL, LINUX_SLL);
        assertThat(result.frames()).extracting(Frame::fileOffset).containsExactly(92L, 132L, 184L, 272L, 308L);
        assertThat(result.frames()).extracting(Frame::timestampNanos).containsExactly(
            NANOS,
            1_700_000_000_500_976_562L,  // 513/1024 s = 500976562.5 ns, truncated
            1_700_000_000_500_976_562L,  // an SPB has no timestamp: the previous packet's
            1_700_000_000_000_001_000L,
            1_700_000_000_000_002_000L);
        final Frame first = result.frames().get(0);
        assertThat(first.capturedLength()).isEqualTo(5);
        assertThat(first.originalLength()).isEqualTo(60);
        assertThat(first.data()).containsExactly(0x11, 0x12, 0x13, 0x14, 0x15);
        assertThat(result.frames().get(2).data()).containsExactly(0x21, 0x22, 0x23, 0x24, 0x25, 0x26);
        assertThat(result.frames().get(3).data()).containsExactly(0x31, 0x32, 0x33);
        assertThat(result.frames().get(4).data()).containsExactly(0x41, 0x42);
    }

    @Test
    void shouldCutSimplePacketToSnapLengthWhenOriginalIsLonger() throws IOException {
        // given
        final byte[] file = section(4)
            // frame 1 at 48
            .u32(3)                              // SPB type
            .u32(24)                             // block total length
            .u32(1500)                           // original length
            .u8(1).u8(2).u8(3).u8(4).u8(5).u8(6).u8(7).u8(8)  // data
            .u32(24)                             // block total length
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "spb.pcapng", file));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).singleElement().satisfies(f -> {
            assertThat(f.capturedLength()).isEqualTo(4);
            assertThat(f.originalLength()).isEqualTo(1500);
            assertThat(f.data()).containsExactly(1, 2, 3, 4);
        });
    }

    @Test
    void shouldConvertMillisecondTimestampsWhenTsresolIsThree() throws IOException {
        // given
        final byte[] file = Bytes.littleEndian()
            .u32(0x0A0D0D0A).u32(28).u32(0x1A2B3C4D).u16(1).u16(0).u64(-1).u32(28)  // SHB
            .u32(1)                              // IDB type
            .u32(32)                             // block total length
            .u16(ETHERNET)                       // LinkType
            .u16(0)                              // reserved
            .u32(0)                              // SnapLen
            .u16(9).u16(1).u8(3).zeros(3)        // if_tsresol 10^-3
            .u16(0).u16(0)                       // opt_endofopt
            .u32(32)                             // block total length
            .bytes(epb(0, 1_700_000_000_123L))   // frame 1
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "millis.pcapng", file));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).extracting(Frame::timestampNanos).containsExactly(1_700_000_000_123_000_000L);
    }

    @Test
    void shouldConvertBinaryFractionsExactlyWhenResolutionIsFine() {
        for (final int shift : new int[] {1, 10, 20, 33, 34, 40, 63}) {
            final long fraction = shift == 63 ? Long.MAX_VALUE : (1L << shift) - 1;
            final long expected = BigInteger.valueOf(fraction).multiply(BigInteger.valueOf(1_000_000_000L))
                .shiftRight(shift).longValueExact();
            assertThat(PcapngReader.binaryFractionNanos(fraction, shift)).as("2^-%d", shift).isEqualTo(expected);
        }
    }

    @Test
    void shouldSkipUnknownBlockWhenLongerThanTheBuffer() throws IOException {
        // given
        final int length = 2 * 1024 * 1024 + 12;
        final byte[] file = section(65535)
            .u32(0x00000BAD)                     // unknown block type, at 48
            .u32(length)                         // block total length
            .zeros(length - 12)                  // body
            .u32(length)                         // block total length
            .bytes(epb(0, 7))                    // frame 1
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "big-block.pcapng", file));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).singleElement().satisfies(f -> {
            assertThat(f.number()).isEqualTo(1);
            assertThat(f.fileOffset()).isEqualTo(48 + length);
            assertThat(f.timestampNanos()).isEqualTo(7_000);
        });
    }

    @Test
    void shouldDecompressWhenPcapngIsGzipped() throws IOException {
        // given
        final byte[] file = section(65535).bytes(epb(0, 1)).bytes(epb(0, 2)).toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "ng.pcapng.gz", Captures.gzip(file)));

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.frames()).extracting(Frame::fileOffset).containsExactly(48L, 84L);
    }

    @Test
    void shouldStopWithBadBlockWhenTotalLengthIsNotAMultipleOfFour() throws IOException {
        // given
        final byte[] file = section(65535)
            .bytes(epb(0, 1))                    // frame 1 at 48
            .u32(6)                              // EPB type, at 84
            .u32(30)                             // block total length: not a multiple of 4
            .zeros(22)
            .bytes(epb(0, 3))                    // never reached
            .toArray();

        // when
        final Path path = Captures.write(dir, "bad-length.pcapng", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_BLOCK);
            assertThat(p.frame()).isEqualTo(2);
            assertThat(p.offset()).isEqualTo(84);
            assertThat(p.describe()).isEqualTo(
                path + ": frame 2, offset 84: block total length: 30 (expected: a multiple of 4, 12 or more)");
        });
    }

    @Test
    void shouldStopWithBadBlockWhenTotalLengthIsBelowTwelve() throws IOException {
        // given
        final byte[] file = section(65535)
            .u32(6)                              // EPB type, at 48
            .u32(8)                              // block total length: shorter than a block can be
            .zeros(40)
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "short-length.pcapng", file));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_BLOCK);
            assertThat(p.frame()).isEqualTo(1);
            assertThat(p.offset()).isEqualTo(48);
        });
    }

    @Test
    void shouldSkipBlockWhenTrailingLengthDiffers() throws IOException {
        // given
        final byte[] bad = epb(0, 2);
        bad[bad.length - 4] = 40;                // trailing block total length: 40, leading 36
        final byte[] file = section(65535)
            .bytes(epb(0, 1))                    // frame 1 at 48
            .bytes(bad)                          // frame 2 at 84
            .bytes(epb(0, 3))                    // frame 3 at 120
            .toArray();

        // when
        final Path path = Captures.write(dir, "trailer.pcapng", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L, 3L);
        assertThat(result.frames().get(1).fileOffset()).isEqualTo(120);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_BLOCK);
            assertThat(p.describe()).isEqualTo(path
                + ": frame 2, offset 84: trailing block total length: 40 (expected: 36, as the leading one)");
        });
    }

    @Test
    void shouldSkipPacketWhenInterfaceIsUnknown() throws IOException {
        // given
        final byte[] file = section(65535)
            .bytes(epb(3, 1))                    // frame 1 at 48: interface 3 of 1
            .bytes(epb(0, 2))                    // frame 2 at 84
            .toArray();

        // when
        final Path path = Captures.write(dir, "unknown-interface.pcapng", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(2L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_BLOCK);
            assertThat(p.frame()).isEqualTo(1);
            assertThat(p.offset()).isEqualTo(48);
            assertThat(p.describe()).isEqualTo(path
                + ": frame 1, offset 48: interface id: 3 (expected: < 1, the interfaces described in this section)");
        });
    }

    @Test
    void shouldForgetInterfacesWhenNewSectionStarts() throws IOException {
        // given
        final byte[] file = section(65535)
            .bytes(epb(0, 1))                    // frame 1 at 48
            .u32(0x0A0D0D0A).u32(28).u32(0x1A2B3C4D).u16(1).u16(0).u64(-1).u32(28)  // SHB at 84, no IDB
            .bytes(epb(0, 2))                    // frame 2 at 112
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "reset.pcapng", file));

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_BLOCK);
            assertThat(p.frame()).isEqualTo(2);
            assertThat(p.offset()).isEqualTo(112);
        });
    }

    @Test
    void shouldStopWithOversizedRecordWhenCapturedLengthExceedsSnapLength() throws IOException {
        // given
        final byte[] file = section(2)
            .bytes(epb(0, 1))                    // frame 1 at 48: 4 bytes captured, snaplen 2
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "snap.pcapng", file));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.OVERSIZED_RECORD);
            assertThat(p.frame()).isEqualTo(1);
            assertThat(p.offset()).isEqualTo(48);
            assertThat(p.detail()).isEqualTo("captured length: 4 (expected: <= 2)");
        });
    }

    @Test
    void shouldReportTruncatedRecordWhenLastBlockIsCut() throws IOException {
        // given
        final byte[] whole = section(65535).bytes(epb(0, 1)).bytes(epb(0, 2)).toArray();
        final byte[] file = Arrays.copyOf(whole, whole.length - 18);  // frame 2 at 84 keeps 18 of 36 bytes

        // when
        final Path path = Captures.write(dir, "cut.pcapng", file);
        final Result result = Captures.read(path);

        // then
        assertThat(result.numbers()).containsExactly(1L);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TRUNCATED_RECORD);
            assertThat(p.describe()).isEqualTo(path + ": frame 2, offset 84: truncated block: 18 bytes (expected: 36)");
        });
    }

    @Test
    void shouldReportTruncatedFileHeaderWhenSectionHeaderIsCut() throws IOException {
        // given
        final byte[] file = Arrays.copyOf(section(65535).toArray(), 20);

        // when
        final Result result = Captures.read(Captures.write(dir, "cut-shb.pcapng", file));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.TRUNCATED_FILE_HEADER);
            assertThat(p.offset()).isZero();
            assertThat(p.detail()).isEqualTo("truncated pcapng section header block: 20 bytes (expected: 28+)");
        });
    }

    @Test
    void shouldReportBadBlockWhenByteOrderMagicIsWrong() throws IOException {
        // given
        final byte[] file = Bytes.littleEndian()
            .u32(0x0A0D0D0A)                     // SHB type
            .u32(28)                             // block total length
            .u32(0x12345678)                     // byte-order magic: wrong
            .u16(1).u16(0).u64(-1).u32(28)
            .toArray();

        // when
        final Result result = Captures.read(Captures.write(dir, "bom.pcapng", file));

        // then
        assertThat(result.frames()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.BAD_BLOCK);
            assertThat(p.offset()).isZero();
        });
    }

    /** A little-endian SHB (0..28) and one Ethernet IDB with the given snaplen and microseconds (28..48). */
    private static Bytes section(final int snapLength) {
        return Bytes.littleEndian()
            .u32(0x0A0D0D0A)                     // SHB type
            .u32(28)                             // block total length
            .u32(0x1A2B3C4D)                     // byte-order magic
            .u16(1)                              // major version
            .u16(0)                              // minor version
            .u64(-1)                             // section length: unknown
            .u32(28)                             // block total length
            .u32(1)                              // IDB type
            .u32(20)                             // block total length
            .u16(ETHERNET)                       // LinkType
            .u16(0)                              // reserved
            .u32(snapLength)                     // SnapLen
            .u32(20);                            // block total length
    }

    /** A 36-byte little-endian EPB with 4 bytes of data. */
    private static byte[] epb(final int interfaceId, final long units) {
        return Bytes.littleEndian()
            .u32(6)                              // EPB type
            .u32(36)                             // block total length
            .u32(interfaceId)                    // interface id
            .u32(units >>> 32)                   // timestamp high
            .u32(units)                          // timestamp low
            .u32(4)                              // captured length
            .u32(4)                              // original length
            .u32(0xDEADBEEFL)                    // data
            .u32(36)                             // block total length
            .toArray();
    }
}
