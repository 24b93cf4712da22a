package org.ntpguard.capture.pcap;

import java.io.Closeable;
import java.io.IOException;

/**
 * A source of captured frames: a pcap or pcapng file (plain or gzip-compressed) or a live interface.
 *
 * <p>Damaged input is not an exception: a reader reports each problem to the {@link CaptureProblems} it was opened
 * with, naming the file, frame and byte offset, and goes on wherever the format allows. {@link IOException} is kept
 * for the operating system failing to read.
 */
public interface CaptureReader extends Closeable {

    /**
     * Points {@code frame} at the next captured frame.
     *
     * @return false at the end of the input (or when damage makes the rest unreadable, after reporting it)
     */
    boolean next(CapturedFrame frame) throws IOException;

    /** What is read, for messages: the file name as given, or the interface. */
    String source();
}
