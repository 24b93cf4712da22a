package org.ntpguard.streams.detect;

/** Traffic between the subject and one peer in a window, both directions, NTP payload bytes. */
public record PeerEvidence(IpAddress peer, long requests, long requestBytes, long responses, long responseBytes) {

    public PeerEvidence plus(final PeerEvidence other) {
        return new PeerEvidence(peer, requests + other.requests, requestBytes + other.requestBytes,
                responses + other.responses, responseBytes + other.responseBytes);
    }
}
