package org.ntpguard.streams.detect;

/**
 * A flow's client ports as its sensor counted them (flow schema version 2): up to 8 distinct ports with the requests
 * each sent, and the ports sent a RATE Kiss-o'-Death. Requests from ports beyond the 8 are the flow's requests minus
 * the listed ones: their ports are unknown, so they never count towards one port's rate.
 *
 * @param ports        distinct client ports, in the order the sensor met them
 * @param requests     requests from each of {@code ports}, same order
 * @param rateKodPorts client ports that received a RATE KoD
 * @param known        false for a flow without port figures (version 1 records, one packet without ports): its
 *                     requests then count as from one port, as detection did before it told ports apart
 */
public record FlowPorts(int[] ports, long[] requests, int[] rateKodPorts, boolean known) {

    /** No port figures: every request counts as from one port. */
    public static final FlowPorts UNKNOWN = new FlowPorts(new int[0], new long[0], new int[0], false);

    /** Stands for the port of requests whose port is unknown ({@link #UNKNOWN} flows). */
    public static final int UNKNOWN_PORT = -1;

    public FlowPorts {
        if (ports.length != requests.length) {
            throw new IllegalArgumentException("client ports: " + ports.length + " ports and " + requests.length
                    + " request counts (expected: one count per port)");
        }
    }

    /** Figures the sensor counted (empty {@code requests} in a version 1 record means unknown). */
    public static FlowPorts of(final int[] ports, final long[] requests, final int[] rateKodPorts) {
        if (requests.length == 0 && rateKodPorts.length == 0) {
            return UNKNOWN;
        }
        return new FlowPorts(ports, requests, rateKodPorts, true);
    }

    /** Requests from the listed ports. */
    public long listedRequests() {
        long sum = 0;
        for (final long n : requests) {
            sum += n;
        }
        return sum;
    }
}
