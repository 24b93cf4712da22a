package org.ntpguard.streams.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
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
    /** Deleting a closed window's events goes in batches, not one list of every key. */
    private static final int DELETE_BATCH = 4_096;

    private final WindowSide<W> side;
    private final String storeName;
    private final long size;
    private final long grace;
    private final Watermark watermark;
    private final boolean emitTicks;
    private final TreeMap<Long, Map<IpAddress, W>> open = new TreeMap<>();
    private ProcessorContext<String, NtpAlert> context;
    private KeyValueStore<Bytes, PacketEvent> events;
    private long nextSequence;
    /** Windows that start before this are closed; their late events are dropped. */
    private long closedBefore = Long.MIN_VALUE;
    private long lateEvents;

    /**
     * @param emitTicks send a tick (time, no detection) downstream each time windows close, so that the alert tracker
     *                  and the blocklist run their stream-time punctuations on quiet traffic too
     */
    WindowAggregator(final WindowSide<W> side, final String storeName, final long sizeMillis, final long graceMillis,
                     final Watermark watermark, final boolean emitTicks) {
        this.side = side;
        this.storeName = storeName;
        this.size = sizeMillis;
        this.grace = graceMillis;
        this.watermark = watermark;
        this.emitTicks = emitTicks;
    }

    @Override
    public void init(final ProcessorContext<String, NtpAlert> context) {
        this.context = context;
        this.events = context.getStateStore(storeName);
        restore();
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
                side.add().accept(windowOf(OpenEventKeys.windowStart(entry.key), entry.value), entry.value);
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
            add(record.value());
        }
        watermark.observe(record.timestamp());
        closeUpTo(watermark.current());
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
        final W window = windowOf(start, event);
        side.add().accept(window, event);
        events.put(OpenEventKeys.event(start, side.subject().apply(event), nextSequence++), event);
    }

    private W windowOf(final long start, final PacketEvent event) {
        return open.computeIfAbsent(start, s -> new HashMap<>())
                .computeIfAbsent(side.subject().apply(event), subject -> side.emptyWindow().get());
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
            deleteEvents(window.getKey());
        }
        closedBefore = newClosedBefore;
        events.put(OpenEventKeys.PROGRESS, PacketEvents.tick(closedBefore));
        if (emitTicks) {
            context.forward(new Record<>(NtpTopology.tick().key, null, mark));
        }
    }

    /** Detections of one closed window, subjects in address order so that every run emits the same sequence. */
    private void emit(final long start, final Map<IpAddress, W> windows) {
        final long end = start + size;
        final List<IpAddress> subjects = new ArrayList<>(windows.keySet());
        subjects.sort(null);
        for (final IpAddress subject : subjects) {
            for (final Detection detection : side.detector().evaluate(subject, start, end, windows.get(subject))) {
                context.forward(new Record<>(AlertRecords.key(detection.type(), detection.subject()),
                        AlertRecords.detection(detection), end - 1));
            }
        }
    }

    private void deleteEvents(final long start) {
        final Bytes from = OpenEventKeys.windowFrom(start);
        final Bytes to = OpenEventKeys.windowFrom(start + 1);
        while (true) {
            final List<Bytes> batch = new ArrayList<>();
            try (KeyValueIterator<Bytes, PacketEvent> range = events.range(from, to)) {
                while (range.hasNext() && batch.size() < DELETE_BATCH) {
                    batch.add(range.next().key);
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            batch.forEach(events::delete);
        }
    }

    /** Events dropped because their window had closed (for tests and metrics). */
    long lateEvents() {
        return lateEvents;
    }
}
