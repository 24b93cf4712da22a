package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.ToLongFunction;

/**
 * The detections one client's closed window supports: AMPLIFICATION_VICTIM, REFLECTOR (the servers answering it),
 * MONLIST_ABUSE (the client as the address spoofed monlist requests claim to come from, or as a monlist prober),
 * SPOOFED_SOURCE, SCANNER, KOD_IGNORED and FAST_POLL. Pure and deterministic: the same window and config give the
 * same list, peers sorted by bytes then address.
 *
 * <p>Traffic between two home addresses is the site's own: it raises no REFLECTOR, and servers of the site do not
 * count towards a home client's SCANNER (a monitoring host polling the site's servers is not scanning).
 *
 * <p>A client flagged as a victim (by volume, unsolicited answers or monlist) raises no SCANNER, KOD_IGNORED,
 * FAST_POLL or monlist prober alert in the same window: its "requests" are then most likely spoofed by the attacker,
 * and SCANNER and KOD_IGNORED are blocklisted by default, which would finish the attack for the attacker. Requests
 * from many random source ports mark a spoof target the same way: a scanner keeps one port, a spoofer draws one per
 * packet.
 */
public final class ClientDetector {

    private ClientDetector() {
    }

    public static List<Detection> evaluate(final IpAddress client, final long windowStart, final long windowEnd,
                                           final ClientWindow window, final DetectionConfig config) {
        final Context c = new Context(client, windowStart, windowEnd, window, config);
        final List<Detection> out = new ArrayList<>();
        final boolean amplified = c.victim(out);
        final boolean monlistVictim = c.monlistVictim(out);
        c.reflectors(amplified || monlistVictim, out);
        if (!amplified && !monlistVictim && !c.spoofedSource(out)) {
            c.monlistProber(out);
            c.scanner(out);
            c.kodIgnored(out);
        }
        return List.copyOf(out);
    }

    /** One evaluation's inputs, so that each rule reads as a short method. */
    private record Context(IpAddress client, long windowStart, long windowEnd, ClientWindow w, DetectionConfig cfg) {

        boolean victim(final List<Detection> out) {
            // Answers to nonce-verified READ_MRU requests went to the address that asked: no amplification victim.
            final long responseBytes = Math.max(0, w.responseBytes()
                    - w.peers().stream().mapToLong(ClientPeer::verifiedResponseBytes).sum());
            final double ratio = Evidence.ratio(responseBytes, Math.max(0, w.requestBytes()
                    - w.peers().stream().mapToLong(ClientPeer::verifiedRequestBytes).sum()));
            final boolean byVolume = responseBytes >= cfg.victimMinResponseBytes() && ratio >= cfg.victimMinRatio();
            long unsolicitedResponses = 0;
            long unsolicitedBytes = 0;
            long unsolicitedServers = 0;
            for (final ClientPeer p : w.peers()) {
                if (p.unsolicited()) {
                    unsolicitedResponses += p.responses();
                    unsolicitedBytes += p.responseBytes();
                    unsolicitedServers++;
                }
            }
            final boolean unsolicited = unsolicitedResponses >= cfg.victimMinUnsolicitedResponses()
                    && unsolicitedServers >= cfg.victimMinUnsolicitedServers();
            if (!byVolume && !unsolicited) {
                return false;
            }
            final String summary;
            if (byVolume) {
                summary = client + " received " + Text.count(w.responseBytes()) + " bytes in "
                        + Text.plural(w.responses(), "NTP response", "NTP responses") + " from "
                        + Text.plural(w.distinctServersAnswering(), "server", "servers") + " for "
                        + Text.count(w.requestBytes()) + " bytes of requests (" + Text.ratio(ratio) + ") in "
                        + Text.span(windowStart, windowEnd);
            } else {
                summary = client + " received " + Text.plural(unsolicitedResponses, "NTP response", "NTP responses")
                        + " (" + Text.count(unsolicitedBytes) + " bytes) from "
                        + Text.plural(unsolicitedServers, "server", "servers") + " it never asked in "
                        + Text.span(windowStart, windowEnd);
            }
            out.add(detection(AlertType.AMPLIFICATION_VICTIM, Severity.HIGH, client, AlertRole.VICTIM, false,
                    windowEvidence(w.distinctServersAnswering(), top(ClientPeer::responseBytes)), summary));
            return true;
        }

