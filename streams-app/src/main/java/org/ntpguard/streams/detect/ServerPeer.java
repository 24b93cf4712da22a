package org.ntpguard.streams.detect;

/**
 * A server's traffic with one client in one window, exact: one row of {@link ServerWindow}'s peer table. Trust is
 * decided at detection time from the client's address, so the aggregate does not depend on configuration.
 */
public final class ServerPeer {

    private final IpAddress client;
    long requests;
    long requestBytes;
    long responses;
    long responseBytes;
    long mode6Responses;
    long mode7Responses;
    long monlistResponses;
    long verifiedResponses;

    public ServerPeer(final IpAddress client) {
        this.client = client;
    }

    /** For codecs: a peer with every counter given. */
    public static ServerPeer restore(final IpAddress client, final long requests, final long requestBytes,
                                     final long responses, final long responseBytes, final long mode6Responses,
                                     final long mode7Responses, final long monlistResponses) {
        final ServerPeer peer = new ServerPeer(client);
        peer.requests = requests;
        peer.requestBytes = requestBytes;
        peer.responses = responses;
        peer.responseBytes = responseBytes;
        peer.mode6Responses = mode6Responses;
        peer.mode7Responses = mode7Responses;
        peer.monlistResponses = monlistResponses;
        return peer;
    }

    void merge(final ServerPeer other) {
        requests += other.requests;
        requestBytes += other.requestBytes;
        responses += other.responses;
        responseBytes += other.responseBytes;
        mode6Responses += other.mode6Responses;
        mode7Responses += other.mode7Responses;
        monlistResponses += other.monlistResponses;
        verifiedResponses += other.verifiedResponses;
    }

    /** For codecs: the nonce-verified responses of a restored peer. */
    public ServerPeer restoreVerified(final long responses) {
        verifiedResponses = responses;
        return this;
    }

    /** Mode 6 READ_MRU responses to requests that echoed this server's nonce: no exposure to a spoofer. */
    public long verifiedResponses() {
        return verifiedResponses;
    }

    public IpAddress client() {
        return client;
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

    public long mode6Responses() {
        return mode6Responses;
    }

    public long mode7Responses() {
        return mode7Responses;
    }

    public long monlistResponses() {
        return monlistResponses;
    }

    public PeerEvidence evidence() {
        return new PeerEvidence(client, requests, requestBytes, responses, responseBytes);
    }
}
