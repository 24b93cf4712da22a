package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one server did in one window, in bounded memory: the value of the per-server windowed aggregate (after
 * the repartition on the server address). The key is not stored; the topology passes it to {@link ServerDetector}.
 *
 * <p>Configuration-free: whether a mode 6/7 client is trusted is decided by the detector from the peer table. The
 * table keeps the first {@code peerTableCap} clients exactly; later clients only reach the overflow counters and the
 * distinct-clients sketch, so control responses to them are counted but their clients' trust is unknown.
 *
 * <p>Adding a flow gives the window that adding its datagrams one by one gives; past a full peer table, a client
 * enters in the order of its flow's first datagram rather than its first request or response.
 */
public final class ServerWindow {

    /** How many values {@link #totals()} has. */
    public static final int TOTALS = 11;

    private final int peerTableCap;
    private long requests;
    private long requestBytes;
    private long responses;
    private long responseBytes;
    private long controlResponses;
    private long unsynchronizedResponses;
    private long monlistResponses;
    private long monlistResponseBytes;
    private long overflowRequests;
    private long overflowResponses;
    private long overflowControlResponses;
    private final KissCodes kissCodes = new KissCodes();
    private long firstSeen = Long.MAX_VALUE;
    private long lastSeen = Long.MIN_VALUE;
    private final Sensors sensors = new Sensors();
    private final DistinctAddresses clients;
    private final Map<IpAddress, ServerPeer> peers = new HashMap<>();

    /** An empty window with the default peer table cap. */
    public ServerWindow() {
        this(DetectionConfig.defaults().peerTableCap());
    }

    public ServerWindow(final int peerTableCap) {
        this(peerTableCap, new DistinctAddresses());
    }

    private ServerWindow(final int peerTableCap, final DistinctAddresses clients) {
        if (peerTableCap < 1) {
            throw new IllegalArgumentException("peer table cap: " + peerTableCap + " (expected: >= 1)");
        }
        this.peerTableCap = peerTableCap;
        this.clients = clients;
    }

    /** Counts one packet of this server's traffic (the topology keys by {@code event.server()}). */
    public ServerWindow add(final PacketEvent e) {
        return add(PairFlow.of(e));
    }

    /** Counts one flow of this server's traffic: the same window as adding its datagrams one by one. */
    public ServerWindow add(final PairFlow f) {
        firstSeen = Math.min(firstSeen, f.firstSeen());
        lastSeen = Math.max(lastSeen, f.lastSeen());
        sensors.add(f.sensor());
        if (f.requests() == 0 && f.responses() == 0) {
            return this;
        }
        clients.add(f.client());
        final ServerPeer peer = admit(f.client());
        requests += f.requests();
        requestBytes += f.requestBytes();
        responses += f.responses();
        responseBytes += f.responseBytes();
        f.kissCodes().forEach(kissCodes::add);
        unsynchronizedResponses += f.unsynchronizedResponses();
        controlResponses += f.controlResponses();
        monlistResponses += f.monlistResponses();
        monlistResponseBytes += f.monlistResponseBytes();
        if (peer == null) {
            overflowRequests += f.requests();
            overflowResponses += f.responses();
            overflowControlResponses += f.controlResponses();
            return this;
        }
        peer.requests += f.requests();
        peer.requestBytes += f.requestBytes();
        peer.responses += f.responses();
        peer.responseBytes += f.responseBytes();
        peer.mode6Responses += f.mode6Responses();
        peer.mode7Responses += f.mode7Responses();
        peer.monlistResponses += f.monlistResponses();
        peer.verifiedResponses += f.nonceVerified().responses();
        return this;
    }

    private ServerPeer admit(final IpAddress client) {
        final ServerPeer existing = peers.get(client);
        if (existing != null || peers.size() >= peerTableCap) {
            return existing;
        }
        final ServerPeer created = new ServerPeer(client);
        peers.put(client, created);
        return created;
    }

    /** Adds another window of the same server; the other's new clients enter the table while there is room. */
    public ServerWindow merge(final ServerWindow other) {
        final long[] mine = totals();
        final long[] theirs = other.totals();
        for (int i = 0; i < TOTALS; i++) {
            mine[i] += theirs[i];
        }
        setTotals(mine);
        kissCodes.addAll(other.kissCodes);
        firstSeen = Math.min(firstSeen, other.firstSeen);
        lastSeen = Math.max(lastSeen, other.lastSeen);
        sensors.addAll(other.sensors.asList());
        clients.merge(other.clients);
        final List<ServerPeer> sorted = new ArrayList<>(other.peers.values());
        sorted.sort((a, b) -> a.client().compareTo(b.client()));
        for (final ServerPeer peer : sorted) {
            final ServerPeer row = admit(peer.client());
            if (row == null) {
                overflowRequests += peer.requests;
                overflowResponses += peer.responses;
                overflowControlResponses += peer.mode6Responses + peer.mode7Responses;
            } else {
                row.merge(peer);
            }
        }
        return this;
    }