        boolean monlistVictim(final List<Detection> out) {
            if (w.monlistResponses() < cfg.monlistMinResponses()) {
                return false;
            }
            final List<ClientPeer> servers = w.peers().stream().filter(p -> p.monlistResponses() > 0).toList();
            final String requests = PrivateRequestCodes.monlist(w.requestCodesLow());
            final String summary = client + " is the target of monlist reflection: received "
                    + Text.plural(w.monlistResponses(), requests + " response", requests + " responses") + " ("
                    + Text.count(w.monlistResponseBytes()) + " bytes) from "
                    + Text.plural(servers.size(), "server", "servers") + " for "
                    + Text.plural(w.monlistRequests(), "request", "requests") + " sent in its name in "
                    + Text.span(windowStart, windowEnd);
            final Evidence evidence = new Evidence(w.monlistRequests(), w.monlistRequestBytes(),
                    w.monlistResponses(), w.monlistResponseBytes(),
                    Evidence.ratio(w.monlistResponseBytes(), w.monlistRequestBytes()), servers.size(),
                    top(servers, ClientPeer::monlistResponses), w.kissCodes());
            out.add(detection(AlertType.MONLIST_ABUSE, Severity.HIGH, client, AlertRole.VICTIM, false, evidence,
                    summary));
            return true;
        }

        void reflectors(final boolean victim, final List<Detection> out) {
            for (final ClientPeer p : sorted(w.peers(), ClientPeer::responseBytes)) {
                // Answers to a requester that echoed the server's nonce are no reflection: judged without them.
                if (p.unverifiedResponses() == 0 || siteInternal(p)) {
                    continue;
                }
                final double ratio = Evidence.ratio(p.unverifiedResponseBytes(), p.unverifiedRequestBytes());
                final boolean forVictim = victim && (p.unsolicited() || ratio >= cfg.victimMinRatio());
                final boolean alone = p.unverifiedResponseBytes() >= cfg.reflectorMinResponseBytes()
                        && ratio >= cfg.victimMinRatio();
                if (!forVictim && !alone) {
                    continue;
                }
                final String summary = p.unsolicited()
                        ? p.server() + " sent " + Text.plural(p.responses(), "NTP response", "NTP responses") + " ("
                        + Text.count(p.responseBytes()) + " bytes) to " + client + " which never asked it, in "
                        + Text.span(windowStart, windowEnd)
                        : p.server() + " sent " + Text.count(p.responseBytes()) + " bytes in "
                        + Text.plural(p.responses(), "NTP response", "NTP responses") + " to " + client + " for "
                        + Text.count(p.requestBytes()) + " bytes of requests (" + Text.ratio(ratio) + ") in "
                        + Text.span(windowStart, windowEnd);
                final Evidence evidence = new Evidence(p.requests(), p.requestBytes(), p.responses(),
                        p.responseBytes(), ratio, 1,
                        List.of(p.serverSideEvidence(client)),
                        kisses(p));
                out.add(detection(AlertType.REFLECTOR, Severity.HIGH, p.server(), AlertRole.REFLECTOR,
                        p.unsolicited(), evidence, summary));
            }
        }

        /**
         * Requests that a scanner would send, from as many source ports as a spoofer draws: the address is the
         * target of the spoofing, not its author. Raised instead of SCANNER, never blocklisted by default.
         */
        boolean spoofedSource(final List<Detection> out) {
            final long[] asked = serversAskedOutsideSite();
            final long servers = asked[0];
            if (servers < cfg.scannerMinServers() && asked[1] < cfg.scannerMinControlServers()
                    || w.distinctRequestPorts() < cfg.spoofMinPorts()) {
                return false;
            }
            final String ports = w.distinctRequestPorts() >= ClientWindow.PORT_SAMPLE
                    ? Text.count(ClientWindow.PORT_SAMPLE) + " or more" : Text.count(w.distinctRequestPorts());
            final String summary = "requests claiming to come from " + client + " reached "
                    + Text.plural(servers, "distinct server", "distinct servers") + " from " + ports
                    + " source ports (" + Text.plural(w.requests(), "request", "requests") + ", "
                    + Text.plural(w.responses(), "response", "responses") + " back) in "
                    + Text.span(windowStart, windowEnd) + ": most likely spoofed in its name";
            out.add(detection(AlertType.SPOOFED_SOURCE, Severity.LOW, client, AlertRole.VICTIM, false,
                    windowEvidence(servers, top(ClientPeer::requestBytes)), summary));
            return true;
        }

