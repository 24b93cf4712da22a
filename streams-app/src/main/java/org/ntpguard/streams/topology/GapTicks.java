package org.ntpguard.streams.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ntpguard.streams.detect.PacketEvent;

/**
 * Closes windows before a jump in event time. A windowed aggregate that emits on window close stores each record
 * before it emits the windows that record closed, and storing a record far ahead drops the window segments that
 * fall out of retention, unemitted. So before any record that jumps beyond the open windows, this sends a tick (an
 * empty heartbeat event) just late enough to close all of them; the windows are emitted, then the record goes on.
 * Captures with long silences (hours between packets) thus lose no detection.
 */
final class GapTicks implements Processor<Bytes, PacketEvent, Bytes, PacketEvent> {

    private final long closeDelayMillis;
    private ProcessorContext<Bytes, PacketEvent> context;
    private long lastTimestamp = Long.MIN_VALUE;

    /** @param closeDelayMillis window size plus grace: how far past a record its windows stay open */
    GapTicks(final long closeDelayMillis) {
        this.closeDelayMillis = closeDelayMillis;
    }

    @Override
    public void init(final ProcessorContext<Bytes, PacketEvent> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<Bytes, PacketEvent> record) {
        final long closeAll = lastTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : lastTimestamp + closeDelayMillis + 1;
        if (lastTimestamp != Long.MIN_VALUE && record.timestamp() > closeAll) {
            context.forward(new Record<>(Bytes.wrap(PacketEvents.HEARTBEAT_KEY), PacketEvents.tick(closeAll),
                    closeAll));
        }
        lastTimestamp = Math.max(lastTimestamp, record.timestamp());
        context.forward(record);
    }
}
