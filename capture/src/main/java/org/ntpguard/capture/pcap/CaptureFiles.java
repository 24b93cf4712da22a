package org.ntpguard.capture.pcap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens capture files by what they contain, not by their name: the magic number picks classic pcap
 * ({@link PcapReader}, magic a1b2c3d4 or a1b23c4d in either byte order), pcapng ({@link PcapngReader}, block type
 * 0a0d0d0a) or gzip (RFC 1952, 1f 8b), which is decompressed on the fly and sniffed again.
 */
public final class CaptureFiles {

    static final int MAGIC_LENGTH = 4;
    /** RFC 1952 §2.3.1: ID1 ID2. */
    static final int GZIP_MAGIC = 0x1F8B;
    static final int GZIP_INFLATE_BUFFER = 64 * 1024;

    private CaptureFiles() {
    }

    /**
     * Opens {@code file} for reading.
     *
     * <p>Damage is reported to {@code problems}, never thrown: an unknown magic is
     * {@link CaptureProblem.Kind#BAD_MAGIC}, a file shorter than its header
     * {@link CaptureProblem.Kind#TRUNCATED_FILE_HEADER}, a broken gzip header
     * {@link CaptureProblem.Kind#CORRUPT_COMPRESSION}; each returns a reader that yields no frames.
     *
     * @param file     the file; its string form, as the user gave it, is the reader's {@link CaptureReader#source()}
     * @param problems where damaged input is reported
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException                       when the operating system fails to read it
     */
    public static CaptureReader open(final Path file, final CaptureProblems problems) throws IOException {
        return open(file, problems, null);
    }

    /**
     * Opens {@code file} for reading, as {@link #open(Path, CaptureProblems)}, with every byte read from the disk
     * counted and hashed into {@code fingerprint} (null for neither).
     */
    public static CaptureReader open(final Path file, final CaptureProblems problems,
                                     final FileFingerprint fingerprint) throws IOException {
        final String source = file.toString();
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            final CaptureInput plain = new CaptureInput(source, fingerprinted(channel, fingerprint), false, problems);
            if (plain.ensure(2) && (plain.buffer().getShort(plain.start()) & 0xFFFF) == GZIP_MAGIC) {
                plain.close();
                return gzip(source, file, problems, fingerprint);
            }
            return sniff(plain);
        } catch (final IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static CaptureReader gzip(final String source, final Path file, final CaptureProblems problems,
                                      final FileFingerprint fingerprint) throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        final InputStream compressed = Channels.newInputStream(fingerprinted(channel, fingerprint));
        final GZIPInputStream inflater;
        try {
            inflater = new GZIPInputStream(compressed, GZIP_INFLATE_BUFFER);
        } catch (final ZipException | EOFException e) {
            compressed.close();
            problems.report(new CaptureProblem(source, 0, 0, CaptureProblem.Kind.CORRUPT_COMPRESSION,
                "gzip header: " + e.getMessage() + " (expected: a gzip member header)"));
            return new EmptyReader(source);
        } catch (final IOException | RuntimeException e) {
            compressed.close();
            throw e;
        }
        final ReadableByteChannel inflated = Channels.newChannel(inflater);
        try {
            return sniff(new CaptureInput(source, inflated, true, problems));
        } catch (final IOException | RuntimeException e) {
            inflated.close();
            throw e;
        }
    }

    private static ReadableByteChannel fingerprinted(final FileChannel channel, final FileFingerprint fingerprint) {
        return fingerprint == null ? channel : fingerprint.wrap(channel);
    }

    /** Picks the reader for the magic at the start of {@code input}, which it then owns. */
    private static CaptureReader sniff(final CaptureInput input) throws IOException {
        if (!input.ensure(MAGIC_LENGTH)) {
            if (input.compressionFailed()) {
                input.reportEnd(0, 0, "magic", MAGIC_LENGTH);
            } else {
                input.report(0, 0, CaptureProblem.Kind.TRUNCATED_FILE_HEADER,
                    "truncated file header: " + input.available() + " bytes (expected: " + MAGIC_LENGTH
                        + "+ bytes of magic)");
            }
            input.close();
            return new EmptyReader(input.source());
        }
        final int magic = input.buffer().getInt(input.start());
        if (magic == PcapReader.MAGIC_MICROSECONDS || magic == PcapReader.MAGIC_NANOSECONDS
            || Integer.reverseBytes(magic) == PcapReader.MAGIC_MICROSECONDS
            || Integer.reverseBytes(magic) == PcapReader.MAGIC_NANOSECONDS) {
            return new PcapReader(input);
        }
        if (magic == PcapngReader.SECTION_HEADER_BLOCK) {
            return new PcapngReader(input);
        }
        input.report(0, 0, CaptureProblem.Kind.BAD_MAGIC,
            "magic: 0x" + String.format("%08x", magic)
                + " (expected: pcap a1b2c3d4/a1b23c4d in either byte order, pcapng 0a0d0d0a or gzip 1f8b)");
        input.close();
        return new EmptyReader(input.source());
    }

    /** What a file that cannot be read at all opens as: no frames. */
    private static final class EmptyReader implements CaptureReader {

        private final String source;

        EmptyReader(final String source) {
            this.source = source;
        }

        @Override
        public boolean next(final CapturedFrame frame) {
            return false;
        }

        @Override
        public String source() {
            return source;
        }

        @Override
        public void close() {
        }
    }
}
