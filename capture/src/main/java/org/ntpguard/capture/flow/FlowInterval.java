package org.ntpguard.capture.flow;

import java.util.List;
import org.ntpguard.schema.NtpFlow;

/**
 * The flows of one interval of capture time, as a {@link FlowCombiner} closed them: a sensor's unit of publishing
 * before it is split into one {@code NtpFlowBatch} per partition.
 *
 * @param intervalStartMillis start of the interval, ms since the epoch, a multiple of {@code intervalMillis}
 * @param intervalMillis      the interval's length
 * @param flows               one per (client, server) pair, in the order of their first datagram
 */
public record FlowInterval(long intervalStartMillis, int intervalMillis, List<NtpFlow> flows) {

    /** Datagrams combined into these flows. */
    public long packets() {
        long packets = 0;
        for (final NtpFlow flow : flows) {
            packets += flow.getRequests() + flow.getResponses() + flow.getOtherPackets();
        }
        return packets;
    }
}
