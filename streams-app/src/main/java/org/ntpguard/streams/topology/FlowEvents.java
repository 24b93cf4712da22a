package org.ntpguard.streams.topology;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ntpguard.streams.detect.FlowBatch;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * Reduces the records on the input topics to what detection needs, and keys them for the topology: a flow batch's
 * flows under {@link #FLOWS_KEY}, a heartbeat under {@link #HEARTBEAT_KEY} with no flow (its record timestamp is its
 * time). The sensor's name, the batch's Kafka key, is no key here: it could look like a heartbeat's or a mark's.
 */
final class FlowEvents {

    /** Where heartbeats are keyed: no address is empty, so no client's window is touched. */
    static final byte[] HEARTBEAT_KEY = new byte[0];
    /** Where the flows of a batch are keyed before the repartition (each names its client and server). */
    static final byte[] FLOWS_KEY = {'F'};
    /** The value of records that carry only time: heartbeats, ticks, progress marks. */
    static final List<PairFlow> NONE = List.of();

    private FlowEvents() {
    }

    static boolean isHeartbeat(final byte[] key) {
        return key.length == 0;
    }

    /** Datagrams in the flows. */
    static long packets(final List<PairFlow> flows) {
        long packets = 0;
        for (final PairFlow flow : flows) {
            packets += flow.packets();
        }
        return packets;
    }

    static Bytes flowsKey() {
        return Bytes.wrap(FLOWS_KEY);
    }

    /** A batch's flows (read by {@code FlowBatchReader}), keyed {@link #FLOWS_KEY}, at the batch's record timestamp. */
    static final class Read implements Processor<Bytes, FlowBatch, Bytes, List<PairFlow>> {
        private final DetectorMetrics metrics;
        private ProcessorContext<Bytes, List<PairFlow>> context;

        Read(final DetectorMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void init(final ProcessorContext<Bytes, List<PairFlow>> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<Bytes, FlowBatch> batch) {
            metrics.sensorProgress(batch.value().sensor(), batch.timestamp());
            // An empty batch goes on too: the heartbeat gate counts its offset as read.
            context.forward(new Record<>(flowsKey(), batch.value().flows(), batch.timestamp(), batch.headers()));
        }
    }
}
