package org.ntpguard.cli.report;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.streams.detect.DistinctAddresses;
import org.ntpguard.streams.detect.IpAddress;

/**
 * Traffic totals by address, for the report's top lists, in bounded memory: at most {@code capacity} addresses are
 * kept. When the table is full, the lower half by {@code rank} is let go and counted: a spoofed flood of millions of
 * addresses costs a prune now and then, never a table of millions. An address let go and seen again starts from
 * zero, so its totals may be low by at most {@link #largestDropped()}; the page says so when it happened.
 */
final class TopAddresses {

    /** Which end of a flow an address is. */
    enum Side {
        CLIENT,
        SERVER
    }

    /** One address's totals; a server's also counts its distinct clients. */
    static final class Totals {
        final ByteBuffer address;
        long requests;
        long requestBytes;
        long responses;
        long responseBytes;
        final DistinctAddresses peers;

        Totals(final ByteBuffer address, final boolean countPeers) {
            this.address = address;
            this.peers = countPeers ? new DistinctAddresses() : null;
        }

        /** Response bytes per request byte, or -1 when no request was seen. */
        double byteRatio() {
            return requestBytes == 0 ? -1 : (double) responseBytes / requestBytes;
        }

        /** Distinct peers (an estimate within about 2%), 0 for a client. */
        long distinctPeers() {
            return peers == null ? 0 : peers.estimate();
        }
    }

    private final Side side;
    private final int capacity;
    private final ToLongFunction<Totals> rank;
    private final Map<ByteBuffer, Totals> totals = new HashMap<>();
    private final DistinctAddresses seen = new DistinctAddresses();
    private long dropped;
    private long largestDropped;

    /**
     * @param capacity the most addresses kept
     * @param rank     what decides which addresses are kept when the table is full
     */
    TopAddresses(final Side side, final int capacity, final ToLongFunction<Totals> rank) {
        if (capacity < 2) {
            throw new IllegalArgumentException("top addresses capacity: " + capacity + " (expected: 2 or more)");
        }
        this.side = side;
        this.capacity = capacity;
        this.rank = rank;
    }

    void add(final NtpFlow flow) {
        final ByteBuffer address = side == Side.CLIENT ? flow.getClient() : flow.getServer();
        Totals entry = totals.get(address);
        if (entry == null) {
            if (totals.size() >= capacity) {
                prune();
            }
            final byte[] copy = new byte[address.remaining()];
            address.duplicate().get(copy);
            entry = new Totals(ByteBuffer.wrap(copy), side == Side.SERVER);
            totals.put(entry.address, entry);
            seen.add(IpAddress.of(entry.address));
        }
        entry.requests += flow.getRequests();
        entry.requestBytes += flow.getRequestBytes();
        entry.responses += flow.getResponses();
        entry.responseBytes += flow.getResponseBytes();
        if (entry.peers != null) {
            entry.peers.add(IpAddress.of(flow.getClient()));
        }
    }

    /** Lets the lower half by rank go. */
    private void prune() {
        final List<Totals> sorted = new ArrayList<>(totals.values());
        sorted.sort(Comparator.comparingLong(rank).reversed());
        for (final Totals gone : sorted.subList(capacity / 2, sorted.size())) {
            totals.remove(gone.address);
            largestDropped = Math.max(largestDropped, rank.applyAsLong(gone));
            dropped++;
        }
    }

    /** The {@code n} kept addresses first by {@code order}. */
    List<Totals> top(final int n, final Comparator<Totals> order) {
        return totals.values().stream().sorted(order).limit(n).toList();
    }

    /** The kept addresses first by {@code order}, among those {@code include} accepts. */
    List<Totals> top(final int n, final Comparator<Totals> order, final java.util.function.Predicate<Totals> include) {
        return totals.values().stream().filter(include).sorted(order).limit(n).toList();
    }

    /** Distinct addresses seen, kept or not (an estimate within about 2%). */
    long distinct() {
        return seen.estimate();
    }

    /** Times an address was let go to keep the table bounded. */
    long dropped() {
        return dropped;
    }

    /** The highest rank of an address let go: how low a kept address's figure may be. */
    long largestDropped() {
        return largestDropped;
    }

    int capacity() {
        return capacity;
    }
}
