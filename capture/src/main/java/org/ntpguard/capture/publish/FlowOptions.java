package org.ntpguard.capture.publish;

import java.time.Duration;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.flow.FlowCombiner;

/**
 * How a sensor combines and publishes.
 *
 * @param interval         capture time one flow covers (whole milliseconds dividing a minute)
 * @param maxFlows         flows held at once before all are closed early
 * @param maxFlowsPerBatch flows per Kafka record
 * @param publishPackets   also publish every datagram as an NtpPacket to the packets topic (forensics; detection
 *                         never reads it)
 */
public record FlowOptions(Duration interval, int maxFlows, int maxFlowsPerBatch, boolean publishPackets) {

    public FlowOptions {
        FlowCombiner.checkInterval(interval);
        if (maxFlows < 1 || maxFlowsPerBatch < 1) {
            throw new IllegalArgumentException("flow table " + maxFlows + ", flows per batch " + maxFlowsPerBatch
                    + " (expected: 1 or more each)");
        }
    }

    public static FlowOptions defaults() {
        return new FlowOptions(FlowCombiner.DEFAULT_INTERVAL, FlowCombiner.DEFAULT_MAX_FLOWS,
                FlowBatches.DEFAULT_MAX_FLOWS_PER_BATCH, false);
    }

    public FlowOptions withPublishPackets(final boolean publish) {
        return new FlowOptions(interval, maxFlows, maxFlowsPerBatch, publish);
    }

    public FlowOptions withMaxFlows(final int flows) {
        return new FlowOptions(interval, flows, maxFlowsPerBatch, publishPackets);
    }

    public FlowOptions withInterval(final Duration length) {
        return new FlowOptions(length, maxFlows, maxFlowsPerBatch, publishPackets);
    }
}
