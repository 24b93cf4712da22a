package org.ntpguard.capture.simulate;

/**
 * The traffic {@code ntpguard simulate} writes. Abuse scenarios run on top of normal polling, starting 10 % into
 * the capture, at {@code rate} events a second ({@link #defaultRate()} unless told otherwise).
 */
public enum Scenario {
    /** Clients polling every 16 s, NTPv3 and v4, ntpd and chrony, IPv6, VLANs, two iburst starts. Flags nothing. */
    NORMAL(0),
    /** Spoofed MON_GETLIST_1 probes, each answered with 8 full monlist packets to the victim. */
    MONLIST(1),
    /** A client polling every second through RATE Kiss-o'-Death packets. */
    KOD(1),
    /** A mode 6 READVAR sweep of 20 servers, 4 of which answer. */
    SCAN(10),
    /** Mode 4 responses from 120 reflectors to a victim that never asked. */
    UNSOLICITED(60),
    /** Everything above at once, as in the bundled sample capture. */
    MIX(0),
    /**
     * 400 hosts behind one PAT address polling 4 servers every 64 s (ntpd keeping one NAT port each, chrony a new
     * port per request): about 25 requests a second from one address. Flags nothing.
     */
    NAT(0),
    /** MON_GETLIST_1 requests from one outside address, 8- and 48-byte, a few answered with one packet. */
    MONLIST_PROBE(1),
    /** Mode 3 requests spoofed from a victim to 150 servers, each from a random source port, each answered. */
    SPOOFED_FLOOD(50),
    /**
     * {@code ntpq -c mrulist} from an administrator's address to a server every 10 s: REQ_NONCE, then READ_MRU
     * echoing the nonce, answered by 32 fragments of 468 bytes. Flags nothing: the nonce proves the address.
     */
    ADMIN_MRULIST(0.1),
    /**
     * A monitoring host (192.0.2.5) asking 50 of the site's servers (192.0.2.100-149) for their status (mode 6
     * READSTAT) once a minute, each answering 8 to 28 bytes. Flags nothing once the site's networks are home.
     */
    FLEET_MONITORING(0),
    /** {@code ntpq} on a host querying its own ntpd over 127.0.0.1 every 10 s (READVAR). Flags nothing. */
    LOCAL_NTPQ(0);

    private final double defaultRate;

    Scenario(final double defaultRate) {
        this.defaultRate = defaultRate;
    }

    /** Abuse events a second when no rate is given: probes, kissed requests, scan targets or responses. */
    public double defaultRate() {
        return defaultRate;
    }

    /** Adds this scenario's traffic to {@code simulator}, lasting {@code durationNanos}. */
    public void addTo(final TrafficSimulator simulator, final long durationNanos, final double rate) {
        final long from = durationNanos / 10;
        final long span = durationNanos - from - 2 * TrafficSimulator.SECOND;
        switch (this) {
            case NORMAL -> simulator.normalPolling();
            case MONLIST -> simulator.normalPolling().monlistReflection(from, span, rate);
            case KOD -> simulator.normalPolling().rateKisses(from, span);
            case SCAN -> simulator.normalPolling().readVarScan(from);
            case UNSOLICITED -> simulator.normalPolling().unsolicitedResponses(from, Math.min(span,
                    30 * TrafficSimulator.SECOND), rate);
            case MIX -> simulator.normalPolling()
                    .monlistReflection(durationNanos / 3, 5 * TrafficSimulator.SECOND, 1.4)
                    .rateKisses(durationNanos * 7 / 12, 15 * TrafficSimulator.SECOND)
                    .readVarScan(durationNanos * 7 / 10);
            case NAT -> simulator.natPolling();
            case MONLIST_PROBE -> simulator.normalPolling().monlistProbes(from, Math.min(span,
                    10 * TrafficSimulator.SECOND), rate);
            case SPOOFED_FLOOD -> simulator.normalPolling().spoofedFlood(from, Math.min(span,
                    10 * TrafficSimulator.SECOND), rate);
            case ADMIN_MRULIST -> simulator.normalPolling().mrulist(from, span, rate, true);
            case FLEET_MONITORING -> simulator.normalPolling().fleetMonitoring();
            case LOCAL_NTPQ -> simulator.normalPolling().localNtpq();
            default -> throw new IllegalStateException("scenario " + this);
        }
    }
}
