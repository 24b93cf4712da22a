package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ntpguard.streams.detect.PacketEvent;

/**
 * Re-keys packet events by server for the repartition, and tells every downstream partition how far in event time
 * this upstream partition has got. The per-server windows close on the slowest upstream partition's progress, not
 * on whatever arrived last: in a replay one partition's task can run minutes of event time ahead of another's, and
 * closing on the fastest would drop the slow one's packets as late.
 *
 * <p>A progress mark goes out at most once per {@link #MARK_EVERY_MILLIS} of event time, and for every heartbeat
 * (which is how an idle partition keeps the others' windows closing).
 */
final class ProgressMarks implements Processor<Bytes, PacketEvent, Bytes, PacketEvent> {

    static final long MARK_EVERY_MILLIS = 1_000;
    private static final byte TAG = 'M';
    private static final int KEY_LENGTH = 5;

    private ProcessorContext<Bytes, PacketEvent> context;
    private Bytes markKey;
    private long streamTime = Long.MIN_VALUE;
    private long lastMark = Long.MIN_VALUE;

    @Override
    public void init(final ProcessorContext<Bytes, PacketEvent> context) {
        this.context = context;
        this.markKey = markKey(context.taskId().partition());
        // A revived task (same instance, input rewound) starts its progress over.
        streamTime = Long.MIN_VALUE;
        lastMark = Long.MIN_VALUE;
    }

    @Override
    public void process(final Record<Bytes, PacketEvent> record) {
        streamTime = Math.max(streamTime, record.timestamp());
        final boolean heartbeat = PacketEvents.isHeartbeat(record.key().get());
        if (!heartbeat) {
            context.forward(record.withKey(Bytes.wrap(record.value().server().toBytes())));
        }
        if (heartbeat || lastMark == Long.MIN_VALUE || streamTime - lastMark >= MARK_EVERY_MILLIS) {
            lastMark = streamTime;
            context.forward(new Record<>(markKey, PacketEvents.tick(streamTime), streamTime));
        }
    }

    static Bytes markKey(final int upstreamPartition) {
        return Bytes.wrap(ByteBuffer.allocate(KEY_LENGTH).put(TAG).putInt(upstreamPartition).array());
    }

    static boolean isMark(final byte[] key) {
        return key.length == KEY_LENGTH && key[0] == TAG;
    }

    static int upstreamPartition(final byte[] key) {
        return ByteBuffer.wrap(key).getInt(1);
    }
}
