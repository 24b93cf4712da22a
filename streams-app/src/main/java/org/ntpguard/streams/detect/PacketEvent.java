package org.ntpguard.streams.detect;

/**
 * What detection needs to know of one NTP datagram, reduced from an {@code NtpPacket} at the edge of the topology.
 *
 * @param timestampMillis capture time
 * @param client          the client of the exchange (sender of requests, receiver of responses)
 * @param server          the server of the exchange
 * @param kind            request, response or other (symmetric, broadcast, unknown)
 * @param mode            NTP packet mode (RFC 5905 §7.3)
 * @param ntpBytes        UDP payload length: what amplification ratios count
 * @param controlOpcode   mode 6 opcode (RFC 9327), -1 for other modes
 * @param requestCode     mode 7 request code (ntp_request.h), -1 for other modes
 * @param kissCode        kiss code of a Kiss-o'-Death (RATE, DENY, RSTR, ...), null otherwise
 * @param unsynchronized  a mode 4 response that is not a KoD and declares itself unsynchronized (LI=3, or
 *                        stratum 0 or 16 and above)
 * @param sensor          the sensor that captured it
 */
public record PacketEvent(long timestampMillis, IpAddress client, IpAddress server, Kind kind, int mode,
                          int ntpBytes, int controlOpcode, int requestCode, String kissCode, boolean unsynchronized,
                          String sensor) {

    /** MON_GETLIST (ntpd include/ntp_request.h). */
    public static final int MON_GETLIST = 20;
    /** MON_GETLIST_1 (ntpd include/ntp_request.h): what reflection attacks send. */
    public static final int MON_GETLIST_1 = 42;

    public enum Kind { REQUEST, RESPONSE, OTHER }

    public boolean isRequest() {
        return kind == Kind.REQUEST;
    }

    public boolean isResponse() {
        return kind == Kind.RESPONSE;
    }

    /** Mode 6 or 7: the management protocols that misconfigured servers answer to anyone. */
    public boolean isControl() {
        return mode == 6 || mode == 7;
    }

    public boolean isMonlist() {
        return mode == 7 && (requestCode == MON_GETLIST || requestCode == MON_GETLIST_1);
    }

    public boolean isKissOfDeath() {
        return kissCode != null;
    }
}
