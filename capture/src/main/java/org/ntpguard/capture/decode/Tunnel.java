package org.ntpguard.capture.decode;

/** Mirror-session encapsulations an NTP datagram can arrive in; the name is what {@code NtpPacket.tunnel} carries. */
public enum Tunnel {
    NONE(null),
    /** GRE (RFC 2784, RFC 2890) carrying IP or Ethernet. */
    GRE("gre"),
    /** ERSPAN type I, II or III inside GRE (Cisco, draft-foschiano-erspan). */
    ERSPAN("erspan"),
    /** VXLAN on UDP 4789 (RFC 7348), as cloud traffic mirroring sends it. */
    VXLAN("vxlan");

    private final String label;

    Tunnel(final String label) {
        this.label = label;
    }

    /** The contract's name, null for {@link #NONE}. */
    public String label() {
        return label;
    }
}
