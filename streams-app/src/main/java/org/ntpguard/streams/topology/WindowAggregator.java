package org.ntpguard.streams.topology;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.Detection;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PacketEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows per subject (client or server), closed once the {@link Watermark} passes their end plus
 * the grace, then read by the side's detector.
 *
 * <p>Why not the DSL's windowed aggregate: it reads, re-encodes and writes the whole aggregate (peer tables and
 * sketches, kilobytes for a victim with a thousand reflectors) to RocksDB and its changelog for every packet. Here
 * the open windows are plain objects in memory, and what makes them survive a crash or a move to another instance
 * is the events themselves: each is appended to a cached, changelogged key-value store (a few dozen bytes, written
 * out once per commit), replayed into the objects when the task starts, and deleted when its window closes. The
 * store's changelog is compacted, never time-based, so a replay of years-old captures keeps it whole.
 */
final class WindowAggregator<W> implements Processor<Bytes, PacketEvent, String, NtpAlert> {

    private static final Logger LOG = LoggerFactory.getLogger(WindowAggregator.class);
    /**
     * Closed windows' events are deleted a few at a time with each record (more than one, to keep ahead of the
     * appends), and in larger steps on a wall-clock punctuation when input is quiet: deleting a busy window's
     * hundreds of thousands of events at once would hold one transaction past its timeout.
     */
    private static final int PURGE_PER_RECORD = 8;
    private static final int PURGE_WHEN_QUIET = 50_000;
    private static final Duration QUIET_PURGE_INTERVAL = Duration.ofSeconds(1);

    private final WindowSide<W> side;
    private final String storeName;
    private final long size;
    private final long grace;
    private final java.util.function.Supplier<Watermark> newWatermark;
    private Watermark watermark;
    private final boolean emitTicks;
    private final TreeMap<Long, Map<IpAddress, W>> open = new TreeMap<>();
    /** Closed windows whose events are still in the store, oldest first, with where deletion got to. */
    private final ArrayDeque<Purge> purges = new ArrayDeque<>();
    private ProcessorContext<String, NtpAlert> context;
    private KeyValueStore<Bytes, PacketEvent> events;
    private long nextSequence;
    /** Windows that start before this are closed; their late events are dropped. */
    private long closedBefore = Long.MIN_VALUE;
    private long lateEvents;
    /** The latest packet's timestamp: ticks never run further ahead of it than one window closing. */
    private long lastEventTime = Long.MIN_VALUE;

    /**
     * @param emitTicks send a tick (time, no detection) downstream each time windows close, so that the alert tracker
     *                  and the blocklist run their stream-time punctuations on quiet traffic too
     */
    WindowAggregator(final WindowSide<W> side, final String storeName, final long sizeMillis, final long graceMillis,
                     final java.util.function.Supplier<Watermark> watermark, final boolean emitTicks) {
        this.side = side;
        this.storeName = storeName;
        this.size = sizeMillis;
        this.grace = graceMillis;
        this.newWatermark = watermark;
        this.emitTicks = emitTicks;
    }

    @Override
    public void init(final ProcessorContext<String, NtpAlert> context) {
        this.context = context;
        this.events = context.getStateStore(storeName);
        // Kafka Streams calls init again on the same instance when it revives a task (after an aborted
        // transaction, say) and rewinds its input: everything held in memory starts over from the store.
        open.clear();
        purges.clear();
        watermark = newWatermark.get();
        nextSequence = 0;
        closedBefore = Long.MIN_VALUE;
        lastEventTime = Long.MIN_VALUE;
        restore();
        context.schedule(QUIET_PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                now -> purge(PURGE_WHEN_QUIET));
    }

    /** Rebuilds the open windows from the events the store holds (after a restart or a task move). */
    private void restore() {
        final PacketEvent progress = events.get(OpenEventKeys.PROGRESS);
        if (progress != null) {
            closedBefore = progress.timestampMillis();
        }
        long restored = 0;
        try (KeyValueIterator<Bytes, PacketEvent> all = events.all()) {
            while (all.hasNext()) {
                final KeyValue<Bytes, PacketEvent> entry = all.next();
                if (!OpenEventKeys.isEvent(entry.key)) {
                    continue;
                }
                final long start = OpenEventKeys.windowStart(entry.key);
                if (start < closedBefore) { // closed, emitted, not yet deleted
                    if (purges.isEmpty() || purges.peekLast().windowStart != start) {
                        purges.add(new Purge(start));
                    }
                    continue;
                }
                side.add().accept(windowOf(start, side.subject().apply(entry.value)), entry.value);
                nextSequence = Math.max(nextSequence, OpenEventKeys.sequence(entry.key) + 1);
                restored++;
            }
        }
        if (restored > 0) {
            LOG.info("{} windows of task {}: {} open windows rebuilt from {} stored events", side.name(),
                    context.taskId(), open.size(), restored);
        }
    }

