package org.ntpguard.streams.detect;

import java.util.List;
import java.util.Map;

/**
 * The counters behind an alert, from the subject's point of view: requests it sent (or, for a server, received)
 * and responses it received (or sent), NTP payload bytes.
 *
 * @param byteRatio     response bytes / request bytes; {@link Double#POSITIVE_INFINITY} when responses came
 *                      without any request
 * @param distinctPeers distinct peers in the window (exact up to the peer table's cap, estimated beyond)
 * @param topPeers      the peers with the most bytes, most first, at most {@code DetectionConfig.topPeers()}
 * @param kissCodes     Kiss-o'-Death counts by code
 */
public record Evidence(long requests, long requestBytes, long responses, long responseBytes, double byteRatio,
                       long distinctPeers, List<PeerEvidence> topPeers, Map<String, Long> kissCodes) {

    public static double ratio(final long responseBytes, final long requestBytes) {
        if (requestBytes == 0) {
            return responseBytes == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return (double) responseBytes / requestBytes;
    }
}
