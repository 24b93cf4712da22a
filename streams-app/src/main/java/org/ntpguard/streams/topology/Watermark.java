package org.ntpguard.streams.topology;

import java.util.Arrays;

/**
 * How far event time has certainly got, for closing windows. Either this task's own stream time (the packets of a
 * source partition come in capture order), or the slowest of the upstream partitions' progress marks (after a
 * repartition, where several upstream tasks interleave at their own speeds).
 */
final class Watermark {

    private final long[] upstreams;
    private long own = Long.MIN_VALUE;

    private Watermark(final int upstreamPartitions) {
        this.upstreams = new long[upstreamPartitions];
        Arrays.fill(upstreams, Long.MIN_VALUE);
    }

    /** Stream time of this task: the latest timestamp seen. */
    static Watermark ownStreamTime() {
        return new Watermark(0);
    }

    /** The minimum over the progress marks of {@code partitions} upstream partitions; nothing closes until each has marked. */
    static Watermark slowestOf(final int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("upstream partitions: " + partitions + " (expected: >= 1)");
        }
        return new Watermark(partitions);
    }

    void observe(final long timestamp) {
        own = Math.max(own, timestamp);
    }

    /** @throws IllegalArgumentException for a partition beyond the configured count: topics and settings disagree */
    void mark(final int upstreamPartition, final long timestamp) {
        if (upstreamPartition < 0 || upstreamPartition >= upstreams.length) {
            throw new IllegalArgumentException("progress mark from upstream partition " + upstreamPartition
                    + " (expected: 0 ~ " + (upstreams.length - 1) + "; the packets topic has more partitions than "
                    + "the detector was configured for)");
        }
        upstreams[upstreamPartition] = Math.max(upstreams[upstreamPartition], timestamp);
    }

    /** How many upstream partitions mark progress: 0 for a task's own stream time. */
    int upstreamPartitions() {
        return upstreams.length;
    }


    long current() {
        if (upstreams.length == 0) {
            return own;
        }
        long slowest = Long.MAX_VALUE;
        for (final long mark : upstreams) {
            slowest = Math.min(slowest, mark);
        }
        return slowest;
    }
}
