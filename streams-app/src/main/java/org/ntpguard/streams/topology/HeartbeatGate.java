package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a heartbeat behind the flows it follows. A task reads a flows and a heartbeats partition, and Kafka
 * Streams takes the next record by timestamp among those it has fetched: a heartbeat (one hour past the capture, at
 * the end of a replay) could be taken while flow batches sent before it were still unfetched, which closes every
 * window and makes those flows late. Waiting for the other partition ({@code max.task.idle.ms}) guards against that only
 * by waiting, and waited often enough to cost two thirds of a replay's time.
 *
 * <p>Instead each heartbeat names the offset of the sensor's last flow batch on each flows partition
 * ({@code flowOffsets}, sent only once they were acknowledged). Here a heartbeat goes on when this task has read its
 * flows partition that far, else it is held (in a changelogged store of heartbeat times, so that a restart does not
 * lose it) until a batch at or past that offset has gone on. A heartbeat held for {@link #MAX_HOLD} while no flow
 * batch at all came is let go with a warning: its flows are not coming (deleted by retention, or undecodable and sent
 * to the dead-letter topic). The hold counts from the last batch read, not from when the heartbeat came: a detector
 * working through a backlog longer than the hold (a big replay) reads batches all the while, and letting the
 * heartbeat go then would make every flow still behind it late. A heartbeat from a sensor before flowOffsets (none
 * named) goes on as it comes.
 */
final class HeartbeatGate implements Processor<Bytes, List<PairFlow>, Bytes, List<PairFlow>> {

    /** Header that {@link #stamp} puts on a heartbeat: the flows offset, 8 bytes big-endian, it waits for. */
    static final String AWAITED_OFFSET = "ntpguard.awaited-flows-offset";
    /** Held heartbeats' times by awaited offset (the per-packet detector's store had other values, and its own name). */
    static final String STORE = "held-flow-heartbeats";
    static final Duration MAX_HOLD = Duration.ofSeconds(30);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatGate.class);

    private ProcessorContext<Bytes, List<PairFlow>> context;
    private KeyValueStore<Long, Long> held;
    /** The held heartbeats by awaited offset, with the wall-clock time each was held since. */
    private final TreeMap<Long, Long> heldSince = new TreeMap<>();
    private long lastFlowOffset = -1;
    /** Wall-clock millis when the last flow batch was read: a backlog still draining is no reason to give up. */
    private long lastFlowWallClock = Long.MIN_VALUE;

    /**
     * The heartbeat as an event, stamped with the offset it waits for on the flows partition of the task that
     * reads it (the heartbeats partition's number): none when the sensor named none there.
     */
    static Record<Bytes, List<PairFlow>> stamp(final Record<Bytes, SensorHeartbeat> heartbeat, final int partition) {
        final Record<Bytes, List<PairFlow>> event = new Record<>(Bytes.wrap(FlowEvents.HEARTBEAT_KEY),
                FlowEvents.NONE, heartbeat.timestamp());
        final List<Long> offsets = heartbeat.value().getFlowOffsets();
        if (partition < offsets.size() && offsets.get(partition) >= 0) {
            event.headers().remove(AWAITED_OFFSET).add(AWAITED_OFFSET,
                    ByteBuffer.allocate(8).putLong(offsets.get(partition)).array());
        }
        return event;
    }

    @Override
    public void init(final ProcessorContext<Bytes, List<PairFlow>> context) {
        this.context = context;
        this.held = context.getStateStore(STORE);
        // A revived task (same instance, input rewound) starts over from the store.
        lastFlowOffset = -1;
        lastFlowWallClock = Long.MIN_VALUE;
        heldSince.clear();
        final long now = context.currentSystemTimeMs();
        try (KeyValueIterator<Long, Long> all = held.all()) {
            while (all.hasNext()) {
                heldSince.put(all.next().key, now);
            }
        }
        context.schedule(CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::releaseOverdue);
    }

    @Override
    public void process(final Record<Bytes, List<PairFlow>> record) {
        if (!FlowEvents.isHeartbeat(record.key().get())) {
            context.recordMetadata().ifPresent(m -> lastFlowOffset = Math.max(lastFlowOffset, m.offset()));
            lastFlowWallClock = context.currentSystemTimeMs();
            context.forward(record);
            if (!heldSince.isEmpty() && heldSince.firstKey() <= lastFlowOffset) {
                releaseUpTo(lastFlowOffset);
            }
            return;
        }
        final long awaited = awaitedOffset(record.headers());
        if (awaited <= lastFlowOffset) {
            context.forward(record);
        } else {
            held.put(awaited, record.timestamp());
            heldSince.putIfAbsent(awaited, context.currentSystemTimeMs());
        }
    }

    private void releaseUpTo(final long offset) {
        while (!heldSince.isEmpty() && heldSince.firstKey() <= offset) {
            release(heldSince.pollFirstEntry().getKey());
        }
    }

    private void releaseOverdue(final long now) {
        while (!heldSince.isEmpty()) {
            // Held heartbeats go in offset order: a later one never overtakes an earlier one.
            final long awaited = heldSince.firstKey();
            final long waitingSince = Math.max(heldSince.get(awaited), lastFlowWallClock);
            if (now - waitingSince < MAX_HOLD.toMillis()) {
                return;
            }
            LOG.warn("task {}: a heartbeat waited for flows offset {}, but no flow batch came for {} s (read so far: "
                    + "offset {}); it goes on without them, and flows after it may come late", context.taskId(),
                    awaited, MAX_HOLD.toSeconds(), lastFlowOffset);
            heldSince.pollFirstEntry();
            release(awaited);
        }
    }

    private void release(final long awaited) {
        final Long heartbeat = held.delete(awaited);
        if (heartbeat != null) {
            context.forward(new Record<>(Bytes.wrap(FlowEvents.HEARTBEAT_KEY), FlowEvents.NONE, heartbeat));
        }
    }

    private static long awaitedOffset(final Headers headers) {
        final Header header = headers.lastHeader(AWAITED_OFFSET);
        return header == null || header.value().length != 8 ? -1 : ByteBuffer.wrap(header.value()).getLong();
    }

    /** Turns the heartbeats of a task's heartbeats partition into events stamped for this gate. */
    static final class Stamp implements Processor<Bytes, SensorHeartbeat, Bytes, List<PairFlow>> {
        private final DetectorMetrics metrics;
        private ProcessorContext<Bytes, List<PairFlow>> context;

        Stamp(final DetectorMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void init(final ProcessorContext<Bytes, List<PairFlow>> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<Bytes, SensorHeartbeat> heartbeat) {
            metrics.sensorProgress(heartbeat.value().getSensor(), heartbeat.timestamp());
            // The task's number is its heartbeats partition's, and its flows partition's (co-partitioned).
            context.forward(stamp(heartbeat, context.taskId().partition()));
        }
    }
}
