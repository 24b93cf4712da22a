package org.ntpguard.streams.detect;

import java.util.Arrays;

/**
 * A client's traffic with one server in one window, exact: one row of {@link ClientWindow}'s peer table.
 *
 * <p>"Requests after a RATE KoD" does not depend on the order packets are processed in: the peer keeps the earliest
 * RATE KoD's timestamp, counts a request whose timestamp is later, and remembers the timestamps of up to
 * {@value #PENDING_REQUEST_TIMES} requests not (yet) after any known RATE KoD (the latest ones). When a RATE KoD with
 * an earlier timestamp shows up, the remembered requests later than it are counted then. The count is exact as long
 * as at most {@value #PENDING_REQUEST_TIMES} requests to this server after that KoD were processed before it, and a
 * lower bound of at least {@value #PENDING_REQUEST_TIMES} otherwise: well above the default threshold of 5.
 *
 * <p>Ports (flow schema version 2): a later flow's requests count as after a RATE KoD only from the client ports
 * that were sent one, so that behind a NAT a kissed host does not make its neighbours "ignore" a KoD they never got.
 * Remembered request times carry no port: a RATE KoD stamped earlier that arrives later (another sensor) still
 * counts them whatever their port. The busiest port's requests are kept by the Space-Saving algorithm (Metwally
 * et al., 2005) over {@value #PORT_TABLE} ports: a port that sent more than 1/{@value #PORT_TABLE} of the requests is
 * always in the table, and {@link #busiestPortRequests()} is a lower bound (count minus the count it inherited).
 */
public final class ClientPeer {

    /** Request timestamps remembered per peer for late, earlier-stamped RATE KoDs; bounds memory per peer. */
    public static final int PENDING_REQUEST_TIMES = 16;

    /** No RATE KoD seen. */
    public static final long NO_KOD = Long.MAX_VALUE;

    private final IpAddress server;
    long requests;
    long requestBytes;
    long responses;
    long responseBytes;
    long kods;
    long rateKods;
    long firstRateKod = NO_KOD;
    long requestsAfterRateKod;
    long mode6Requests;
    long mode7Requests;
    long monlistRequests;
    long monlistResponses;
    long verifiedRequestBytes;
    long verifiedResponses;
    long verifiedResponseBytes;
    private long[] pending = new long[0];

    /** Client ports tracked per server: many more mean NAT or spoofed random ports. */
    public static final int PORT_TABLE = 8;
    private int[] ports = new int[0];
    private long[] portRequests = new long[0];
    private long[] portInherited = new long[0];
    /** Client ports sent a RATE KoD; {@code anyPortKissed} when one of them is unknown or the list is full. */
    private int[] kissedPorts = new int[0];
    private boolean anyPortKissed;

    public ClientPeer(final IpAddress server) {
        this.server = server;
    }

    /** For codecs: a peer with every counter given. */
    public static ClientPeer restore(final IpAddress server, final long requests, final long requestBytes,
                                     final long responses, final long responseBytes, final long kods,
                                     final long rateKods, final long firstRateKod, final long requestsAfterRateKod,
                                     final long mode6Requests, final long mode7Requests, final long monlistRequests,
                                     final long monlistResponses, final long[] pendingRequestTimes) {
        if (pendingRequestTimes.length > PENDING_REQUEST_TIMES) {
            throw new IllegalArgumentException("pending request times: " + pendingRequestTimes.length
                    + " (expected: <= " + PENDING_REQUEST_TIMES + ")");
        }
        final ClientPeer peer = new ClientPeer(server);
        peer.requests = requests;
        peer.requestBytes = requestBytes;
        peer.responses = responses;
        peer.responseBytes = responseBytes;
        peer.kods = kods;
        peer.rateKods = rateKods;
        peer.firstRateKod = firstRateKod;
        peer.requestsAfterRateKod = requestsAfterRateKod;
        peer.mode6Requests = mode6Requests;
        peer.mode7Requests = mode7Requests;
        peer.monlistRequests = monlistRequests;
        peer.monlistResponses = monlistResponses;
        peer.pending = pendingRequestTimes.clone();
        return peer;
    }

