package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PairFlow;

/**
 * Sends a batch's flows on to the per-server windows, one record per downstream partition, and tells every
 * downstream partition how far in event time this upstream partition has got.
 *
 * <p>Grouping: a flow goes to the partition of its server's address (murmur2, as Kafka places a key), so a server's
 * flows always meet in one task; the flows of one input batch bound for one partition travel together, keyed by
 * that partition ({@link #partitionKey}), in their batch's order. Through the repartition this costs one record per
 * batch and partition, never one per flow or packet.
 *
 * <p>Progress: the per-server windows close on the slowest upstream partition's progress, not on whatever arrived
 * last: in a replay one partition's task can run minutes of event time ahead of another's, and closing on the
 * fastest would drop the slow one's flows as late. A progress mark goes out at most once per
 * {@link #MARK_EVERY_MILLIS} of event time, and for every heartbeat (which is how an idle partition keeps the
 * others' windows closing).
 */
final class ProgressMarks implements Processor<Bytes, List<PairFlow>, Bytes, List<PairFlow>> {

    static final long MARK_EVERY_MILLIS = 1_000;
    private static final byte MARK_TAG = 'M';
    private static final byte PARTITION_TAG = 'P';
    private static final int KEY_LENGTH = 5;

    private final int downstreamPartitions;
    private final Bytes[] partitionKeys;
    private ProcessorContext<Bytes, List<PairFlow>> context;
    private Bytes markKey;
    private long streamTime = Long.MIN_VALUE;
    private long lastMark = Long.MIN_VALUE;

    /** @param downstreamPartitions partitions of the repartition topic: those of the flows topic */
    ProgressMarks(final int downstreamPartitions) {
        if (downstreamPartitions < 1) {
            throw new IllegalArgumentException("downstream partitions: " + downstreamPartitions + " (expected: >= 1)");
        }
        this.downstreamPartitions = downstreamPartitions;
        this.partitionKeys = new Bytes[downstreamPartitions];
        for (int p = 0; p < downstreamPartitions; p++) {
            partitionKeys[p] = key(PARTITION_TAG, p);
        }
    }

    @Override
    public void init(final ProcessorContext<Bytes, List<PairFlow>> context) {
        this.context = context;
        this.markKey = markKey(context.taskId().partition());
        // A revived task (same instance, input rewound) starts its progress over.
        streamTime = Long.MIN_VALUE;
        lastMark = Long.MIN_VALUE;
    }

    @Override
    public void process(final Record<Bytes, List<PairFlow>> record) {
        streamTime = Math.max(streamTime, record.timestamp());
        final boolean heartbeat = FlowEvents.isHeartbeat(record.key().get());
        if (!heartbeat && !record.value().isEmpty()) {
            forwardByServer(record);
        }
        if (heartbeat || lastMark == Long.MIN_VALUE || streamTime - lastMark >= MARK_EVERY_MILLIS) {
            lastMark = streamTime;
            context.forward(new Record<>(markKey, FlowEvents.NONE, streamTime));
        }
    }

    private void forwardByServer(final Record<Bytes, List<PairFlow>> record) {
        final List<PairFlow> flows = record.value();
        if (downstreamPartitions == 1) {
            context.forward(record.withKey(partitionKeys[0]));
            return;
        }
        final List<List<PairFlow>> byPartition = new ArrayList<>(downstreamPartitions);
        for (int p = 0; p < downstreamPartitions; p++) {
            byPartition.add(null);
        }
        for (final PairFlow flow : flows) {
            final int p = partition(flow.server(), downstreamPartitions);
            List<PairFlow> bucket = byPartition.get(p);
            if (bucket == null) {
                bucket = new ArrayList<>();
                byPartition.set(p, bucket);
            }
            bucket.add(flow);
        }
        for (int p = 0; p < downstreamPartitions; p++) {
            if (byPartition.get(p) != null) {
                context.forward(new Record<>(partitionKeys[p], byPartition.get(p), record.timestamp()));
            }
        }
    }

    /** The downstream partition of a server's flows: murmur2 of its address bytes, as Kafka places a key. */
    static int partition(final IpAddress server, final int partitions) {
        return Utils.toPositive(Utils.murmur2(server.toBytes())) % partitions;
    }

    static Bytes markKey(final int upstreamPartition) {
        return key(MARK_TAG, upstreamPartition);
    }

    private static Bytes key(final byte tag, final int number) {
        return Bytes.wrap(ByteBuffer.allocate(KEY_LENGTH).put(tag).putInt(number).array());
    }

    static boolean isMark(final byte[] key) {
        return key.length == KEY_LENGTH && key[0] == MARK_TAG;
    }

    static int upstreamPartition(final byte[] key) {
        return ByteBuffer.wrap(key).getInt(1);
    }

    /** The downstream partition a record of flows is keyed for, or -1 for another key. */
    static int downstreamPartition(final byte[] key) {
        return key.length == KEY_LENGTH && key[0] == PARTITION_TAG ? ByteBuffer.wrap(key).getInt(1) : -1;
    }
}
