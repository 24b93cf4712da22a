package org.ntpguard.capture.pcap;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Several capture files read as one, in capture-time order, as {@code mergecap} merges them: a k-way merge of the
 * file readers, kept in a priority queue by the capture time of each one's next frame (ties go to the earlier input).
 * Rotated captures given in any order (shell-glob order puts {@code cap10} before {@code cap2}) reach the detector in
 * the order they were captured, so no window closes before traffic of another file that belongs in it. Each file is
 * expected in time order itself, as a capture is written; the merge does not sort inside a file.
 *
 * <p>Nothing is copied: every input keeps its next frame as a view on its own reader's buffer, and the frame handed
 * out is re-pointed at it; that input advances only on the following call, when the caller is done with the frame.
 * {@link #source()} and the frame's number and offset are those of the file the frame came from.
 *
 * <p>An input whose operating system fails to read ({@link IOException}) is dropped and reported to the
 * {@link ReadFailure}; the others go on.
 */
public final class MergedCaptureReader implements CaptureReader {

    /** Told when an input fails to read and is dropped from the merge. */
    @FunctionalInterface
    public interface ReadFailure {
        void failed(Input input, IOException e);
    }

    /** One file of the merge: its reader, its next frame, and what it yielded so far. */
    public static final class Input {

        private final int index;
        private final CaptureReader reader;
        private final CapturedFrame next = new CapturedFrame();
        private long frames;
        private long firstNanos = Long.MAX_VALUE;
        private long lastNanos = Long.MIN_VALUE;
        private int[] linkTypes = new int[0];
        private int lastLinkType = -1;
        private IOException failure;

        Input(final int index, final CaptureReader reader) {
            this.index = index;
            this.reader = reader;
        }

        /** Position of this input among the merged ones, from 0. */
        public int index() {
            return index;
        }

        public String source() {
            return reader.source();
        }

        /** Frames handed out from this input. */
        public long frames() {
            return frames;
        }

        /** Earliest capture time of its frames (ns since the epoch), {@link Long#MAX_VALUE} with no frame. */
        public long firstNanos() {
            return firstNanos;
        }

        /** Latest capture time of its frames (ns since the epoch), {@link Long#MIN_VALUE} with no frame. */
        public long lastNanos() {
            return lastNanos;
        }

        /** The pcap LINKTYPE_ values of its frames, in order of first appearance. */
        public int[] linkTypes() {
            return linkTypes.clone();
        }

        /** Why reading this input failed, null when it did not. */
        public IOException failure() {
            return failure;
        }

        private void tally(final CapturedFrame frame) {
            frames++;
            final long time = frame.timestampNanos();
            firstNanos = Math.min(firstNanos, time);
            lastNanos = Math.max(lastNanos, time);
            final int linkType = frame.linkType();
            if (linkType != lastLinkType) {
                lastLinkType = linkType;
                for (final int known : linkTypes) {
                    if (known == linkType) {
                        return;
                    }
                }
                linkTypes = Arrays.copyOf(linkTypes, linkTypes.length + 1);
                linkTypes[linkTypes.length - 1] = linkType;
            }
        }

        /** True when this input's next frame comes before {@code other}'s: earlier, or as early from an earlier input. */
        private boolean before(final Input other) {
            final long time = next.timestampNanos();
            final long otherTime = other.next.timestampNanos();
            return time < otherTime || time == otherTime && index < other.index;
        }
    }

    private final List<Input> inputs;
    private final ReadFailure onFailure;
    /** The inputs with a next frame, other than {@link #current}. */
    private final PriorityQueue<Input> waiting;
    /** The input of the frame handed out last: kept out of the queue, as it usually stays first (files in turn). */
    private Input current;
    private boolean started;

    /**
     * @param readers   the open readers, in the order given by the user (which breaks ties); closed by {@link #close()}
     * @param onFailure told when one of them fails to read
     */
    public MergedCaptureReader(final List<CaptureReader> readers, final ReadFailure onFailure) {
        final Input[] all = new Input[readers.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = new Input(i, readers.get(i));
        }
        this.inputs = List.of(all);
        this.onFailure = onFailure;
        this.waiting = new PriorityQueue<>(Math.max(1, all.length), (a, b) -> a.before(b) ? -1 : 1);
    }

    /** The inputs, in the order given. */
    public List<Input> inputs() {
        return inputs;
    }

    @Override
    public boolean next(final CapturedFrame frame) {
        if (!started) {
            started = true;
            for (final Input input : inputs) {
                if (advance(input)) {
                    waiting.add(input);
                }
            }
        } else if (current != null && advance(current)) {
            final Input first = waiting.peek();
            if (first == null || current.before(first)) {
                return handOut(current, frame);
            }
            waiting.add(current);
        }
        current = waiting.poll();
        return current != null && handOut(current, frame);
    }

    /** Position, among the inputs given, of the file of the frame handed out last; -1 before any. */
    public int currentIndex() {
        return current == null ? -1 : current.index;
    }

    /** The file of the frame handed out last (the first file before any). */
    @Override
    public String source() {
        return (current == null ? inputs.get(0) : current).source();
    }

    /** Closes every input's reader; the first failure is thrown after all were tried. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (final Input input : inputs) {
            try {
                input.reader.close();
            } catch (final IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Reads the input's next frame; false at its end, or when it failed (and was reported). */
    private boolean advance(final Input input) {
        try {
            return input.reader.next(input.next);
        } catch (final IOException e) {
            input.failure = e;
            onFailure.failed(input, e);
            return false;
        }
    }

    private static boolean handOut(final Input input, final CapturedFrame frame) {
        final CapturedFrame next = input.next;
        frame.set(next.buffer(), next.offset(), next.capturedLength(), next.originalLength(), next.linkType(),
                next.timestampNanos(), next.frameNumber(), next.fileOffset());
        input.tally(next);
        return true;
    }
}
