package org.ntpguard.streams.incident;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.ntpguard.schema.text.TimeText;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.AlertRole;
import org.ntpguard.streams.detect.AlertType;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PeerEvidence;
import org.ntpguard.streams.incident.Incident.ServerTraffic;
import org.ntpguard.streams.incident.Incident.Traffic;
import org.ntpguard.streams.incident.Incident.WindowTraffic;

/**
 * Groups alerts into incidents, one per attacked address. Pure: the topology keeps the state ({@link State}) in
 * stores; tests keep it in maps.
 *
 * <p>The grouping rule, keyed by the victim's address:
 * <ul>
 *   <li>An alert on a victim (role VICTIM: AMPLIFICATION_VICTIM, MONLIST_ABUSE on the address monlist requests were
 *       spoofed from, SPOOFED_SOURCE) opens the victim's incident or joins it.</li>
 *   <li>A REFLECTOR alert names the clients it answered among its top peers: it opens or joins the incident of each
 *       (a reflector used against several victims is in each one's incident).</li>
 *   <li>A MONLIST_ABUSE alert on a server and an EXPOSED_CONTROL alert name the clients they answered too, but only
 *       join: answering one prober's monlist or mode 6 query is no attack on the prober. Until the incident of a
 *       client they name opens, they are held, for the quiet period.</li>
 *   <li>A SCANNER alert and a monlist PROBER alert join every incident one of whose reflectors or monlist servers
 *       is among the servers they asked (their top peers), now or within the quiet period after the alert's last
 *       evidence: a scan usually comes before the attack that uses what it found.</li>
 *   <li>Other alerts (KOD_IGNORED, FAST_POLL, UNSYNCHRONIZED_SERVER, and those above that name no incident) belong
 *       to no incident: they stay alerts only.</li>
 * </ul>
 * An incident closes once its attack evidence ({@link Incident#end()}) is older than the quiet period in event time;
 * a later alert on the same victim opens a new one.
 */
public final class IncidentBook {

    /** The most addresses and alert ids an incident lists; beyond, they are counted only. */
    public static final int MAX_LISTED = 4096;

    /** Where the book keeps its incidents and held alerts. */
    public interface State {
        /** The open incident of this victim, null if none. */
        Incident incident(IpAddress victim);

        void put(Incident incident);

        void remove(IpAddress victim);

        List<Incident> incidents();

        /** Holds an alert for the victim's incident to come; a null victim holds a scanner or prober. */
        void hold(IpAddress victim, Alert alert);

        /** Alerts held for this victim (null: the scanners and probers). */
        List<Alert> held(IpAddress victim);

        /** Drops a held alert. */
        void release(IpAddress victim, UUID alertId);

        /** Drops every held alert whose last evidence is before {@code time}. */
        void releaseOlderThan(long time);
    }

    /** Where an alert may go: the victims whose incident it names, and whether it joins by the servers it asked. */
    public record Routing(List<IpAddress> victims, boolean byServersAsked) {
        static final Routing NONE = new Routing(List.of(), false);
    }

    private final State state;
    private final Duration quiet;
    private final long windowMillis;

    /**
     * @param quiet      an incident closes once its evidence is older than this
     * @param windowSize the detector's window: peak rates are a window's traffic over its length
     */
    public IncidentBook(final State state, final Duration quiet, final Duration windowSize) {
        this.state = state;
        this.quiet = quiet;
        this.windowMillis = windowSize.toMillis();
    }

    /** Where an alert goes (see the class comment). */
    public static Routing route(final Alert alert) {
        if (isScanner(alert)) {
            return new Routing(List.of(), true);
        }
        if (alert.role() == AlertRole.VICTIM) {
            return new Routing(List.of(alert.subject()), false);
        }
        if (alert.type() == AlertType.REFLECTOR || alert.type() == AlertType.EXPOSED_CONTROL
                || alert.type() == AlertType.MONLIST_ABUSE && alert.role() == AlertRole.REFLECTOR) {
            return new Routing(alert.evidence().topPeers().stream().map(PeerEvidence::peer).distinct().toList(),
                    false);
        }
        return Routing.NONE;
    }

