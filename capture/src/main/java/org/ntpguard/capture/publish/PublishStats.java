package org.ntpguard.capture.publish;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link FlowPublisher} did with the packets it was given, at one moment.
 *
 * @param published   packets the broker acknowledged, in their flows
 * @param dropped     packets dropped by the capture thread because the queue was full
 * @param sendErrors  packets the producer failed to deliver, by exception class (simple name)
 * @param unsent      packets still held when shutdown ran out of time: neither published nor failed
 * @param heartbeats  heartbeat records the broker acknowledged (one per partition per beat)
 * @param heartbeatErrors heartbeat records that failed (harmless one by one: the next beat says more)
 * @param flows       flows the broker acknowledged
 * @param batches     flow batch records the broker acknowledged
 * @param packetRecords per-packet forensic records the broker acknowledged (only with packets published)
 */
public record PublishStats(long published, long dropped, Map<String, Long> sendErrors, long unsent, long heartbeats,
                           long heartbeatErrors, long flows, long batches, long packetRecords) {

    public PublishStats {
        sendErrors = Map.copyOf(sendErrors);
    }

    public long sendErrorCount() {
        return sendErrors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code published 300, dropped 0, send errors 0} and, when there are any, the errors by class. */
    public String summary() {
        final StringBuilder text = new StringBuilder()
                .append("published ").append(published)
                .append(" (").append(flows).append(" flows in ").append(batches).append(" records")
                .append(packetRecords > 0 ? ", " + packetRecords + " packet records" : "").append(')')
                .append(", dropped (queue full) ").append(dropped)
                .append(", send errors ").append(sendErrorCount());
        if (!sendErrors.isEmpty()) {
            text.append(' ').append(new TreeMap<>(sendErrors));
        }
        if (unsent > 0) {
            text.append(", unsent at shutdown ").append(unsent);
        }
        return text.toString();
    }
}