    @Override
    public void process(final Record<Bytes, PacketEvent> record) {
        final byte[] key = record.key().get();
        if (ProgressMarks.isMark(key)) {
            watermark.mark(ProgressMarks.upstreamPartition(key), record.timestamp());
        } else if (!PacketEvents.isHeartbeat(key)) {
            lastEventTime = Math.max(lastEventTime, record.timestamp());
            add(record.value());
        }
        watermark.observe(record.timestamp());
        closeUpTo(watermark.current());
        purge(PURGE_PER_RECORD);
    }

    private void add(final PacketEvent event) {
        final long start = Math.floorDiv(event.timestampMillis(), size) * size;
        if (start < closedBefore) {
            lateEvents++;
            if (Long.bitCount(lateEvents) == 1) { // 1, 2, 4, 8...: a trace of the problem, never a flood
                LOG.warn("{} windows of task {}: {} event(s) arrived after their window closed and were not counted "
                        + "(latest at {}, windows before {} are closed; grace is {} ms)", side.name(),
                        context.taskId(), lateEvents, event.timestampMillis(), closedBefore, grace);
            }
            return;
        }
        final IpAddress subject = side.subject().apply(event); // once per packet: the window and the key use it
        side.add().accept(windowOf(start, subject), event);
        events.put(OpenEventKeys.event(start, subject, nextSequence++), event);
    }

    private W windowOf(final long start, final IpAddress subject) {
        return open.computeIfAbsent(start, s -> new HashMap<>())
                .computeIfAbsent(subject, s -> side.emptyWindow().get());
    }

    /** Closes every window whose end plus grace the watermark has reached: {@code start + size + grace <= mark}. */
    private void closeUpTo(final long mark) {
        if (mark == Long.MIN_VALUE) {
            return;
        }
        final long lastClosable = mark - grace - size;
        final long newClosedBefore = Math.floorDiv(lastClosable, size) * size + size;
        if (newClosedBefore <= closedBefore) {
            return;
        }
        while (!open.isEmpty() && open.firstKey() < newClosedBefore) {
            final Map.Entry<Long, Map<IpAddress, W>> window = open.pollFirstEntry();
            emit(window.getKey(), window.getValue());
            purges.add(new Purge(window.getKey()));
        }
        closedBefore = newClosedBefore;
        events.put(OpenEventKeys.PROGRESS, PacketEvents.tick(closedBefore));
        if (emitTicks) {
            // Time for the alert tracker and the blocklist, but no further than needed to close the last packet's
            // window: the end-of-replay heartbeat (an hour past the capture) must not expire the whole blocklist.
            final long tickTime = lastEventTime == Long.MIN_VALUE ? mark
                    : Math.min(mark, lastEventTime + size + grace);
            context.forward(new Record<>(NtpTopology.tick().key, null, tickTime));
        }
    }

    /** Detections of one closed window, subjects in address order so that every run emits the same sequence. */
    private void emit(final long start, final Map<IpAddress, W> windows) {
        final long end = start + size;
        final List<IpAddress> subjects = new ArrayList<>(windows.keySet());
        subjects.sort(null);
        for (final IpAddress subject : subjects) {
            side.closed().accept(windows.get(subject));
            for (final Detection detection : side.detector().evaluate(subject, start, end, windows.get(subject))) {
                context.forward(new Record<>(AlertRecords.key(detection.type(), detection.subject()),
                        AlertRecords.detection(detection), end - 1));
            }
        }
    }

    /** Deletes up to {@code budget} events of closed windows, resuming where the last call stopped. */
    private void purge(final int budget) {
        int left = budget;
        while (left > 0 && !purges.isEmpty()) {
            final Purge purge = purges.peekFirst();
            final List<Bytes> batch = new ArrayList<>(Math.min(left, 1_024));
            try (KeyValueIterator<Bytes, PacketEvent> range = events.range(purge.next,
                    OpenEventKeys.windowFrom(purge.windowStart + 1))) {
                while (range.hasNext() && batch.size() < left) {
                    batch.add(range.next().key);
                }
            }
            if (batch.isEmpty()) {
                purges.pollFirst();
                continue;
            }
            batch.forEach(events::delete);
            left -= batch.size();
            purge.next = batch.get(batch.size() - 1); // deleted: the next range starts after it
        }
    }

    /** A closed window's events being deleted; {@code next} is the last deleted key (ranges skip it, it is gone). */
    private static final class Purge {
        final long windowStart;
        Bytes next;

        Purge(final long windowStart) {
            this.windowStart = windowStart;
            this.next = OpenEventKeys.windowFrom(windowStart);
        }
    }

    /** Events dropped because their window had closed (for tests and metrics). */
    long lateEvents() {
        return lateEvents;
    }
}