        /**
         * MON_GETLIST(_1) requests from outside the trusted networks, answered or not: someone looking for
         * reflectors (or the spoofed victim of an attack just starting, hence not blocklisted by default).
         */
        void monlistProber(final List<Detection> out) {
            if (w.monlistRequests() < cfg.monlistProbeMinRequests() || cfg.isHome(client)) {
                return;
            }
            final List<ClientPeer> servers = w.peers().stream().filter(p -> p.monlistRequests() > 0).toList();
            final long askedServers = Math.max(servers.size(), w.overflowed() ? 1 : 0);
            final String summary = client + " sent " + Text.plural(w.monlistRequests(), "MON_GETLIST request",
                    "MON_GETLIST requests") + " to " + Text.plural(askedServers, "server", "servers") + " and got "
                    + Text.plural(w.monlistResponses(), "response", "responses") + " in "
                    + Text.span(windowStart, windowEnd);
            final Evidence evidence = new Evidence(w.monlistRequests(), w.monlistRequestBytes(),
                    w.monlistResponses(), w.monlistResponseBytes(),
                    Evidence.ratio(w.monlistResponseBytes(), w.monlistRequestBytes()), askedServers,
                    top(servers, ClientPeer::monlistRequests), w.kissCodes());
            out.add(detection(AlertType.MONLIST_ABUSE, Severity.MEDIUM, client, AlertRole.PROBER, false, evidence,
                    summary));
        }

        /**
         * Distinct servers asked and asked mode 6/7, leaving out the site's own servers when the client is home:
         * {servers, controlServers}.
         */
        private long[] serversAskedOutsideSite() {
            long homeServers = 0;
            long homeControlServers = 0;
            if (cfg.isHome(client)) {
                for (final ClientPeer p : w.peers()) {
                    if (p.requests() > 0 && cfg.isHome(p.server())) {
                        homeServers++;
                        if (p.mode6Requests() + p.mode7Requests() > 0) {
                            homeControlServers++;
                        }
                    }
                }
            }
            // The distinct counts are estimates; the home servers are counted exactly in the peer table.
            return new long[] {Math.max(0, w.distinctServersAsked() - homeServers),
                Math.max(0, w.distinctControlServersAsked() - homeControlServers)};
        }

        void scanner(final List<Detection> out) {
            final long[] asked = serversAskedOutsideSite();
            final long servers = asked[0];
            final long controlServers = asked[1];
            if (servers < cfg.scannerMinServers() && controlServers < cfg.scannerMinControlServers()) {
                return;
            }
            final StringBuilder summary = new StringBuilder().append(client).append(" sent ")
                    .append(Text.plural(w.requests(), "NTP request", "NTP requests")).append(" to ")
                    .append(Text.plural(servers, "distinct server", "distinct servers"));
            if (controlServers > 0) {
                summary.append(", mode 6/7 to ").append(Text.count(controlServers));
                final String codes = codes();
                if (!codes.isEmpty()) {
                    summary.append(" (").append(codes).append(')');
                }
            }
            summary.append(", in ").append(Text.span(windowStart, windowEnd));
            out.add(detection(AlertType.SCANNER, Severity.MEDIUM, client, AlertRole.SCANNER, false,
                    windowEvidence(servers, top(ClientPeer::requestBytes)), summary.toString()));
        }

        void kodIgnored(final List<Detection> out) {
            final List<ClientPeer> ignored = new ArrayList<>();
            final List<ClientPeer> fast = new ArrayList<>();
            for (final ClientPeer p : sorted(w.peers(), ClientPeer::requests)) {
                if (p.requestsAfterRateKod() >= cfg.kodIgnoredMinRequests()) {
                    ignored.add(p);
                } else if (p.busiestPortRequests() >= cfg.fastPollMinRequests()
                        || p.requests() >= cfg.fastPollMinAddressRequests()) {
                    fast.add(p);
                }
            }
            fastPoll(fast, out);
            if (ignored.isEmpty()) {
                return;
            }
            final ClientPeer worst = ignored.get(0);
            final StringBuilder summary = new StringBuilder().append(client).append(" sent ")
                    .append(Text.plural(worst.requests(), "request", "requests")).append(" to ")
                    .append(worst.server()).append(" in ").append(Text.span(windowStart, windowEnd));
            if (worst.rateKods() > 0) {
                summary.append(", ").append(Text.count(worst.requestsAfterRateKod()))
                        .append(" of them after its first RATE Kiss-o'-Death (")
                        .append(Text.plural(worst.rateKods(), "RATE KoD", "RATE KoDs")).append(" received)");
            }
            if (ignored.size() > 1) {
                summary.append("; ").append(Text.count(ignored.size() - 1)).append(" more servers polled as fast");
            }
            out.add(detection(AlertType.KOD_IGNORED, Severity.MEDIUM, client, AlertRole.CLIENT, false,
                    windowEvidence(w.distinctServersAsked(), top(ignored, ClientPeer::requestBytes)),
                    summary.toString()));
            for (final ClientPeer p : ignored) {
                if (p.kods() == 0) {
                    continue;
                }
                final String serverSummary = p.server() + " sent " + Text.plural(p.kods(), "Kiss-o'-Death",
                        "Kiss-o'-Death packets") + " to " + client + ", which kept polling ("
                        + Text.plural(p.requests(), "request", "requests") + ", "
                        + Text.count(p.requestsAfterRateKod()) + " after the first RATE) in "
                        + Text.span(windowStart, windowEnd);
                final Evidence evidence = new Evidence(p.requests(), p.requestBytes(), p.responses(),
                        p.responseBytes(), Evidence.ratio(p.responseBytes(), p.requestBytes()), 1,
                        List.of(p.serverSideEvidence(client)), kisses(p));
                out.add(detection(AlertType.KOD_IGNORED, Severity.INFO, p.server(), AlertRole.SERVER, false,
                        evidence, serverSummary));
            }
        }

