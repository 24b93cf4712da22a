package org.ntpguard.streams.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.ntpguard.streams.detect.IpAddress;

/**
 * The open windows of one side and task: plain objects in memory, written back to a changelogged key-value store
 * (one snapshot per window that changed, and a delete per window that closed) once per commit, right before it.
 *
 * <p>Why: a window changes with every packet, but only its state at a commit has to survive a crash (exactly-once
 * rewinds the input to that commit). Writing per packet, as events or as re-encoded aggregates, cost the stream
 * thread more than everything else together; writing what changed once per commit costs a snapshot per active
 * subject per second. Kafka Streams has no public pre-commit hook for processors: this store takes the one its own
 * caching layers take ({@code flushCache}, called on every commit before the producer is flushed and the
 * transaction committed), so the snapshots are in the same transaction as the input offsets they match.
 *
 * <p>Read-only queries (the host drill-down, from HTTP threads) read the snapshots, as of the last commit.
 */
final class OpenWindowStore<W> extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
        implements ReadOnlyKeyValueStore<Bytes, byte[]> {

    private final WindowSide<W> side;
    private final TreeMap<Long, Map<IpAddress, Slot<W>>> open = new TreeMap<>();
    /** Windows changed since the last write-back, each once. */
    private final List<Slot<W>> changed = new ArrayList<>();
    /** Keys of windows closed since the last write-back. */
    private final List<Bytes> closed = new ArrayList<>();
    private long closedBefore = Long.MIN_VALUE;
    /**
     * The last progress mark of each upstream partition (per-server windows only), kept with the snapshots: after a
     * restart or a revived task, a partition that has gone quiet (its end-of-replay heartbeat already read and
     * committed) would otherwise never mark again, and no per-server window would close.
     */
    private long[] upstreamMarks = new long[0];
    private boolean progressChanged;
    /** The window last asked for: packets come in runs of the same window. */
    private long lastStart = Long.MIN_VALUE;
    private Map<IpAddress, Slot<W>> lastWindows;

    private OpenWindowStore(final KeyValueStore<Bytes, byte[]> snapshots, final WindowSide<W> side) {
        super(snapshots);
        this.side = side;
    }

    /** A store builder: RocksDB with a compacted changelog under the given name, no cache (this store is one). */
    static <W> StoreBuilder<OpenWindowStore<W>> builder(final String name, final WindowSide<W> side) {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()), side);
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        forget();
        super.init(context, root);
    }

    /**
     * Rebuilds the open windows from the snapshots, after the changelog has been restored (a restart, a task move,
     * a revived task): what was in memory is dropped.
     *
     * @return how many open windows were rebuilt
     */
    int rebuild() {
        forget();
        final byte[] progress = wrapped().get(WindowKeys.PROGRESS);
        if (progress != null) {
            closedBefore = WindowKeys.progress(progress);
            upstreamMarks = WindowKeys.upstreamMarks(progress);
        }
        int rebuilt = 0;
        try (KeyValueIterator<Bytes, byte[]> all = wrapped().all()) {
            while (all.hasNext()) {
                final KeyValue<Bytes, byte[]> entry = all.next();
                if (!WindowKeys.isWindow(entry.key)) {
                    continue;
                }
                final long start = WindowKeys.windowStart(entry.key);
                if (start < closedBefore) { // closed in a commit that did not get to delete it: cannot happen today
                    closed.add(entry.key);
                    continue;
                }
                final IpAddress subject = WindowKeys.subject(entry.key);
                open.computeIfAbsent(start, s -> new HashMap<>())
                        .put(subject, new Slot<>(start, subject, side.decode().apply(entry.value)));
                rebuilt++;
            }
        }
        return rebuilt;
    }

    /** Windows that start before this are closed. */
    long closedBefore() {
        return closedBefore;
    }

    /** Keeps an upstream partition's progress mark, to be written back at the commit. */
    void mark(final int upstreamPartition, final long timestamp) {
        if (upstreamPartition >= upstreamMarks.length) {
            final int known = upstreamMarks.length;
            upstreamMarks = Arrays.copyOf(upstreamMarks, upstreamPartition + 1);
            Arrays.fill(upstreamMarks, known, upstreamMarks.length, Long.MIN_VALUE);
        }
        if (timestamp > upstreamMarks[upstreamPartition]) {
            upstreamMarks[upstreamPartition] = timestamp;
            progressChanged = true;
        }
    }

    /** The upstream partitions' last marks as of the snapshots rebuilt from, by partition (MIN_VALUE: none). */
    long[] upstreamMarks() {
        return upstreamMarks.clone();
    }

    /** The subject's window starting at {@code start}, created when missing, to be written back at the commit. */
    W window(final long start, final IpAddress subject) {
        if (start != lastStart || lastWindows == null) {
            lastWindows = open.computeIfAbsent(start, s -> new HashMap<>());
            lastStart = start;
        }
        Slot<W> slot = lastWindows.get(subject);
        if (slot == null) {
            slot = new Slot<>(start, subject, side.emptyWindow().get());
            lastWindows.put(subject, slot);
        }
        if (!slot.changed) {
            slot.changed = true;
            changed.add(slot);
        }
        return slot.window;
    }

    /**
     * Closes the windows that start before {@code newClosedBefore}: they leave memory now and the store at the next
     * commit.
     *
     * @return the closed windows by start, each with its windows by subject
     */
    NavigableMap<Long, Map<IpAddress, W>> closeBefore(final long newClosedBefore) {
        final NavigableMap<Long, Map<IpAddress, W>> closing = new TreeMap<>();
        while (!open.isEmpty() && open.firstKey() < newClosedBefore) {
            final Map.Entry<Long, Map<IpAddress, Slot<W>>> window = open.pollFirstEntry();
            final Map<IpAddress, W> bySubject = new HashMap<>();
            for (final Slot<W> slot : window.getValue().values()) {
                slot.isClosed = true;
                closed.add(WindowKeys.window(slot.subject, slot.start));
                bySubject.put(slot.subject, slot.window);
            }
            closing.put(window.getKey(), bySubject);
        }
        if (newClosedBefore > closedBefore) {
            closedBefore = newClosedBefore;
            progressChanged = true;
        }
        lastWindows = null;
        return closing;
    }

    /** How many windows (subject and start) are open. */
    int openWindows() {
        int count = 0;
        for (final Map<IpAddress, Slot<W>> windows : open.values()) {
            count += windows.size();
        }
        return count;
    }

    /** Called by Kafka Streams before every commit: the changed windows go to the store and its changelog. */
    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    private void writeBack() {
        for (final Slot<W> slot : changed) {
            slot.changed = false;
            if (!slot.isClosed) {
                wrapped().put(WindowKeys.window(slot.subject, slot.start), side.encode().apply(slot.window));
            }
        }
        changed.clear();
        for (final Bytes key : closed) {
            wrapped().delete(key);
        }
        closed.clear();
        if (progressChanged) {
            wrapped().put(WindowKeys.PROGRESS, WindowKeys.progressValue(closedBefore, upstreamMarks));
            progressChanged = false;
        }
    }

    private void forget() {
        open.clear();
        changed.clear();
        closed.clear();
        closedBefore = Long.MIN_VALUE;
        upstreamMarks = new long[0];
        progressChanged = false;
        lastStart = Long.MIN_VALUE;
        lastWindows = null;
    }

    // ---- read-only queries: the snapshots as of the last commit ----

    @Override
    public byte[] get(final Bytes key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(final Bytes from, final Bytes to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return wrapped().all();
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /** One open window; {@code changed} while it waits for the write-back. */
    private static final class Slot<W> {
        final long start;
        final IpAddress subject;
        final W window;
        boolean changed;
        boolean isClosed;

        Slot(final long start, final IpAddress subject, final W window) {
            this.start = start;
            this.subject = subject;
            this.window = window;
        }
    }

    private static final class Builder<W> implements StoreBuilder<OpenWindowStore<W>> {
        private final StoreBuilder<KeyValueStore<Bytes, byte[]>> snapshots;
        private final WindowSide<W> side;

        Builder(final StoreBuilder<KeyValueStore<Bytes, byte[]>> snapshots, final WindowSide<W> side) {
            this.snapshots = snapshots;
            this.side = side;
        }

        @Override
        public StoreBuilder<OpenWindowStore<W>> withCachingEnabled() {
            throw new UnsupportedOperationException("an open-window store writes back once per commit already");
        }

        @Override
        public StoreBuilder<OpenWindowStore<W>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<OpenWindowStore<W>> withLoggingEnabled(final Map<String, String> config) {
            snapshots.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<OpenWindowStore<W>> withLoggingDisabled() {
            snapshots.withLoggingDisabled();
            return this;
        }

        @Override
        public OpenWindowStore<W> build() {
            return new OpenWindowStore<>(snapshots.build(), side);
        }

        @Override
        public Map<String, String> logConfig() {
            return snapshots.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return snapshots.loggingEnabled();
        }

        @Override
        public String name() {
            return snapshots.name();
        }
    }
}
