package org.ntpguard.capture.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A capture file's bytes on disk as its reader reads them: how many so far (what a progress line compares with the
 * file's size, compressed bytes for a gzip file) and their SHA-256 (what a report names the file by).
 *
 * <p>The hash is computed on the bytes as they are read, in the reader's own buffer, rather than in a pass of its
 * own: one read of the file, and SHA-256 (with the CPU's SHA instructions, about 2 GB/s) costs far less than decoding
 * the frames. Only what the reader did not read (a replay stopped early, a file whose damage ends its reading) is
 * read again, by {@link #sha256()}.
 */
public final class FileFingerprint {

    private static final int REMAINDER_BUFFER = 64 * 1024;

    private final Path file;
    private MessageDigest digest = newDigest();
    private long bytesRead;
    private String sha256;

    public FileFingerprint(final Path file) {
        this.file = file;
    }

    /** Bytes of the file read so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * The file's SHA-256 in lower-case hex, as {@code sha256sum} prints it; reads whatever the reader left unread.
     *
     * @throws IOException when the operating system fails to read the rest
     */
    public String sha256() throws IOException {
        if (sha256 == null) {
            try (FileChannel rest = FileChannel.open(file, StandardOpenOption.READ)) {
                rest.position(bytesRead);
                final ByteBuffer buffer = ByteBuffer.allocate(REMAINDER_BUFFER);
                while (rest.read(buffer) >= 0) {
                    buffer.flip();
                    digest.update(buffer);
                    buffer.clear();
                }
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }

    /** {@code channel}, read from its start, with every byte read counted and hashed; forgets earlier reads. */
    ReadableByteChannel wrap(final FileChannel channel) {
        digest = newDigest();
        bytesRead = 0;
        sha256 = null;
        return new ReadableByteChannel() {
            @Override
            public int read(final ByteBuffer destination) throws IOException {
                final int from = destination.position();
                final int read = channel.read(destination);
                if (read > 0) {
                    digest.update(destination.duplicate().position(from).limit(from + read));
                    bytesRead += read;
                }
                return read;
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every JVM must provide", e);
        }
    }
}