    /**
     * Takes an alert routed to {@code victim}'s incident, or, with a null victim, a scanner or prober.
     *
     * @return the incidents it opened or changed, to publish
     */
    public List<Incident> accept(final IpAddress victim, final Alert alert) {
        if (victim == null) {
            if (!isScanner(alert)) {
                throw new IllegalArgumentException(alert.type() + "/" + alert.role()
                        + " routed by servers asked (expected: SCANNER or a monlist PROBER)");
            }
            state.hold(null, alert);
            final List<Incident> changed = new ArrayList<>();
            for (final Incident incident : state.incidents()) {
                if (asked(alert, servers(incident))) {
                    final Incident next = withScanner(incident, alert);
                    if (!next.equals(incident)) {
                        state.put(publishedAgain(next));
                        changed.add(publishedAgain(next));
                    }
                }
            }
            return changed;
        }
        Incident incident = state.incident(victim);
        if (incident == null) {
            if (!opens(alert)) {
                state.hold(victim, alert);
                return List.of();
            }
            incident = open(victim, alert);
            for (final Alert held : state.held(victim)) {
                incident = join(incident, held);
                state.release(victim, held.id());
            }
        } else {
            incident = join(incident, alert);
        }
        final Set<IpAddress> servers = servers(incident);
        for (final Alert scanner : state.held(null)) {
            if (asked(scanner, servers)) {
                incident = withScanner(incident, scanner);
            }
        }
        incident = publishedAgain(incident);
        state.put(incident);
        return List.of(incident);
    }

    /** Closes the incidents quiet at {@code now} (event time) and forgets held alerts as old. */
    public List<Incident> closeQuiet(final long now) {
        final long before = now - quiet.toMillis();
        final List<Incident> closed = new ArrayList<>();
        for (final Incident incident : state.incidents()) {
            if (incident.end() < before) {
                state.remove(incident.victim());
                closed.add(new Incident(incident.id(), IncidentStatus.CLOSED, incident.victim(), incident.severity(),
                        incident.start(), incident.end(), incident.victimTraffic(), incident.reflectors(),
                        incident.reflectorCount(), incident.monlistServers(), incident.scanners(),
                        incident.alertIds(), incident.alerts(), incident.latestWindow(), incident.peakWindow(),
                        incident.updates() + 1));
            }
        }
        state.releaseOlderThan(before);
        return closed;
    }

    /** An incident's one line: who, by how many, how much, when; rates per second of a detector window. */
    public static String summary(final Incident i, final Duration windowSize) {
        final long windowMillis = windowSize.toMillis();
        final Traffic traffic = i.traffic();
        final StringBuilder text = new StringBuilder().append(i.victim()).append(" attacked");
        final List<String> by = new ArrayList<>();
        if (i.reflectorCount() > 0) {
            by.add(plural(i.reflectorCount(), "reflector", "reflectors"));
        }
        if (!i.monlistServers().isEmpty()) {
            by.add(plural(i.monlistServers().size(), "monlist server", "monlist servers"));
        }
        if (!by.isEmpty()) {
            text.append(" by ").append(String.join(" and ", by));
        }
        text.append(": ").append(plural(traffic.packets(), "response", "responses")).append(" (")
                .append(count(traffic.bytes())).append(" bytes) from ").append(TimeText.isoMillis(i.start()))
                .append(" to ").append(TimeText.isoMillis(i.end())).append(", peak ")
                .append(count(Math.round(i.peakBytesPerSecond(windowMillis)))).append(" bytes/s");
        if (!i.scanners().isEmpty()) {
            text.append("; ").append(plural(i.scanners().size(), "scanner", "scanners")).append(" asked its servers");
        }
        return text.append("; ").append(plural(i.alerts(), "alert", "alerts")).toString();
    }

