package org.ntpguard.cli.report;

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
        final IpAddress address;
        long requests;
        long requestBytes;
        long responses;
        long responseBytes;
        /** The first peer; the sketch takes over from the second distinct one (most of a flood's have one). */
        private IpAddress firstPeer;
        private DistinctAddresses peers;

        Totals(final IpAddress address) {
            this.address = address;
        }

        void peer(final IpAddress peer) {
            if (firstPeer == null) {
                firstPeer = peer;
            } else if (peers != null) {
                peers.add(peer);
            } else if (!firstPeer.equals(peer)) {
                peers = new DistinctAddresses();
                peers.add(firstPeer);
                peers.add(peer);
            }
        }

        /** Response bytes per request byte, or -1 when no request was seen. */
        double byteRatio() {
            return requestBytes == 0 ? -1 : (double) responseBytes / requestBytes;
        }

        /** Distinct peers counted (an estimate within about 2% past one), 0 where they are not counted. */
        long distinctPeers() {
            return peers != null ? peers.estimate() : firstPeer == null ? 0 : 1;
        }

        /** The address as text. */
        String text() {
            return address.toString();
        }
    }

    private final Side side;
    private final int capacity;
    private final ToLongFunction<Totals> rank;
    private final Map<IpAddress, Totals> totals = new HashMap<>();
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
        final IpAddress address = IpAddress.of(side == Side.CLIENT ? flow.getClient() : flow.getServer());
        Totals entry = totals.get(address);
        if (entry == null) {
            if (totals.size() >= capacity) {
                prune();
            }
            entry = new Totals(address);
            totals.put(address, entry);
            seen.add(address);
        }
        entry.requests += flow.getRequests();
        entry.requestBytes += flow.getRequestBytes();
        entry.responses += flow.getResponses();
        entry.responseBytes += flow.getResponseBytes();
        if (side == Side.SERVER) {
            entry.peer(IpAddress.of(flow.getClient()));
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