        /**
         * Polling one server far faster than any sane client, from one source port (or, from many ports, faster
         * than a large NAT), without a RATE KoD that it ignored: not blocklisted by default.
         */
        private void fastPoll(final List<ClientPeer> fast, final List<Detection> out) {
            if (fast.isEmpty()) {
                return;
            }
            final ClientPeer worst = fast.get(0);
            final StringBuilder summary = new StringBuilder().append(client).append(" sent ")
                    .append(Text.plural(worst.requests(), "request", "requests")).append(" to ")
                    .append(worst.server()).append(" (").append(Text.count(worst.busiestPortRequests()))
                    .append(" from its busiest source port) in ").append(Text.span(windowStart, windowEnd));
            if (fast.size() > 1) {
                summary.append("; ").append(Text.count(fast.size() - 1)).append(" more servers polled as fast");
            }
            out.add(detection(AlertType.FAST_POLL, Severity.LOW, client, AlertRole.CLIENT, false,
                    windowEvidence(w.distinctServersAsked(), top(fast, ClientPeer::requestBytes)),
                    summary.toString()));
        }

        /** Both ends are the site's own addresses. */
        private boolean siteInternal(final ClientPeer p) {
            return cfg.isHome(client) && cfg.isHome(p.server());
        }

        private String codes() {
            final StringJoiner joiner = new StringJoiner(", ");
            final StringJoiner opcodes = new StringJoiner(" ");
            for (int i = 0; i < 64; i++) {
                if ((w.controlOpcodes() & (1L << i)) != 0) {
                    opcodes.add(ControlOpcodes.name(i));
                }
            }
            if (opcodes.length() > 0) {
                joiner.add("mode 6 " + opcodes);
            }
            final StringJoiner requestCodes = new StringJoiner(" ");
            for (int i = 0; i < 128; i++) {
                final long bits = i < 64 ? w.requestCodesLow() : w.requestCodesHigh();
                if ((bits & (1L << (i % 64))) != 0) {
                    requestCodes.add(PrivateRequestCodes.name(i));
                }
            }
            if (requestCodes.length() > 0) {
                joiner.add("mode 7 " + requestCodes);
            }
            return joiner.toString();
        }

        /** Per-peer KoD counts: only RATE is told apart per peer, the window keeps every code. */
        private static Map<String, Long> kisses(final ClientPeer p) {
            if (p.kods() == 0) {
                return Map.of();
            }
            final long other = p.kods() - p.rateKods();
            return other == 0 ? Map.of(KissCodes.RATE, p.rateKods())
                    : p.rateKods() == 0 ? Map.of(KissCodes.OTHER, other)
                    : Map.of(KissCodes.RATE, p.rateKods(), KissCodes.OTHER, other);
        }

        private Evidence windowEvidence(final long distinctPeers, final List<PeerEvidence> topPeers) {
            return new Evidence(w.requests(), w.requestBytes(), w.responses(), w.responseBytes(),
                    Evidence.ratio(w.responseBytes(), w.requestBytes()), distinctPeers, topPeers, w.kissCodes());
        }

        private List<PeerEvidence> top(final ToLongFunction<ClientPeer> bytes) {
            return top(w.peers(), bytes);
        }

        private List<PeerEvidence> top(final java.util.Collection<ClientPeer> peers,
                                       final ToLongFunction<ClientPeer> bytes) {
            return sorted(peers, bytes).stream().limit(cfg.topPeers()).map(ClientPeer::evidence).toList();
        }

        /** Most first by the measure, ties by address: the order never depends on hashing or arrival. */
        private static List<ClientPeer> sorted(final java.util.Collection<ClientPeer> peers,
                                               final ToLongFunction<ClientPeer> measure) {
            final List<ClientPeer> list = new ArrayList<>(peers);
            list.sort(Comparator.comparingLong(measure).reversed().thenComparing(ClientPeer::server));
            return list;
        }

        private Detection detection(final AlertType type, final Severity severity, final IpAddress subject,
                                    final AlertRole role, final boolean unsolicited, final Evidence evidence,
                                    final String summary) {
            return new Detection(type, severity, subject, role, unsolicited, windowStart, windowEnd,
                    w.firstSeen(), w.lastSeen(), evidence, w.sensors(), summary);
        }
    }
}