    /** For codecs: a window with every field given. */
    public static ServerWindow restore(final int peerTableCap, final long[] totals, final Map<String, Long> kissCodes,
                                       final long firstSeen, final long lastSeen, final List<String> sensors,
                                       final DistinctAddresses clients, final Collection<ServerPeer> peers) {
        if (totals.length != TOTALS) {
            throw new IllegalArgumentException("totals: " + totals.length + " values (expected: " + TOTALS + ")");
        }
        if (peers.size() > peerTableCap) {
            throw new IllegalArgumentException("peer table: " + peers.size() + " rows (expected: <= "
                    + peerTableCap + ")");
        }
        final ServerWindow w = new ServerWindow(peerTableCap, clients);
        w.setTotals(totals);
        kissCodes.forEach(w.kissCodes::add);
        w.firstSeen = firstSeen;
        w.lastSeen = lastSeen;
        w.sensors.addAll(sensors);
        for (final ServerPeer peer : peers) {
            if (w.peers.put(peer.client(), peer) != null) {
                throw new IllegalArgumentException("peer table: " + peer.client() + " twice");
            }
        }
        return w;
    }

    /**
     * For codecs, in this order: requests, requestBytes, responses, responseBytes, controlResponses,
     * unsynchronizedResponses, monlistResponses, monlistResponseBytes, overflowRequests, overflowResponses,
     * overflowControlResponses.
     */
    public long[] totals() {
        return new long[] {requests, requestBytes, responses, responseBytes, controlResponses,
            unsynchronizedResponses, monlistResponses, monlistResponseBytes, overflowRequests, overflowResponses,
            overflowControlResponses};
    }

    private void setTotals(final long[] t) {
        requests = t[0];
        requestBytes = t[1];
        responses = t[2];
        responseBytes = t[3];
        controlResponses = t[4];
        unsynchronizedResponses = t[5];
        monlistResponses = t[6];
        monlistResponseBytes = t[7];
        overflowRequests = t[8];
        overflowResponses = t[9];
        overflowControlResponses = t[10];
    }

    public int peerTableCap() {
        return peerTableCap;
    }

    public long requests() {
        return requests;
    }

    public long requestBytes() {
        return requestBytes;
    }

    public long responses() {
        return responses;
    }

    public long responseBytes() {
        return responseBytes;
    }

    /** Mode 6 and mode 7 responses sent, to any client. */
    public long controlResponses() {
        return controlResponses;
    }

    /** Normal (non-KoD) responses declaring the server unsynchronized. */
    public long unsynchronizedResponses() {
        return unsynchronizedResponses;
    }

    public long monlistResponses() {
        return monlistResponses;
    }

    public long monlistResponseBytes() {
        return monlistResponseBytes;
    }

    public long overflowRequests() {
        return overflowRequests;
    }

    public long overflowResponses() {
        return overflowResponses;
    }

    /** Mode 6/7 responses to clients beyond the peer table, whose trust is unknown. */
    public long overflowControlResponses() {
        return overflowControlResponses;
    }

    public boolean overflowed() {
        return overflowRequests > 0 || overflowResponses > 0;
    }

    /** Kiss-o'-Death packets sent, by code. */
    public Map<String, Long> kissCodes() {
        return kissCodes.asMap();
    }

    public long firstSeen() {
        return firstSeen;
    }

    public long lastSeen() {
        return lastSeen;
    }

    public List<String> sensors() {
        return sensors.asList();
    }

    public DistinctAddresses clientsSketch() {
        return clients;
    }

    /** Distinct clients (exact while the table held them all, the HLL estimate beyond). */
    public long distinctClients() {
        final long exact = peers.size();
        return overflowed() ? Math.max(exact, clients.estimate()) : exact;
    }

    public Collection<ServerPeer> peers() {
        return Collections.unmodifiableCollection(peers.values());
    }

    public Optional<ServerPeer> find(final IpAddress client) {
        return Optional.ofNullable(peers.get(client));
    }
}
