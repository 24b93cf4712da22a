package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Builds the PacketEvents the detection tests feed, with the sizes real NTP traffic has. */
final class Traffic {

    /** 2025-03-01 13:00:00 UTC, scenario b's attack start: windows of 30 s align on it. */
    static final long T0 = 1_740_834_000_000L;
    static final long WINDOW_END = T0 + 30_000;
    static final String SENSOR = "sensor-1";

    /** Mode 3/4 payload without MAC or extension fields. */
    static final int NTP = 48;
    /** A full monlist response packet: 8-byte header + 6 entries of 72 bytes. */
    static final int MONLIST_PACKET = 440;

    private final List<PacketEvent> events = new ArrayList<>();

    static IpAddress ip(final String text) {
        return IpAddress.parse(text);
    }

    /** The n-th address of 198.18.0.0/15 (reflectors and scan targets in the scenarios). */
    static String reflector(final int n) {
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }

    Traffic request(final long t, final String client, final String server) {
        return add(t, client, server, PacketEvent.Kind.REQUEST, 3, NTP, -1, -1, null, false);
    }

    Traffic response(final long t, final String client, final String server, final int bytes) {
        return add(t, client, server, PacketEvent.Kind.RESPONSE, 4, bytes, -1, -1, null, false);
    }

    Traffic response(final long t, final String client, final String server) {
        return response(t, client, server, NTP);
    }

    /** Request and its answer 20 ms later. */
    Traffic exchange(final long t, final String client, final String server) {
        return request(t, client, server).response(t + 20, client, server);
    }

    Traffic kod(final long t, final String client, final String server, final String code) {
        return add(t, client, server, PacketEvent.Kind.RESPONSE, 4, NTP, -1, -1, code, false);
    }

    Traffic unsynchronized(final long t, final String client, final String server) {
        return add(t, client, server, PacketEvent.Kind.RESPONSE, 4, NTP, -1, -1, null, true);
    }

    /** MON_GETLIST_1, 8 bytes (the short form attackers send) or 48 (zero-padded). */
    Traffic monlistRequest(final long t, final String client, final String server, final int bytes) {
        return add(t, client, server, PacketEvent.Kind.REQUEST, 7, bytes, -1, PacketEvent.MON_GETLIST_1, null,
                false);
    }

    Traffic monlistResponse(final long t, final String client, final String server) {
        return add(t, client, server, PacketEvent.Kind.RESPONSE, 7, MONLIST_PACKET, -1, PacketEvent.MON_GETLIST_1,
                null, false);
    }

    /** Mode 6 READVAR (opcode 2), 12 bytes as ntpq sends it with no variables. */
    Traffic readvar(final long t, final String client, final String server) {
        return add(t, client, server, PacketEvent.Kind.REQUEST, 6, 12, 2, -1, null, false);
    }

    Traffic readvarResponse(final long t, final String client, final String server, final int bytes) {
        return add(t, client, server, PacketEvent.Kind.RESPONSE, 6, bytes, 2, -1, null, false);
    }

    /** ntpd start-up: iburst of 8 requests 2 s apart, then one per 64 s until {@code until}, each answered. */
    Traffic iburstThenPolling(final long start, final long until, final String client, final String server) {
        long t = start;
        for (int i = 0; i < 8 && t < until; i++, t += 2_000) {
            exchange(t, client, server);
        }
        for (t = start + 14_000 + 64_000; t < until; t += 64_000) {
            exchange(t, client, server);
        }
        return this;
    }

    Traffic add(final long t, final String client, final String server, final PacketEvent.Kind kind, final int mode,
                final int bytes, final int opcode, final int requestCode, final String kiss, final boolean unsync) {
        events.add(new PacketEvent(t, ip(client), ip(server), kind, mode, bytes, opcode, requestCode, kiss, unsync,
                SENSOR));
        return this;
    }

    List<PacketEvent> events() {
        return List.copyOf(events);
    }

    ClientWindow clientWindow(final String client) {
        final ClientWindow w = new ClientWindow();
        events.stream().filter(e -> e.client().equals(ip(client))).forEach(w::add);
        return w;
    }

    ServerWindow serverWindow(final String server) {
        final ServerWindow w = new ServerWindow();
        events.stream().filter(e -> e.server().equals(ip(server))).forEach(w::add);
        return w;
    }

    /** "TYPE ROLE SEVERITY subject" per detection: what the tables compare. */
    static Set<String> keys(final Collection<Detection> detections) {
        final Set<String> keys = new TreeSet<>();
        for (final Detection d : detections) {
            keys.add(d.type() + " " + d.role() + " " + d.severity() + " " + d.subject());
        }
        return keys;
    }
}
