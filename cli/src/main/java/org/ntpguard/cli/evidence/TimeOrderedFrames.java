package org.ntpguard.cli.evidence;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;

/**
 * The frames of several capture files in capture-time order, as mergecap merges them: each file is read in its own
 * order and the earliest of their next frames comes first (on equal times, the file given first). Every reader keeps
 * its own buffer, so each file's next frame stays valid while the others advance.
 *
 * <p>The files were read once already: what cannot be opened, and damage inside, was reported then, so here it is
 * passed over in silence.
 */
final class TimeOrderedFrames implements Closeable {

    private final CaptureReader[] readers;
    private final CapturedFrame[] frames;
    private final boolean[] pending;
    private int current = -1;

    TimeOrderedFrames(final List<Path> files) throws IOException {
        readers = new CaptureReader[files.size()];
        frames = new CapturedFrame[files.size()];
        pending = new boolean[files.size()];
        try {
            for (int i = 0; i < readers.length; i++) {
                frames[i] = new CapturedFrame();
                try {
                    readers[i] = CaptureFiles.open(files.get(i), problem -> { });
                } catch (IOException e) {
                    continue; // reported by the first pass
                }
                pending[i] = readers[i].next(frames[i]);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Moves to the next frame in capture-time order; the previous one is no longer valid.
     *
     * @return false when every file is read
     */
    boolean next() throws IOException {
        if (current >= 0) {
            pending[current] = readers[current].next(frames[current]);
        }
        current = -1;
        // A linear scan: a handful of files is the usual case, and it allocates nothing.
        for (int i = 0; i < readers.length; i++) {
            if (pending[i] && (current < 0 || frames[i].timestampNanos() < frames[current].timestampNanos())) {
                current = i;
            }
        }
        return current >= 0;
    }

    /** The current frame. */
    CapturedFrame frame() {
        return frames[current];
    }

    /** Index, in the list given, of the current frame's file. */
    int input() {
        return current;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (final CaptureReader reader : readers) {
            if (reader == null) {
                continue;
            }
            try {
                reader.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
