package org.ntpguard.capture.decode;

import java.nio.ByteBuffer;

/**
 * Remembers which fragmented IP datagrams carry NTP, so that their later fragments (no UDP header) are attributed to
 * the datagram already decoded from its first fragment. Bounded whatever the traffic: a fixed number of slots in
 * parallel primitive arrays, entries forgotten after a timeout in capture time, and, when every slot a key may use
 * is live, the oldest of them evicted and counted. A fragment flood therefore costs evictions, never memory.
 *
 * <p>The key is RFC 791's (source, destination, protocol, identification); IPv6 uses the Fragment header's 32-bit
 * identification (RFC 8200 §4.5). Fragments may arrive in any order: a later fragment seen first is kept as pending
 * and claimed when its first fragment turns out to be NTP.
 */
public final class FragmentTable {

    /** Slots; a power of two. 4096 datagrams in flight is far beyond what a mirror port carries of fragmented NTP. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** Linux's ipfrag_time: a datagram whose fragments span more than this is given up. */
    public static final long DEFAULT_TIMEOUT_NANOS = 30_000_000_000L;
    /** Slots a key may occupy, starting at its hash. */
    static final int PROBES = 8;

    private static final byte EMPTY = 0;
    private static final byte PENDING = 1;
    private static final byte NTP = 2;

    private final int mask;
    private final long timeoutNanos;
    private final long[] sourceHigh;
    private final long[] sourceLow;
    private final long[] destinationHigh;
    private final long[] destinationLow;
    private final long[] identity;
    private final long[] lastSeenNanos;
    private final byte[] state;
    private long evictions;

    public FragmentTable() {
        this(DEFAULT_CAPACITY, DEFAULT_TIMEOUT_NANOS);
    }

    public FragmentTable(final int capacity, final long timeoutNanos) {
        if (capacity < PROBES || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity=" + capacity + " (expected: a power of two >= " + PROBES + ")");
        }
        this.mask = capacity - 1;
        this.timeoutNanos = timeoutNanos;
        sourceHigh = new long[capacity];
        sourceLow = new long[capacity];
        destinationHigh = new long[capacity];
        destinationLow = new long[capacity];
        identity = new long[capacity];
        lastSeenNanos = new long[capacity];
        state = new byte[capacity];
    }

    /** The first fragment of an NTP datagram was decoded: its later fragments are NTP's. */
    public void rememberNtp(final ByteBuffer buffer, final int sourceIndex, final int destinationIndex,
                            final int addressLength, final long id, final long nowNanos) {
        final int slot = find(buffer, sourceIndex, destinationIndex, addressLength, id, nowNanos);
        state[slot] = NTP;
        lastSeenNanos[slot] = nowNanos;
    }

    /**
     * A later fragment arrived.
     *
     * @return true when it belongs to a datagram known to be NTP
     */
    public boolean isNtpFragment(final ByteBuffer buffer, final int sourceIndex, final int destinationIndex,
                                 final int addressLength, final long id, final long nowNanos) {
        final int slot = find(buffer, sourceIndex, destinationIndex, addressLength, id, nowNanos);
        lastSeenNanos[slot] = nowNanos;
        if (state[slot] == NTP) {
            return true;
        }
        state[slot] = PENDING;
        return false;
    }

    /** Entries evicted while still live because every slot their key could use was taken. */
    public long evictions() {
        return evictions;
    }

    /** Live entries; for tests and metrics, O(capacity). */
    public int size(final long nowNanos) {
        int live = 0;
        for (int slot = 0; slot <= mask; slot++) {
            if (isLive(slot, nowNanos)) {
                live++;
            }
        }
        return live;
    }

    private int find(final ByteBuffer buffer, final int sourceIndex, final int destinationIndex,
                     final int addressLength, final long id, final long nowNanos) {
        final long srcHigh = addressLength == 4 ? 0 : buffer.getLong(sourceIndex);
        final long srcLow = addressLength == 4 ? buffer.getInt(sourceIndex) & 0xFFFF_FFFFL
                : buffer.getLong(sourceIndex + 8);
        final long dstHigh = addressLength == 4 ? 0 : buffer.getLong(destinationIndex);
        final long dstLow = addressLength == 4 ? buffer.getInt(destinationIndex) & 0xFFFF_FFFFL
                : buffer.getLong(destinationIndex + 8);
        final int home = hash(srcHigh, srcLow, dstHigh, dstLow, id);
        int free = -1;
        int oldest = home;
        for (int probe = 0; probe < PROBES; probe++) {
            final int slot = (home + probe) & mask;
            if (!isLive(slot, nowNanos)) {
                if (free < 0) {
                    free = slot;
                }
                continue;
            }
            if (sourceHigh[slot] == srcHigh && sourceLow[slot] == srcLow && destinationHigh[slot] == dstHigh
                    && destinationLow[slot] == dstLow && identity[slot] == id) {
                return slot;
            }
            if (lastSeenNanos[slot] < lastSeenNanos[oldest]) {
                oldest = slot;
            }
        }
        final int slot;
        if (free >= 0) {
            slot = free;
        } else {
            slot = oldest;
            evictions++;
        }
        sourceHigh[slot] = srcHigh;
        sourceLow[slot] = srcLow;
        destinationHigh[slot] = dstHigh;
        destinationLow[slot] = dstLow;
        identity[slot] = id;
        state[slot] = PENDING;
        return slot;
    }

    private boolean isLive(final int slot, final long nowNanos) {
        return state[slot] != EMPTY && nowNanos - lastSeenNanos[slot] <= timeoutNanos
                && nowNanos - lastSeenNanos[slot] >= -timeoutNanos;
    }

    private int hash(final long srcHigh, final long srcLow, final long dstHigh, final long dstLow, final long id) {
        long h = srcHigh * 0x9E3779B97F4A7C15L;
        h = (h ^ srcLow) * 0x9E3779B97F4A7C15L;
        h = (h ^ dstHigh) * 0x9E3779B97F4A7C15L;
        h = (h ^ dstLow) * 0x9E3779B97F4A7C15L;
        h = (h ^ id) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
