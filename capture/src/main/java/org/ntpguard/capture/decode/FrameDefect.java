package org.ntpguard.capture.decode;

/**
 * Why a frame could not be followed down to UDP. With the actual and expected values that {@link DecodedPacket}
 * keeps, it makes a message in the form "what: actual (expected: ...)", built only when reported.
 */
public enum FrameDefect {
    TRUNCATED_LINK_HEADER("frame ends inside its link-layer header", "bytes"),
    TRUNCATED_VLAN_TAG("frame ends inside a VLAN tag", "bytes"),
    TOO_MANY_VLAN_TAGS("VLAN tag stack too deep", "tags"),
    TRUNCATED_IPV4_HEADER("frame ends inside the IPv4 header", "bytes"),
    BAD_IPV4_HEADER_LENGTH("IPv4 header length below minimum", "bytes"),
    BAD_IPV4_TOTAL_LENGTH("IPv4 total length shorter than its header", "bytes"),
    TRUNCATED_IPV6_HEADER("frame ends inside the IPv6 header", "bytes"),
    TRUNCATED_IPV6_EXTENSION("frame ends inside an IPv6 extension header", "bytes"),
    TOO_MANY_IPV6_EXTENSIONS("IPv6 extension header chain too long", "headers"),
    BAD_IP_VERSION("IP version nibble is neither 4 nor 6", "version"),
    TRUNCATED_UDP_HEADER("frame ends inside the UDP header", "bytes"),
    BAD_UDP_LENGTH("UDP length below the 8-byte header", "bytes"),
    TRUNCATED_GRE_HEADER("frame ends inside the GRE header", "bytes"),
    UNSUPPORTED_GRE_VERSION("GRE version is not 0", "version"),
    TRUNCATED_ERSPAN_HEADER("frame ends inside the ERSPAN header", "bytes"),
    TRUNCATED_VXLAN_HEADER("frame ends inside the VXLAN header", "bytes"),
    BAD_VXLAN_FLAGS("VXLAN header without its I flag", "flags"),
    TOO_MANY_TUNNELS("tunnels nested too deep", "levels"),
    UNSUPPORTED_LINK_TYPE("link type not decoded", "link type");

    private final String what;
    private final String unit;

    FrameDefect(final String what, final String unit) {
        this.what = what;
        this.unit = unit;
    }

    public String what() {
        return what;
    }

    /** The slow-path message: {@code frame ends inside the UDP header: 5 bytes (expected: 8+)}. */
    public String describe(final long actual, final long expected) {
        return what + ": " + actual + " " + unit + " (expected: " + expected + (expectsAtLeast() ? "+)" : ")");
    }

    private boolean expectsAtLeast() {
        return this != UNSUPPORTED_GRE_VERSION && this != BAD_IP_VERSION && this != UNSUPPORTED_LINK_TYPE
                && this != BAD_VXLAN_FLAGS && this != TOO_MANY_VLAN_TAGS && this != TOO_MANY_IPV6_EXTENSIONS
                && this != TOO_MANY_TUNNELS;
    }
}
