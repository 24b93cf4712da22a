package org.ntpguard.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run at a time in a report folder: a lock on {@code .ntpguard.lock} in it, holding the process id of the run
 * that has it. The operating system releases the lock when the process ends, killed or not; the file stays (deleting
 * it would let a third run lock a new file while a second still waits on the old one).
 */
final class ReportFolderLock implements AutoCloseable {

    static final String FILE_NAME = ".ntpguard.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ReportFolderLock(final FileChannel channel, final FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir}, which exists, for this process.
     *
     * @return the lock, or null when another run holds it
     */
    static ReportFolderLock tryAcquire(final Path dir) throws IOException {
        final FileChannel channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            final FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return new ReportFolderLock(channel, lock);
        } catch (OverlappingFileLockException heldInThisProcess) {
            channel.close();
            return null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The process id the run holding {@code dir} wrote, empty when it cannot be read. */
    static String holder(final Path dir) {
        try {
            return Files.readString(dir.resolve(FILE_NAME), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
