package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one client did in one window, in bounded memory: the value of the per-client windowed aggregate. The
 * key (the client's address) is not stored; the topology passes it to {@link ClientDetector}.
 *
 * <p>Bounds: the per-server peer table keeps the first {@code peerTableCap} servers exactly; later servers only reach
 * the overflow counters and the distinct-count sketches, so a random-source flood costs at most the table, three
 * HLL sketches of about 2.6 KB each, {@value KissCodes#MAX_CODES} kiss codes and {@value Sensors#MAX} sensor names.
 * Totals (requests, responses, bytes, monlist) always count every packet.
 *
 * <p>Flows may come in any order: every counter is a sum, min or max, and "requests after a RATE KoD" is
 * order-independent as {@link ClientPeer} explains. Adding a flow gives the window that adding its datagrams one by
 * one gives, with two differences past the bounds only: a server enters a full peer table in the order of its
 * flow's first datagram rather than its first request or response (the same unless the flow starts with a
 * symmetric or broadcast datagram, and only the {@code peerTableCap + 1}st server on is concerned), and a sensor
 * counts at most {@value org.ntpguard.streams.detect.ClientPeer#PENDING_REQUEST_TIMES} request times per flow for
 * a RATE KoD of the same pair that another flow (another sensor, a late datagram) stamps earlier.
 */
public final class ClientWindow {

    private final int peerTableCap;
    private long requests;
    private long requestBytes;
    private long responses;
    private long responseBytes;
    private long monlistRequests;
    private long monlistRequestBytes;
    private long monlistResponses;
    private long monlistResponseBytes;
    private long overflowRequests;
    private long overflowResponses;
    private long controlOpcodes;
    private long requestCodesLow;
    private long requestCodesHigh;
    private final KissCodes kissCodes = new KissCodes();
    private long firstSeen = Long.MAX_VALUE;
    private long lastSeen = Long.MIN_VALUE;
    private final Sensors sensors = new Sensors();
    private final DistinctAddresses serversAsked;
    private final DistinctAddresses serversAnswering;
    private final DistinctAddresses controlServersAsked;
    private final Map<IpAddress, ClientPeer> peers = new HashMap<>();
    /** Distinct client ports requests came from, up to {@link #PORT_SAMPLE}; full once more were seen. */
    private int[] requestPorts = new int[0];

    /**
     * Distinct request ports counted exactly per window. 64: a scanner or an NTP client keeps one port (chrony a new
     * one per request, 2 per server and 30 s at its fastest default); a spoofed flood draws a random one per packet.
     */
    public static final int PORT_SAMPLE = 64;

    /** An empty window with the default peer table cap. */
    public ClientWindow() {
        this(DetectionConfig.defaults().peerTableCap());
    }

    public ClientWindow(final int peerTableCap) {
        this(peerTableCap, new DistinctAddresses(), new DistinctAddresses(), new DistinctAddresses());
    }

    private ClientWindow(final int peerTableCap, final DistinctAddresses serversAsked,
                         final DistinctAddresses serversAnswering, final DistinctAddresses controlServersAsked) {
        if (peerTableCap < 1) {
            throw new IllegalArgumentException("peer table cap: " + peerTableCap + " (expected: >= 1)");
        }
        this.peerTableCap = peerTableCap;
        this.serversAsked = serversAsked;
        this.serversAnswering = serversAnswering;
        this.controlServersAsked = controlServersAsked;
    }

    /** Counts one packet of this client's traffic (the topology keys by {@code event.client()}). */
    public ClientWindow add(final PacketEvent e) {
        return add(PairFlow.of(e));
    }

    /**
     * Counts one flow of this client's traffic: the same window as adding its datagrams one by one (see the class
     * comment for where the peer table's admission order can differ).
     */
    public ClientWindow add(final PairFlow f) {
        firstSeen = Math.min(firstSeen, f.firstSeen());
        lastSeen = Math.max(lastSeen, f.lastSeen());
        sensors.add(f.sensor());
        if (f.requests() > 0) {
            addRequests(f);
        }
        if (f.responses() > 0) {
            addResponses(f);
        }
        if (f.requests() == 0 && f.responses() == 0) {
            return this;
        }
        final ClientPeer peer = admit(f.server());
        if (peer == null) {
            overflowRequests += f.requests();
            overflowResponses += f.responses();
        } else {
            peer.add(f);
        }
        return this;
    }

    private void addRequests(final PairFlow f) {
        requests += f.requests();
        requestBytes += f.requestBytes();
        serversAsked.add(f.server());
        if (f.controlRequests() > 0) {
            controlServersAsked.add(f.server());
        }
        if (!f.ports().known()) {
            requestPort(FlowPorts.UNKNOWN_PORT);
        } else {
            for (int i = 0; i < f.ports().ports().length; i++) {
                if (f.ports().requests()[i] > 0) {
                    requestPort(f.ports().ports()[i]);
                }
            }
            if (f.requests() > f.ports().listedRequests()) {
                // More ports than the flow lists: at least one beyond them, and the flow alone had 8 already.
                requestPorts = Arrays.copyOf(requestPorts, PORT_SAMPLE);
            }
        }
        controlOpcodes |= f.controlOpcodes();
        requestCodesLow |= f.requestCodesLow();
        requestCodesHigh |= f.requestCodesHigh();
        monlistRequests += f.monlistRequests();
        monlistRequestBytes += f.monlistRequestBytes();
    }

    private void requestPort(final int port) {
        if (requestPorts.length == PORT_SAMPLE) {
            return;
        }
        for (final int p : requestPorts) {
            if (p == port) {
                return;
            }
        }
        requestPorts = Arrays.copyOf(requestPorts, requestPorts.length + 1);
        requestPorts[requestPorts.length - 1] = port;
    }

    /** Distinct client ports of the requests, exact up to {@link #PORT_SAMPLE}, which then stands for "as many or more". */
    public int distinctRequestPorts() {
        return requestPorts.length;
    }

    /** For codecs: the request ports seen (a full sample may hold placeholder zeros). */
    public int[] requestPorts() {
        return requestPorts.clone();
    }

    /** For codecs: restores the request ports. */
    public ClientWindow restoreRequestPorts(final int[] ports) {
        if (ports.length > PORT_SAMPLE) {
            throw new IllegalArgumentException("request ports: " + ports.length + " (expected: <= " + PORT_SAMPLE
                    + ")");
        }
        requestPorts = ports.clone();
        return this;
    }

    private void addResponses(final PairFlow f) {
        responses += f.responses();
        responseBytes += f.responseBytes();
        serversAnswering.add(f.server());
        f.kissCodes().forEach(kissCodes::add);
        monlistResponses += f.monlistResponses();
        monlistResponseBytes += f.monlistResponseBytes();
    }

    /** The server's row, created while the table has room; null once it is full and the server is new. */
    private ClientPeer admit(final IpAddress server) {
        final ClientPeer existing = peers.get(server);
        if (existing != null || peers.size() >= peerTableCap) {
            return existing;
        }
        final ClientPeer created = new ClientPeer(server);
        peers.put(server, created);
        return created;
    }

    /**
     * Adds another window of the same client (hopping or session windows, tests). The peer table keeps this
     * window's rows and admits the other's new servers while there is room; the rest go to the overflow counters.
     */
    public ClientWindow merge(final ClientWindow other) {
        requests += other.requests;
        requestBytes += other.requestBytes;
        responses += other.responses;
        responseBytes += other.responseBytes;
        monlistRequests += other.monlistRequests;
        monlistRequestBytes += other.monlistRequestBytes;
        monlistResponses += other.monlistResponses;
        monlistResponseBytes += other.monlistResponseBytes;
        overflowRequests += other.overflowRequests;
        overflowResponses += other.overflowResponses;
        if (other.requestPorts.length == PORT_SAMPLE) {
            requestPorts = Arrays.copyOf(requestPorts, PORT_SAMPLE);
        }
        for (final int port : other.requestPorts) {
            requestPort(port);
        }
        controlOpcodes |= other.controlOpcodes;
        requestCodesLow |= other.requestCodesLow;
        requestCodesHigh |= other.requestCodesHigh;
        kissCodes.addAll(other.kissCodes);
        firstSeen = Math.min(firstSeen, other.firstSeen);
        lastSeen = Math.max(lastSeen, other.lastSeen);
        sensors.addAll(other.sensors.asList());
        serversAsked.merge(other.serversAsked);
        serversAnswering.merge(other.serversAnswering);
        controlServersAsked.merge(other.controlServersAsked);
        for (final ClientPeer theirs : sortedByAddress(other.peers.values())) {
            final ClientPeer mine = admit(theirs.server());
            if (mine == null) {
                overflowRequests += theirs.requests;
                overflowResponses += theirs.responses;
            } else {
                mine.merge(theirs);
            }
        }
        return this;
    }

    private static List<ClientPeer> sortedByAddress(final Collection<ClientPeer> peers) {
        final List<ClientPeer> sorted = new ArrayList<>(peers);
        sorted.sort((a, b) -> a.server().compareTo(b.server()));
        return sorted;
    }

    /** For codecs: a window with every field given. */
    public static ClientWindow restore(final int peerTableCap, final long[] totals, final long controlOpcodes,
                                       final long requestCodesLow, final long requestCodesHigh,
                                       final Map<String, Long> kissCodes, final long firstSeen, final long lastSeen,
                                       final List<String> sensors, final DistinctAddresses serversAsked,
                                       final DistinctAddresses serversAnswering,
                                       final DistinctAddresses controlServersAsked,
                                       final Collection<ClientPeer> peers) {
        if (totals.length != TOTALS) {
            throw new IllegalArgumentException("totals: " + totals.length + " values (expected: " + TOTALS + ")");
        }
        if (peers.size() > peerTableCap) {
            throw new IllegalArgumentException("peer table: " + peers.size() + " rows (expected: <= "
                    + peerTableCap + ")");
        }
        final ClientWindow w = new ClientWindow(peerTableCap, serversAsked, serversAnswering, controlServersAsked);
        w.requests = totals[0];
        w.requestBytes = totals[1];
        w.responses = totals[2];
        w.responseBytes = totals[3];
        w.monlistRequests = totals[4];
        w.monlistRequestBytes = totals[5];
        w.monlistResponses = totals[6];
        w.monlistResponseBytes = totals[7];
        w.overflowRequests = totals[8];
        w.overflowResponses = totals[9];
        w.controlOpcodes = controlOpcodes;
        w.requestCodesLow = requestCodesLow;
        w.requestCodesHigh = requestCodesHigh;
        kissCodes.forEach(w.kissCodes::add);
        w.firstSeen = firstSeen;
        w.lastSeen = lastSeen;
        w.sensors.addAll(sensors);
        for (final ClientPeer peer : peers) {
            if (w.peers.put(peer.server(), peer) != null) {
                throw new IllegalArgumentException("peer table: " + peer.server() + " twice");
            }
        }
        return w;
    }

    /** How many values {@link #totals()} has. */
    public static final int TOTALS = 10;

    /**
     * For codecs, in this order: requests, requestBytes, responses, responseBytes, monlistRequests,
     * monlistRequestBytes, monlistResponses, monlistResponseBytes, overflowRequests, overflowResponses.
     */
    public long[] totals() {
        return new long[] {requests, requestBytes, responses, responseBytes, monlistRequests, monlistRequestBytes,
            monlistResponses, monlistResponseBytes, overflowRequests, overflowResponses};
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

    public long monlistRequests() {
        return monlistRequests;
    }

    public long monlistRequestBytes() {
        return monlistRequestBytes;
    }

    public long monlistResponses() {
        return monlistResponses;
    }

    public long monlistResponseBytes() {
        return monlistResponseBytes;
    }

    /** Requests to servers that found the peer table full. */
    public long overflowRequests() {
        return overflowRequests;
    }

    /** Responses from servers that found the peer table full. */
    public long overflowResponses() {
        return overflowResponses;
    }

    /** Some traffic went to servers beyond the peer table: counts from the table are then lower bounds. */
    public boolean overflowed() {
        return overflowRequests > 0 || overflowResponses > 0;
    }

    /** Bit n set when the client sent a mode 6 request with opcode n (RFC 9327: 5 bits). */
    public long controlOpcodes() {
        return controlOpcodes;
    }

    /** Bit n set when the client sent a mode 7 request with request code n, 0..63. */
    public long requestCodesLow() {
        return requestCodesLow;
    }

    /** Bit n set when the client sent a mode 7 request with request code 64 + n. */
    public long requestCodesHigh() {
        return requestCodesHigh;
    }

    public Map<String, Long> kissCodes() {
        return kissCodes.asMap();
    }

    /** Timestamp of the earliest packet, {@link Long#MAX_VALUE} while empty. */
    public long firstSeen() {
        return firstSeen;
    }

    /** Timestamp of the latest packet, {@link Long#MIN_VALUE} while empty. */
    public long lastSeen() {
        return lastSeen;
    }

    public List<String> sensors() {
        return sensors.asList();
    }

    public DistinctAddresses serversAskedSketch() {
        return serversAsked;
    }

    public DistinctAddresses serversAnsweringSketch() {
        return serversAnswering;
    }

    public DistinctAddresses controlServersAskedSketch() {
        return controlServersAsked;
    }

    /** Distinct servers sent requests: exact while the table held them all, the HLL estimate beyond. */
    public long distinctServersAsked() {
        return distinct(peers.values().stream().filter(p -> p.requests() > 0).count(), serversAsked);
    }

    /** Distinct servers that sent responses (exact, or estimated beyond the peer table). */
    public long distinctServersAnswering() {
        return distinct(peers.values().stream().filter(p -> p.responses() > 0).count(), serversAnswering);
    }

    /** Distinct servers sent mode 6 or 7 requests (exact, or estimated beyond the peer table). */
    public long distinctControlServersAsked() {
        return distinct(peers.values().stream().filter(p -> p.mode6Requests() + p.mode7Requests() > 0).count(),
                controlServersAsked);
    }

    private long distinct(final long exact, final DistinctAddresses sketch) {
        return overflowed() ? Math.max(exact, sketch.estimate()) : exact;
    }

    /** The peer table, unmodifiable, in no particular order. */
    public Collection<ClientPeer> peers() {
        return Collections.unmodifiableCollection(peers.values());
    }

    /** The server's row, if it made it into the peer table. */
    public Optional<ClientPeer> find(final IpAddress server) {
        return Optional.ofNullable(peers.get(server));
    }
}
