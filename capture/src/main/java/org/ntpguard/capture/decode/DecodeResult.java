package org.ntpguard.capture.decode;

/** What one frame turned out to be; a counter per value tells what a capture held. */
public enum DecodeResult {
    /** An NTP datagram (possibly malformed NTP: see {@link DecodedPacket#malformed()}), ready to emit. */
    NTP,
    /** A later IP fragment of an NTP datagram already emitted from its first fragment. */
    NTP_FRAGMENT,
    /** Valid traffic that is not NTP (another port or protocol, a fragment of something else). */
    NOT_NTP,
    /** The frame ends inside a header (snap length, or a header claiming more than was captured). */
    TRUNCATED,
    /** A header that breaks its own rules (IPv4 IHL below 5, UDP length below 8, VXLAN without its I flag, ...). */
    MALFORMED,
    /** A link type or encapsulation ntpguard does not decode (GRE version 1, ESP, an unknown link type). */
    UNSUPPORTED
}
