package org.ntpguard.streams.detect;

import java.util.Map;

/**
 * What detection needs to know of one flow: a (client, server) pair's datagrams in one interval of capture time, as
 * one sensor combined them (an {@code NtpFlow} reduced at the edge of the topology). Every figure is what the
 * per-packet code counts for each datagram, summed; the RATE KoD figures are {@link ClientPeer}'s, computed by the
 * sensor in capture order, so that a peer restored from them merges as its packets would have been added.
 *
 * @param client                 the client of the exchange (sender of requests, receiver of responses)
 * @param server                 the server of the exchange
 * @param sensor                 the sensor that captured it
 * @param firstSeen              capture time of the first datagram, ms
 * @param lastSeen               capture time of the last datagram, ms
 * @param requests               requests (mode 3, mode 6/7 without the R bit, symmetric active)
 * @param requestBytes           their NTP bytes (UDP length - 8)
 * @param responses              responses (mode 4, mode 6/7 with the R bit)
 * @param responseBytes          their NTP bytes
 * @param otherPackets           datagrams that are neither (broadcast, symmetric passive, unknown role)
 * @param otherBytes             their NTP bytes
 * @param mode6Requests          mode 6 requests
 * @param mode7Requests          mode 7 requests
 * @param mode6Responses         mode 6 responses
 * @param mode7Responses         mode 7 responses
 * @param controlOpcodes         bit n set when a mode 6 request with opcode n was sent
 * @param requestCodesLow        bit n set when a mode 7 request with request code n (0..63) was sent
 * @param requestCodesHigh       bit n set when a mode 7 request with request code 64 + n was sent
 * @param monlistRequests        mode 7 MON_GETLIST and MON_GETLIST_1 requests
 * @param monlistRequestBytes    their NTP bytes
 * @param monlistResponses       responses to them
 * @param monlistResponseBytes   their NTP bytes
 * @param kissCodes              Kiss-o'-Death responses by code, in the order the sensor met the codes
 * @param rateKods               RATE Kiss-o'-Death responses
 * @param firstRateKod           capture time of the earliest RATE KoD, {@link ClientPeer#NO_KOD} for none
 * @param requestsAfterRateKod   requests stamped after the earliest RATE KoD
 * @param pendingRequestTimes    up to {@value ClientPeer#PENDING_REQUEST_TIMES} of the latest request times not after
 *                               any RATE KoD of the flow
 * @param unsynchronizedResponses mode 4 answers, not KoD nor crypto-NAK, declaring the server unsynchronized
 * @param ports                  the client ports and their requests, {@link FlowPorts#UNKNOWN} when not counted
 * @param nonceVerified          mode 6 READ_MRU traffic whose requester echoed the server's nonce
 */
