package org.ntpguard.streams.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.Detection;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PairFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows per subject (client or server), closed once the {@link Watermark} passes their end plus
 * the grace, then read by the side's detector.
 *
 * <p>Why not the DSL's windowed aggregate: it reads, re-encodes and writes the whole aggregate (peer tables and
 * sketches, kilobytes for a victim with a thousand reflectors) to RocksDB and its changelog for every record. Here
 * the open windows are plain objects in an {@link OpenWindowStore}, which writes those that changed to its
 * changelog once per commit; when a task starts they are rebuilt from there. The changelog is compacted, never
 * time-based, so a replay of years-old captures keeps it whole.
 */
final class WindowAggregator<W> implements Processor<Bytes, List<PairFlow>, String, NtpAlert> {

    private static final Logger LOG = LoggerFactory.getLogger(WindowAggregator.class);

    private final WindowSide<W> side;
    private final String storeName;
    private final String recentStoreName;
    private final long size;
    private final long grace;
    private final java.util.function.Supplier<Watermark> newWatermark;
    private Watermark watermark;
    private final boolean emitTicks;
    private ProcessorContext<String, NtpAlert> context;
    private OpenWindowStore<W> windows;
    private WindowStore<Bytes, byte[]> recent;
    private long lateFlows;
    /** The latest flow batch's timestamp: ticks never run further ahead of it than one window closing. */
    private long lastEventTime = Long.MIN_VALUE;

    /**
     * @param recentStoreName where closed windows' summaries go ({@link RecentWindows})
     * @param emitTicks send a tick (time, no detection) downstream each time windows close, so that the alert tracker
     *                  and the blocklist run their stream-time punctuations on quiet traffic too
     */
    WindowAggregator(final WindowSide<W> side, final String storeName, final String recentStoreName,
                     final long sizeMillis, final long graceMillis,
                     final java.util.function.Supplier<Watermark> watermark, final boolean emitTicks) {
        this.side = side;
        this.storeName = storeName;
        this.recentStoreName = recentStoreName;
        this.size = sizeMillis;
        this.grace = graceMillis;
        this.newWatermark = watermark;
        this.emitTicks = emitTicks;
    }

    @Override
    public void init(final ProcessorContext<String, NtpAlert> context) {
        this.context = context;
        this.windows = context.getStateStore(storeName);
        this.recent = context.getStateStore(recentStoreName);
        // Kafka Streams calls init again on the same instance when it revives a task (after an aborted
        // transaction, say) and rewinds its input: everything held in memory starts over from the store.
        watermark = newWatermark.get();
        lastEventTime = Long.MIN_VALUE;
        final int rebuilt = windows.rebuild();
        final long[] marks = windows.upstreamMarks();
        for (int partition = 0; partition < Math.min(marks.length, watermark.upstreamPartitions()); partition++) {
            if (marks[partition] != Long.MIN_VALUE) {
                watermark.mark(partition, marks[partition]);
            }
        }
        if (rebuilt > 0) {
            LOG.info("{} windows of task {}: {} open windows rebuilt from the store", side.name(), context.taskId(),
                    rebuilt);
        }
    }

    @Override
    public void process(final Record<Bytes, List<PairFlow>> record) {
        final byte[] key = record.key().get();
        if (ProgressMarks.isMark(key)) {
            final int upstream = ProgressMarks.upstreamPartition(key);
            watermark.mark(upstream, record.timestamp());
            windows.mark(upstream, record.timestamp());
        } else if (!FlowEvents.isHeartbeat(key) && !record.value().isEmpty()) {
            lastEventTime = Math.max(lastEventTime, record.timestamp());
            for (final PairFlow flow : record.value()) {
                add(flow);
            }
        }
        watermark.observe(record.timestamp());
        closeUpTo(watermark.current());
    }

    /**
     * Counts a flow in the window of its first datagram: a flow never straddles windows (the sensors' intervals
     * divide a minute, window sizes are whole multiples of them). A flow whose window has closed is counted as late
     * (metrics) and dropped.
     */
    private void add(final PairFlow flow) {
        final long start = Math.floorDiv(flow.firstSeen(), size) * size;
        if (start < windows.closedBefore()) {
            lateFlows++;
            side.late().accept(flow);
            if (Long.bitCount(lateFlows) == 1) { // 1, 2, 4, 8...: a trace of the problem, never a flood
                LOG.warn("{} windows of task {}: {} flow(s) arrived after their window closed and were not counted "
                        + "(latest first seen at {} from sensor {}, windows before {} are closed; grace is {} ms)",
                        side.name(), context.taskId(), lateFlows, flow.firstSeen(), flow.sensor(),
                        windows.closedBefore(), grace);
            }
            return;
        }
        side.add().accept(windows.window(start, side.subject().apply(flow)), flow);
    }

    /** Closes every window whose end plus grace the watermark has reached: {@code start + size + grace <= mark}. */
    private void closeUpTo(final long mark) {
        if (mark == Long.MIN_VALUE) {
            return;
        }
        final long lastClosable = mark - grace - size;
        final long newClosedBefore = Math.floorDiv(lastClosable, size) * size + size;
        if (newClosedBefore <= windows.closedBefore()) {
            return;
        }
        windows.closeBefore(newClosedBefore).forEach(this::emit);
        // What just closed is news: ask for a commit now (the transaction makes the detections, alerts and
        // blocklist entries visible) rather than at the end of the commit interval, which can then be long and
        // cheap (each commit writes a snapshot of every window that changed).
        context.commit();
        if (emitTicks) {
            // Time for the alert tracker and the blocklist, but no further than needed to close the last packet's
            // window: the end-of-replay heartbeat (an hour past the capture) must not expire the whole blocklist.
            final long tickTime = lastEventTime == Long.MIN_VALUE ? mark
                    : Math.min(mark, lastEventTime + size + grace);
            context.forward(new Record<>(NtpTopology.tick().key, null, tickTime));
        }
    }

    /** Detections of one closed window, subjects in address order so that every run emits the same sequence. */
    private void emit(final long start, final Map<IpAddress, W> bySubject) {
        final long end = start + size;
        final List<IpAddress> subjects = new ArrayList<>(bySubject.keySet());
        subjects.sort(null);
        for (final IpAddress subject : subjects) {
            final W window = bySubject.get(subject);
            side.closed().accept(window);
            RecentWindows.put(recent, subject, side.summary().of(start, window));
            for (final Detection detection : side.detector().evaluate(subject, start, end, window)) {
                context.forward(new Record<>(AlertRecords.key(detection.type(), detection.subject()),
                        AlertRecords.detection(detection), end - 1));
            }
            if (side.upstream().servesTheSite(subject, window)) {
                context.forward(NtpTopology.upstreamMark(subject, end - 1));
            }
        }
    }

}