    /** For codecs: the port table and the kissed ports of a restored peer. */
    public ClientPeer restorePorts(final int[] tablePorts, final long[] tableRequests, final long[] tableInherited,
                                   final int[] kissed, final boolean anyKissed) {
        if (tablePorts.length > PORT_TABLE || kissed.length > PORT_TABLE || tableRequests.length != tablePorts.length
                || tableInherited.length != tablePorts.length) {
            throw new IllegalArgumentException("port table: " + tablePorts.length + " ports, " + tableRequests.length
                    + " counts, " + tableInherited.length + " inherited, " + kissed.length + " kissed (expected: "
                    + "as many counts as ports, at most " + PORT_TABLE + ")");
        }
        ports = tablePorts.clone();
        portRequests = tableRequests.clone();
        portInherited = tableInherited.clone();
        kissedPorts = kissed.clone();
        anyPortKissed = anyKissed;
        return this;
    }

    /** For codecs: the nonce-verified READ_MRU bytes and responses of a restored peer. */
    public ClientPeer restoreVerified(final long requestBytes, final long responses, final long responseBytes) {
        verifiedRequestBytes = requestBytes;
        verifiedResponses = responses;
        verifiedResponseBytes = responseBytes;
        return this;
    }

    /** NTP bytes of READ_MRU requests that echoed this server's nonce. */
    public long verifiedRequestBytes() {
        return verifiedRequestBytes;
    }

    /** READ_MRU responses to nonce-verified requests: the requester proved its address. */
    public long verifiedResponses() {
        return verifiedResponses;
    }

    public long verifiedResponseBytes() {
        return verifiedResponseBytes;
    }

    /**
     * Responses other than answers to nonce-verified requests: what reflection is judged on. Never below 0: a
     * REQ_NONCE answer is proven by the READ_MRU that echoes it, which may fall in the next window.
     */
    public long unverifiedResponses() {
        return Math.max(0, responses - verifiedResponses);
    }

    public long unverifiedResponseBytes() {
        return Math.max(0, responseBytes - verifiedResponseBytes);
    }

    public long unverifiedRequestBytes() {
        return Math.max(0, requestBytes - verifiedRequestBytes);
    }

    /** For codecs: the tracked client ports. */
    public int[] tablePorts() {
        return ports.clone();
    }

    /** For codecs: requests per tracked port, same order. */
    public long[] tablePortRequests() {
        return portRequests.clone();
    }

    /** For codecs: what each tracked port inherited when it took its row. */
    public long[] tablePortInherited() {
        return portInherited.clone();
    }

    /** For codecs: the client ports sent a RATE KoD. */
    public int[] kissedPorts() {
        return kissedPorts.clone();
    }

    /** For codecs: a RATE KoD went to a port not known or not listed. */
    public boolean anyPortKissed() {
        return anyPortKissed;
    }

    void request(final long timestamp, final int bytes) {
        requests++;
        requestBytes += bytes;
        if (timestamp > firstRateKod) {
            requestsAfterRateKod++;
        } else {
            remember(timestamp);
        }
    }

    void response(final int bytes) {
        responses++;
        responseBytes += bytes;
    }

    void rateKod(final long timestamp) {
        rateKods++;
        earliestRateKod(timestamp);
    }

    private void earliestRateKod(final long timestamp) {
        if (timestamp >= firstRateKod) {
            return;
        }
        firstRateKod = timestamp;
        int kept = 0;
        for (final long t : pending) {
            if (t > timestamp) {
                requestsAfterRateKod++;
            } else {
                pending[kept++] = t;
            }
        }
        pending = Arrays.copyOf(pending, kept);
    }

