package org.ntpguard.streams.detect;

import java.util.List;

/**
 * One flow batch record as detection reads it: the sensor that sent it and its flows (an {@code NtpFlowBatch}
 * reduced at the edge of the topology).
 *
 * @param sensor the sensor's name, also in each flow
 * @param flows  the batch's flows, in the order they were sent
 */
public record FlowBatch(String sensor, List<PairFlow> flows) {
}
