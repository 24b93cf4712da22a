package org.ntpguard.streams.detect;

/**
 * The site's upstream servers, learned from the traffic: a server that home clients ask and that answers them in
 * kind. Unsolicited "responses" are easy to forge, and REFLECTOR blocks unsolicited senders by default, so without
 * this an attacker could forge responses "from" the site's own time servers to a victim and have the site block them,
 * cutting off its own time. A learned upstream is still alerted on; it is never blocklisted automatically.
 *
 * <p>Forging the requests as well would take home source addresses from outside, which the edge's ingress filtering
 * stops (BCP 38), and the sensor sees them come in on the wrong side of that edge.
 */
public final class SiteUpstreams {

    private SiteUpstreams() {
    }

    /**
     * Whether, in this closed window, at least one home client asked the server and got answers no larger than a
     * normal exchange (below the victim ratio): the server is one the site uses, not a reflector towards it.
     */
    public static boolean servesTheSite(final IpAddress server, final ServerWindow window,
                                        final DetectionConfig config) {
        if (config.isHome(server)) {
            return false; // a home server is never blocklisted anyway (DetectionConfig#blockHome aside)
        }
        for (final ServerPeer peer : window.peers()) {
            if (peer.requests() > 0 && peer.responses() > 0 && config.isHome(peer.client())
                    && Evidence.ratio(peer.responseBytes(), peer.requestBytes()) < config.victimMinRatio()) {
                return true;
            }
        }
        return false;
    }
}