    /** Keeps the latest {@link #PENDING_REQUEST_TIMES}: the earliest are the least likely to follow a late KoD. */
    private void remember(final long timestamp) {
        if (pending.length < PENDING_REQUEST_TIMES) {
            pending = Arrays.copyOf(pending, pending.length + 1);
            pending[pending.length - 1] = timestamp;
            return;
        }
        int min = 0;
        for (int i = 1; i < pending.length; i++) {
            if (pending[i] < pending[min]) {
                min = i;
            }
        }
        if (timestamp > pending[min]) {
            pending[min] = timestamp;
        }
    }

    /**
     * Adds a flow with this peer's server, as its datagrams would have been added one by one: the flow's RATE KoD
     * figures are those a peer of its own counted in capture order, merged as {@link #merge} does. When every
     * datagram of the flow comes after this peer's earliest RATE KoD, all its requests count, as they would have
     * one by one (its remembered request times are only the latest {@value #PENDING_REQUEST_TIMES}).
     */
    void add(final PairFlow f) {
        requests += f.requests();
        requestBytes += f.requestBytes();
        responses += f.responses();
        responseBytes += f.responseBytes();
        kods += f.kods();
        rateKods += f.rateKods();
        mode6Requests += f.mode6Requests();
        mode7Requests += f.mode7Requests();
        monlistRequests += f.monlistRequests();
        monlistResponses += f.monlistResponses();
        verifiedRequestBytes += f.nonceVerified().requestBytes();
        verifiedResponses += f.nonceVerified().responses();
        verifiedResponseBytes += f.nonceVerified().responseBytes();
        countPorts(f.ports(), f.requests());
        if (f.firstSeen() > firstRateKod) {
            requestsAfterRateKod += requestsFromKissedPorts(f.ports(), f.requests());
        } else {
            requestsAfterRateKod += f.requestsAfterRateKod();
            for (final long t : f.pendingRequestTimes()) {
                if (t > firstRateKod) {
                    requestsAfterRateKod++;
                } else {
                    remember(t);
                }
            }
            earliestRateKod(f.firstRateKod());
        }
        if (f.rateKods() > 0) {
            if (!f.ports().known()) {
                anyPortKissed = true;
            }
            for (final int port : f.ports().rateKodPorts()) {
                kissed(port);
            }
        }
    }

    private long requestsFromKissedPorts(final FlowPorts flowPorts, final long requests) {
        if (!flowPorts.known() || anyPortKissed) {
            return requests;
        }
        long n = 0;
        for (int i = 0; i < flowPorts.ports().length; i++) {
            if (contains(kissedPorts, flowPorts.ports()[i])) {
                n += flowPorts.requests()[i];
            }
        }
        return n;
    }

    private void kissed(final int port) {
        if (anyPortKissed || contains(kissedPorts, port)) {
            return;
        }
        if (kissedPorts.length == PORT_TABLE) {
            anyPortKissed = true;
            return;
        }
        kissedPorts = Arrays.copyOf(kissedPorts, kissedPorts.length + 1);
        kissedPorts[kissedPorts.length - 1] = port;
    }

