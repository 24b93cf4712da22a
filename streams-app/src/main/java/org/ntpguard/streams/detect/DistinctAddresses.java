package org.ntpguard.streams.detect;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * An estimate of how many distinct addresses were seen, in bounded memory whatever their number: an Apache
 * DataSketches HLL sketch, lgK {@value #LG_K} (4,096 four-bit buckets: relative standard error about 1.6%, at most
 * about 2.6 KB serialized, a few dozen bytes while few addresses have been seen).
 */
public final class DistinctAddresses {

    /** log2 of the bucket count; 12 keeps the error near 1.6% for 1.04 / sqrt(4096). */
    public static final int LG_K = 12;

    private final long[] key = new long[2];
    private HllSketch sketch;

    public DistinctAddresses() {
        this(new HllSketch(LG_K, TgtHllType.HLL_4));
    }

    private DistinctAddresses(final HllSketch sketch) {
        this.sketch = sketch;
    }

    /** Restores from {@link #toBytes()}. */
    public static DistinctAddresses fromBytes(final byte[] bytes) {
        try {
            return new DistinctAddresses(HllSketch.heapify(bytes));
        } catch (RuntimeException e) {
            // DataSketches throws its own unchecked exceptions (and an occasional index error) on damaged bytes.
            throw new IllegalArgumentException("bad HLL sketch (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    public void add(final IpAddress address) {
        // The version bit keeps an IPv4 address apart from the IPv6 address ::a.b.c.d.
        key[0] = address.ipv6() ? address.high() : -1L;
        key[1] = address.low();
        sketch.update(key);
    }

    public long estimate() {
        return Math.round(sketch.getEstimate());
    }

    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    /** Adds the other's addresses to this one. */
    public void merge(final DistinctAddresses other) {
        final Union union = new Union(LG_K);
        union.update(sketch);
        union.update(other.sketch);
        sketch = union.getResult(TgtHllType.HLL_4);
    }

    public byte[] toBytes() {
        return sketch.toCompactByteArray();
    }
}