    /** The id of an incident opened by this alert: a name-based (MD5, version 3) UUID. */
    public static UUID idOf(final IpAddress victim, final long windowStart) {
        return UUID.nameUUIDFromBytes(("incident|" + victim + "|" + windowStart).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isScanner(final Alert alert) {
        return alert.type() == AlertType.SCANNER
                || alert.type() == AlertType.MONLIST_ABUSE && alert.role() == AlertRole.PROBER;
    }

    private static boolean opens(final Alert alert) {
        return alert.role() == AlertRole.VICTIM || alert.type() == AlertType.REFLECTOR;
    }

    private Incident open(final IpAddress victim, final Alert alert) {
        final long window = latestWindowStart(alert);
        final Incident empty = new Incident(idOf(victim, alert.windowStart()), IncidentStatus.OPEN, victim,
                alert.severity(), alert.firstSeen(), alert.lastSeen(), Traffic.NONE, List.of(), 0, List.of(),
                List.of(), List.of(), 0, new WindowTraffic(window, Traffic.NONE),
                new WindowTraffic(window, Traffic.NONE), -1);
        return join(empty, alert);
    }

    /** The incident with one more alert (or a newer version of one it has) of its attack. */
    private Incident join(final Incident i, final Alert alert) {
        Traffic victimTraffic = i.victimTraffic();
        List<ServerTraffic> reflectors = i.reflectors();
        long reflectorCount = i.reflectorCount();
        List<ServerTraffic> monlistServers = i.monlistServers();
        if (alert.role() == AlertRole.VICTIM) {
            victimTraffic = victimTraffic.max(new Traffic(alert.evidence().responses(),
                    alert.evidence().responseBytes()));
        } else if (alert.type() == AlertType.REFLECTOR) {
            final int before = reflectors.size();
            reflectors = withServer(reflectors, alert, i.victim());
            if (reflectors.size() > before || !listed(reflectors, alert.subject()) && alert.updates() == 0) {
                reflectorCount++;
            }
        } else if (alert.type() == AlertType.MONLIST_ABUSE) {
            monlistServers = withServer(monlistServers, alert, i.victim());
        }
        final Incident grown = new Incident(i.id(), i.status(), i.victim(), max(i.severity(), alert.severity()),
                Math.min(i.start(), alert.firstSeen()), Math.max(i.end(), alert.lastSeen()), victimTraffic,
                reflectors, reflectorCount, monlistServers, i.scanners(), i.alertIds(), i.alerts(), i.latestWindow(),
                i.peakWindow(), i.updates());
        return withAlertId(withPeak(grown, i.traffic(), latestWindowStart(alert)), alert);
    }

    /**
     * The traffic the alert added goes to its latest window; the peak is the window that added the most. A late
     * alert of an older window counts in the newest (the peak is then a little high rather than lost).
     */
    private static Incident withPeak(final Incident i, final Traffic before, final long window) {
        final Traffic after = i.traffic();
        final Traffic added = new Traffic(Math.max(0, after.packets() - before.packets()),
                Math.max(0, after.bytes() - before.bytes()));
        final WindowTraffic latest = window > i.latestWindow().windowStart() ? new WindowTraffic(window, added)
                : new WindowTraffic(i.latestWindow().windowStart(), i.latestWindow().traffic().plus(added));
        final WindowTraffic peak = latest.traffic().bytes() > i.peakWindow().traffic().bytes() ? latest
                : i.peakWindow();
        return new Incident(i.id(), i.status(), i.victim(), i.severity(), i.start(), i.end(), i.victimTraffic(),
                i.reflectors(), i.reflectorCount(), i.monlistServers(), i.scanners(), i.alertIds(), i.alerts(),
                latest, peak, i.updates());
    }

    private static Incident withAlertId(final Incident i, final Alert alert) {
        final String id = alert.id().toString();
        if (i.alertIds().contains(id)) {
            return i;
        }
        List<String> ids = i.alertIds();
        long alerts = i.alerts();
        if (ids.size() < MAX_LISTED) {
            ids = append(ids, id);
            alerts++;
        } else if (alert.updates() == 0) {
            alerts++; // an unlisted alert's later versions are not told apart from new ones: only its first counts
        }
        return new Incident(i.id(), i.status(), i.victim(), i.severity(), i.start(), i.end(), i.victimTraffic(),
                i.reflectors(), i.reflectorCount(), i.monlistServers(), i.scanners(), ids, alerts, i.latestWindow(),
                i.peakWindow(), i.updates());
    }

    private static Incident withScanner(final Incident i, final Alert scanner) {
        final List<IpAddress> scanners = i.scanners().contains(scanner.subject())
                || i.scanners().size() >= MAX_LISTED ? i.scanners() : append(i.scanners(), scanner.subject());
        final Incident grown = new Incident(i.id(), i.status(), i.victim(), max(i.severity(), scanner.severity()),
                i.start(), i.end(), i.victimTraffic(), i.reflectors(), i.reflectorCount(), i.monlistServers(),
                scanners, i.alertIds(), i.alerts(), i.latestWindow(), i.peakWindow(), i.updates());
        return withAlertId(grown, scanner);
    }

    private static Incident publishedAgain(final Incident i) {
        return new Incident(i.id(), i.status(), i.victim(), i.severity(), i.start(), i.end(), i.victimTraffic(),
                i.reflectors(), i.reflectorCount(), i.monlistServers(), i.scanners(), i.alertIds(), i.alerts(),
                i.latestWindow(), i.peakWindow(), i.updates() + 1);
    }

    /**
     * The servers' list with the alert's subject and what it sent the victim (its top-peer entry for the victim;
     * an alert's counters only grow, so the larger of old and new), most bytes first, at most {@link #MAX_LISTED}.
     */
    private static List<ServerTraffic> withServer(final List<ServerTraffic> servers, final Alert alert,
                                                  final IpAddress victim) {
        Traffic sent = Traffic.NONE;
        for (final PeerEvidence peer : alert.evidence().topPeers()) {
            if (peer.peer().equals(victim)) {
                sent = new Traffic(peer.responses(), peer.responseBytes());
            }
        }
        final Map<IpAddress, Traffic> byServer = new LinkedHashMap<>();
        servers.forEach(s -> byServer.put(s.server(), s.traffic()));
        if (!byServer.containsKey(alert.subject()) && byServer.size() >= MAX_LISTED) {
            return servers;
        }
        byServer.merge(alert.subject(), sent, Traffic::max);
        final List<ServerTraffic> sorted = new ArrayList<>();
        byServer.forEach((server, traffic) -> sorted.add(new ServerTraffic(server, traffic)));
        sorted.sort(Comparator.comparingLong((ServerTraffic s) -> s.traffic().bytes()).reversed()
                .thenComparing(ServerTraffic::server));
        return List.copyOf(sorted);
    }

    private static boolean listed(final List<ServerTraffic> servers, final IpAddress server) {
        return servers.stream().anyMatch(s -> s.server().equals(server));
    }

    private static Set<IpAddress> servers(final Incident incident) {
        final Set<IpAddress> servers = new HashSet<>();
        incident.reflectors().forEach(s -> servers.add(s.server()));
        incident.monlistServers().forEach(s -> servers.add(s.server()));
        return servers;
    }

    private static boolean asked(final Alert scanner, final Set<IpAddress> servers) {
        return scanner.evidence().topPeers().stream().anyMatch(p -> servers.contains(p.peer()));
    }

    private long latestWindowStart(final Alert alert) {
        return alert.windowEnd() - windowMillis;
    }

    private static org.ntpguard.streams.detect.Severity max(final org.ntpguard.streams.detect.Severity a,
                                                            final org.ntpguard.streams.detect.Severity b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static <T> List<T> append(final List<T> list, final T item) {
        final List<T> longer = new ArrayList<>(list.size() + 1);
        longer.addAll(list);
        longer.add(item);
        return List.copyOf(longer);
    }

    private static String count(final long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String plural(final long n, final String one, final String many) {
        return count(n) + " " + (n == 1 ? one : many);
    }
}