    private static boolean contains(final int[] values, final int value) {
        for (final int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private void countPorts(final FlowPorts flowPorts, final long requests) {
        if (!flowPorts.known()) {
            countPort(FlowPorts.UNKNOWN_PORT, requests, 0);
            return;
        }
        for (int i = 0; i < flowPorts.ports().length; i++) {
            countPort(flowPorts.ports()[i], flowPorts.requests()[i], 0);
        }
    }

    /** Space-Saving: a new port that finds the table full takes the least-counted row, inheriting its count. */
    private void countPort(final int port, final long requests, final long inherited) {
        if (requests == 0) {
            return;
        }
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] == port) {
                portRequests[i] += requests;
                portInherited[i] += inherited;
                return;
            }
        }
        if (ports.length < PORT_TABLE) {
            ports = Arrays.copyOf(ports, ports.length + 1);
            portRequests = Arrays.copyOf(portRequests, ports.length);
            portInherited = Arrays.copyOf(portInherited, ports.length);
            ports[ports.length - 1] = port;
            portRequests[ports.length - 1] = requests;
            portInherited[ports.length - 1] = inherited;
            return;
        }
        int min = 0;
        for (int i = 1; i < ports.length; i++) {
            if (portRequests[i] < portRequests[min]) {
                min = i;
            }
        }
        ports[min] = port;
        portInherited[min] = portRequests[min] + inherited;
        portRequests[min] += requests;
    }

    /**
     * Requests from the busiest client port to this server, a lower bound (exact while at most {@value #PORT_TABLE}
     * ports sent requests). Requests of flows without port figures count as from one port.
     */
    public long busiestPortRequests() {
        long most = 0;
        for (int i = 0; i < ports.length; i++) {
            most = Math.max(most, portRequests[i] - portInherited[i]);
        }
        return most;
    }

    void merge(final ClientPeer other) {
        requests += other.requests;
        requestBytes += other.requestBytes;
        responses += other.responses;
        responseBytes += other.responseBytes;
        kods += other.kods;
        mode6Requests += other.mode6Requests;
        mode7Requests += other.mode7Requests;
        monlistRequests += other.monlistRequests;
        monlistResponses += other.monlistResponses;
        verifiedRequestBytes += other.verifiedRequestBytes;
        verifiedResponses += other.verifiedResponses;
        verifiedResponseBytes += other.verifiedResponseBytes;
        // Each side counted its own requests against its own earliest KoD; re-judge what each still remembers
        // against the merged earliest KoD. Requests one side already counted stay counted: they are later than
        // that side's KoD, hence later than the merged (earlier or equal) one.
        requestsAfterRateKod += other.requestsAfterRateKod;
        rateKods += other.rateKods;
        for (int i = 0; i < other.ports.length; i++) {
            countPort(other.ports[i], other.portRequests[i], other.portInherited[i]);
        }
        anyPortKissed |= other.anyPortKissed;
        for (final int port : other.kissedPorts) {
            kissed(port);
        }
        for (final long t : other.pending) {
            if (t > firstRateKod) {
                requestsAfterRateKod++;
            } else {
                remember(t);
            }
        }
        earliestRateKod(other.firstRateKod);
    }

    public IpAddress server() {
        return server;
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

    /** Kiss-o'-Death packets of any code received from this server. */
    public long kods() {
        return kods;
    }

    public long rateKods() {
        return rateKods;
    }

    /** Timestamp of the earliest RATE KoD, or {@link #NO_KOD}. */
    public long firstRateKod() {
        return firstRateKod;
    }

    /** Requests to this server stamped after its earliest RATE KoD. */
    public long requestsAfterRateKod() {
        return requestsAfterRateKod;
    }

    public long mode6Requests() {
        return mode6Requests;
    }

    public long mode7Requests() {
        return mode7Requests;
    }

    public long monlistRequests() {
        return monlistRequests;
    }

    public long monlistResponses() {
        return monlistResponses;
    }

    /** A copy of the remembered request timestamps not after any known RATE KoD (for codecs). */
    public long[] pendingRequestTimes() {
        return pending.clone();
    }

    /** Responses came from this server without any request to it in the window. */
    public boolean unsolicited() {
        return requests == 0 && responses > 0;
    }

    /** This traffic from the client's side: the server is the peer. */
    public PeerEvidence evidence() {
        return new PeerEvidence(server, requests, requestBytes, responses, responseBytes);
    }

    /**
     * The same traffic from the server's side, for an alert whose subject is the server: the client is the peer
     * (the counters read the same: requests the server received, responses it sent).
     */
    public PeerEvidence serverSideEvidence(final IpAddress client) {
        return new PeerEvidence(client, requests, requestBytes, responses, responseBytes);
    }
}
