package org.ntpguard.capture.flow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.NtpFlowBatch;

/**
 * Splits an interval's flows into one {@link NtpFlowBatch} per partition of the flows topic (and more when a
 * partition's flows exceed the batch size): a client's flows always go to the partition its address hashes to,
 * with Kafka's own murmur2, as the default partitioner would place a record keyed by that address.
 */
public final class FlowBatches {

    /** Flows per record: ~60-100 bytes each encoded, so a batch stays well under Kafka's 1 MB default. */
    public static final int DEFAULT_MAX_FLOWS_PER_BATCH = 4_096;

    /** One batch and the partition it goes to. */
    public record Partitioned(int partition, NtpFlowBatch batch) {
    }

    private FlowBatches() {
    }

    /** The partition of {@code client}'s flows among {@code partitions}. */
    public static int partition(final ByteBuffer client, final int partitions) {
        final ByteBuffer view = client.duplicate();
        final byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
    }

    /** The batches of one interval, partitions in ascending order, flows in their order within each. */
    public static List<Partitioned> split(final String sensor, final FlowInterval interval, final int partitions,
                                          final int maxFlowsPerBatch) {
        if (partitions < 1 || maxFlowsPerBatch < 1) {
            throw new IllegalArgumentException("partitions " + partitions + ", flows per batch " + maxFlowsPerBatch
                    + " (expected: 1 or more each)");
        }
        final List<List<NtpFlow>> byPartition = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (final NtpFlow flow : interval.flows()) {
            byPartition.get(partitions == 1 ? 0 : partition(flow.getClient(), partitions)).add(flow);
        }
        final List<Partitioned> batches = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            final List<NtpFlow> flows = byPartition.get(p);
            for (int from = 0; from < flows.size(); from += maxFlowsPerBatch) {
                final List<NtpFlow> slice = flows.subList(from, Math.min(flows.size(), from + maxFlowsPerBatch));
                batches.add(new Partitioned(p, NtpFlowBatch.newBuilder()
                        .setSensor(sensor)
                        .setIntervalStart(interval.intervalStartMillis())
                        .setIntervalMillis(interval.intervalMillis())
                        .setFlows(new ArrayList<>(slice))
                        .build()));
            }
        }
        return batches;
    }

    /** The latest lastSeen of the batch's flows: its record timestamp. */
    public static long timestamp(final NtpFlowBatch batch) {
        long latest = batch.getIntervalStart();
        for (final NtpFlow flow : batch.getFlows()) {
            latest = Math.max(latest, flow.getLastSeen());
        }
        return latest;
    }

    /** Datagrams combined into the batch's flows. */
    public static long packets(final NtpFlowBatch batch) {
        long packets = 0;
        for (final NtpFlow flow : batch.getFlows()) {
            packets += flow.getRequests() + flow.getResponses() + flow.getOtherPackets();
        }
        return packets;
    }
}
