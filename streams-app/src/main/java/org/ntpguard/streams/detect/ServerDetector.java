package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The detections one server's closed window supports: MONLIST_ABUSE (the server as reflector), EXPOSED_CONTROL and
 * UNSYNCHRONIZED_SERVER. Pure and deterministic. A server whose only traffic is normal mode 3/4 with synchronized
 * answers raises nothing, whoever its clients are.
 */
public final class ServerDetector {

    private ServerDetector() {
    }

    public static List<Detection> evaluate(final IpAddress server, final long windowStart, final long windowEnd,
                                           final ServerWindow window, final DetectionConfig config) {
        final List<Detection> out = new ArrayList<>();
        monlist(server, windowStart, windowEnd, window, config, out);
        exposedControl(server, windowStart, windowEnd, window, config, out);
        unsynchronized(server, windowStart, windowEnd, window, config, out);
        return List.copyOf(out);
    }

    /**
     * Answering MON_GETLIST(_1) to anyone outside the home networks makes a reflector (CVE-2013-5211); enough
     * packets make it urgent. An administrator's ntpdc from inside is not abuse (the server is still worth fixing,
     * but that is a configuration audit, not an alert). Monlist replies to peers beyond the peer table's cap count
     * as untrusted: a flood that overflows the table is no reason to look away.
     */
    private static void monlist(final IpAddress server, final long windowStart, final long windowEnd,
                                final ServerWindow w, final DetectionConfig cfg, final List<Detection> out) {
        if (w.monlistResponses() == 0) {
            return;
        }
        final List<ServerPeer> clients = w.peers().stream().filter(p -> p.monlistResponses() > 0).toList();
        final List<ServerPeer> untrusted = clients.stream()
                .filter(p -> !cfg.isHome(p.client())).toList();
        final long inTable = clients.stream().mapToLong(ServerPeer::monlistResponses).sum();
        final long packets = untrusted.stream().mapToLong(ServerPeer::monlistResponses).sum()
                + Math.max(0, w.monlistResponses() - inTable);
        if (packets == 0) {
            return;
        }
        final long bytes = w.monlistResponseBytes() * packets / w.monlistResponses();
        final Severity severity = packets >= cfg.monlistMinResponses() ? Severity.HIGH : Severity.MEDIUM;
        final String summary = server + " answered monlist (CVE-2013-5211) with "
                + Text.plural(packets, "packet", "packets") + " ("
                + Text.count(bytes) + " bytes) to "
                + Text.plural(untrusted.size(), "client", "clients") + " outside the home networks in "
                + Text.span(windowStart, windowEnd);
        final Evidence evidence = new Evidence(w.requests(), w.requestBytes(), w.responses(), w.responseBytes(),
                Evidence.ratio(w.responseBytes(), w.requestBytes()), w.distinctClients(),
                top(untrusted, ServerPeer::responseBytes, cfg), w.kissCodes());
        out.add(new Detection(AlertType.MONLIST_ABUSE, severity, server, AlertRole.REFLECTOR, false, windowStart,
                windowEnd, w.firstSeen(), w.lastSeen(), evidence, w.sensors(), summary));
    }

    private static void exposedControl(final IpAddress server, final long windowStart, final long windowEnd,
                                       final ServerWindow w, final DetectionConfig cfg, final List<Detection> out) {
        // Answers to nonce-verified READ_MRU requests went to a requester that proved its address: not exposure.
        final List<ServerPeer> untrusted = w.peers().stream()
                .filter(p -> p.mode6Responses() + p.mode7Responses() - p.verifiedResponses() > 0)
                .filter(p -> !cfg.isHome(p.client()))
                .toList();
        if (untrusted.isEmpty()) {
            return;
        }
        final long mode6 = untrusted.stream().mapToLong(p -> Math.max(0, p.mode6Responses() - p.verifiedResponses())).sum();
        final long mode7 = untrusted.stream().mapToLong(ServerPeer::mode7Responses).sum();
        final String modes = mode6 > 0 && mode7 > 0 ? "mode 6 and mode 7" : mode6 > 0 ? "mode 6" : "mode 7";
        final String summary = server + " answered " + modes + " queries from "
                + Text.plural(untrusted.size(), "client", "clients") + " outside the home networks ("
                + Text.plural(mode6 + mode7, "response", "responses") + ", first "
                + sorted(untrusted, ServerPeer::responseBytes).get(0).client() + ") in "
                + Text.span(windowStart, windowEnd);
        final long requests = untrusted.stream().mapToLong(ServerPeer::requests).sum();
        final long requestBytes = untrusted.stream().mapToLong(ServerPeer::requestBytes).sum();
        final long responses = untrusted.stream().mapToLong(ServerPeer::responses).sum();
        final long responseBytes = untrusted.stream().mapToLong(ServerPeer::responseBytes).sum();
        final Evidence evidence = new Evidence(requests, requestBytes, responses, responseBytes,
                Evidence.ratio(responseBytes, requestBytes), untrusted.size(),
                top(untrusted, ServerPeer::responseBytes, cfg), w.kissCodes());
        out.add(new Detection(AlertType.EXPOSED_CONTROL, Severity.INFO, server, AlertRole.SERVER, false,
                windowStart, windowEnd, w.firstSeen(), w.lastSeen(), evidence, w.sensors(), summary));
    }

    private static void unsynchronized(final IpAddress server, final long windowStart, final long windowEnd,
                                       final ServerWindow w, final DetectionConfig cfg, final List<Detection> out) {
        if (w.unsynchronizedResponses() < cfg.unsynchronizedMinResponses()) {
            return;
        }
        final String summary = server + " handed out time while unsynchronized (LI=3 or stratum 0/16) in "
                + Text.plural(w.unsynchronizedResponses(), "response", "responses") + " to "
                + Text.plural(w.distinctClients(), "client", "clients") + " in " + Text.span(windowStart, windowEnd);
        final Evidence evidence = new Evidence(w.requests(), w.requestBytes(), w.responses(), w.responseBytes(),
                Evidence.ratio(w.responseBytes(), w.requestBytes()), w.distinctClients(),
                top(w.peers(), ServerPeer::responses, cfg), w.kissCodes());
        out.add(new Detection(AlertType.UNSYNCHRONIZED_SERVER, Severity.LOW, server, AlertRole.SERVER, false,
                windowStart, windowEnd, w.firstSeen(), w.lastSeen(), evidence, w.sensors(), summary));
    }

    private static List<PeerEvidence> top(final java.util.Collection<ServerPeer> peers,
                                          final ToLongFunction<ServerPeer> measure, final DetectionConfig cfg) {
        return sorted(peers, measure).stream().limit(cfg.topPeers()).map(ServerPeer::evidence).toList();
    }

    private static List<ServerPeer> sorted(final java.util.Collection<ServerPeer> peers,
                                           final ToLongFunction<ServerPeer> measure) {
        final List<ServerPeer> list = new ArrayList<>(peers);
        list.sort(Comparator.comparingLong(measure).reversed().thenComparing(ServerPeer::client));
        return list;
    }
}