public record PairFlow(IpAddress client, IpAddress server, String sensor, long firstSeen, long lastSeen,
                       long requests, long requestBytes, long responses, long responseBytes, long otherPackets,
                       long otherBytes, long mode6Requests, long mode7Requests, long mode6Responses,
                       long mode7Responses, long controlOpcodes, long requestCodesLow, long requestCodesHigh,
                       long monlistRequests, long monlistRequestBytes, long monlistResponses,
                       long monlistResponseBytes, Map<String, Long> kissCodes, long rateKods, long firstRateKod,
                       long requestsAfterRateKod, long[] pendingRequestTimes, long unsynchronizedResponses,
                       FlowPorts ports, NonceVerified nonceVerified) {

    private static final long[] NO_TIMES = new long[0];

    public PairFlow {
        if (pendingRequestTimes.length > ClientPeer.PENDING_REQUEST_TIMES) {
            throw new IllegalArgumentException("pending request times: " + pendingRequestTimes.length
                    + " (expected: <= " + ClientPeer.PENDING_REQUEST_TIMES + ")");
        }
        if (firstSeen > lastSeen) {
            throw new IllegalArgumentException("first seen " + firstSeen + " after last seen " + lastSeen);
        }
    }

    /** A flow without port figures nor verified nonces (a version 1 record, one packet). */
    public PairFlow(final IpAddress client, final IpAddress server, final String sensor, final long firstSeen,
                    final long lastSeen, final long requests, final long requestBytes, final long responses,
                    final long responseBytes, final long otherPackets, final long otherBytes, final long mode6Requests,
                    final long mode7Requests, final long mode6Responses, final long mode7Responses,
                    final long controlOpcodes, final long requestCodesLow, final long requestCodesHigh,
                    final long monlistRequests, final long monlistRequestBytes, final long monlistResponses,
                    final long monlistResponseBytes, final Map<String, Long> kissCodes, final long rateKods,
                    final long firstRateKod, final long requestsAfterRateKod, final long[] pendingRequestTimes,
                    final long unsynchronizedResponses) {
        this(client, server, sensor, firstSeen, lastSeen, requests, requestBytes, responses, responseBytes,
                otherPackets, otherBytes, mode6Requests, mode7Requests, mode6Responses, mode7Responses,
                controlOpcodes, requestCodesLow, requestCodesHigh, monlistRequests, monlistRequestBytes,
                monlistResponses, monlistResponseBytes, kissCodes, rateKods, firstRateKod, requestsAfterRateKod,
                pendingRequestTimes, unsynchronizedResponses, FlowPorts.UNKNOWN, NonceVerified.NONE);
    }

    /** The same flow with the sensor's port figures. */
    public PairFlow withPorts(final FlowPorts counted) {
        return new PairFlow(client, server, sensor, firstSeen, lastSeen, requests, requestBytes, responses,
                responseBytes, otherPackets, otherBytes, mode6Requests, mode7Requests, mode6Responses, mode7Responses,
                controlOpcodes, requestCodesLow, requestCodesHigh, monlistRequests, monlistRequestBytes,
                monlistResponses, monlistResponseBytes, kissCodes, rateKods, firstRateKod, requestsAfterRateKod,
                pendingRequestTimes, unsynchronizedResponses, counted, nonceVerified);
    }

    /** A flow of one datagram: adding it to a window counts exactly what adding the packet counted. */
    public static PairFlow of(final PacketEvent e) {
        final long t = e.timestampMillis();
        final int bytes = e.ntpBytes();
        final boolean monlist = e.isMonlist();
        if (e.isRequest()) {
            final long opcodes = e.mode() == 6 && e.controlOpcode() >= 0 && e.controlOpcode() < 64
                    ? 1L << e.controlOpcode() : 0;
            final boolean privateCode = e.mode() == 7 && e.requestCode() >= 0 && e.requestCode() < 128;
            final long low = privateCode && e.requestCode() < 64 ? 1L << e.requestCode() : 0;
            final long high = privateCode && e.requestCode() >= 64 ? 1L << (e.requestCode() - 64) : 0;
            return new PairFlow(e.client(), e.server(), e.sensor(), t, t, 1, bytes, 0, 0, 0, 0,
                    e.mode() == 6 ? 1 : 0, e.mode() == 7 ? 1 : 0, 0, 0, opcodes, low, high,
                    monlist ? 1 : 0, monlist ? bytes : 0, 0, 0, Map.of(), 0, ClientPeer.NO_KOD, 0, new long[] {t}, 0);
        }
        if (e.isResponse()) {
            final boolean rate = KissCodes.RATE.equals(e.kissCode());
            return new PairFlow(e.client(), e.server(), e.sensor(), t, t, 0, 0, 1, bytes, 0, 0, 0, 0,
                    e.mode() == 6 ? 1 : 0, e.mode() == 7 ? 1 : 0, 0, 0, 0, 0, 0, monlist ? 1 : 0,
                    monlist ? bytes : 0, e.isKissOfDeath() ? Map.of(e.kissCode(), 1L) : Map.of(), rate ? 1 : 0,
                    rate ? t : ClientPeer.NO_KOD, 0, NO_TIMES, e.unsynchronized() ? 1 : 0);
        }
        return new PairFlow(e.client(), e.server(), e.sensor(), t, t, 0, 0, 0, 0, 1, bytes, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, Map.of(), 0, ClientPeer.NO_KOD, 0, NO_TIMES, 0);
    }

    /** Datagrams combined in this flow. */
    public long packets() {
        return requests + responses + otherPackets;
    }

    /** Mode 6 and 7 requests: the management protocols that misconfigured servers answer to anyone. */
    public long controlRequests() {
        return mode6Requests + mode7Requests;
    }

    /** Mode 6 and 7 responses. */
    public long controlResponses() {
        return mode6Responses + mode7Responses;
    }

    /** Kiss-o'-Death responses of any code. */
    public long kods() {
        long kods = 0;
        for (final long count : kissCodes.values()) {
            kods += count;
        }
        return kods;
    }
}
