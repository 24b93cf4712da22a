package org.ntpguard.capture.proto;

/** IP protocol and IPv6 next-header numbers (IANA protocol numbers registry) that the decoder walks. */
public final class IpProtocol {

    /** IPv6 Hop-by-Hop Options (RFC 8200 §4.3). */
    public static final int HOP_BY_HOP = 0;
    public static final int UDP = 17;
    /** IPv6 Routing header (RFC 8200 §4.4). */
    public static final int ROUTING = 43;
    /** IPv6 Fragment header (RFC 8200 §4.5). */
    public static final int FRAGMENT = 44;
    /** Generic Routing Encapsulation (RFC 2784). */
    public static final int GRE = 47;
    /** Encapsulating Security Payload (RFC 4303): opaque, the walk stops. */
    public static final int ESP = 50;
    /** Authentication Header (RFC 4302): length in 4-byte units minus 2. */
    public static final int AUTHENTICATION = 51;
    /** IPv6 No Next Header (RFC 8200 §4.7). */
    public static final int NO_NEXT_HEADER = 59;
    /** IPv6 Destination Options (RFC 8200 §4.6). */
    public static final int DESTINATION_OPTIONS = 60;
    /** Mobility header (RFC 6275). */
    public static final int MOBILITY = 135;
    /** Host Identity Protocol (RFC 7401). */
    public static final int HIP = 139;
    /** Shim6 (RFC 5533). */
    public static final int SHIM6 = 140;

    private IpProtocol() {
    }

    /** IPv6 extension headers with the generic layout: next header, length in 8-byte units minus 1. */
    public static boolean isGenericIpv6Extension(final int nextHeader) {
        return switch (nextHeader) {
            case HOP_BY_HOP, ROUTING, DESTINATION_OPTIONS, MOBILITY, HIP, SHIM6 -> true;
            default -> false;
        };
    }
}
