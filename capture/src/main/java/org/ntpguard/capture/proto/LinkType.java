package org.ntpguard.capture.proto;

/**
 * Link types ntpguard decodes: the LINKTYPE_ values of pcap and pcapng headers (tcpdump.org linktypes registry).
 * Wire constants are ints so the per-frame dispatch is a plain switch.
 */
public final class LinkType {

    /** BSD loopback: 4-byte address family in the capturing host's byte order. */
    public static final int NULL = 0;
    /** IEEE 802.3 Ethernet. */
    public static final int ETHERNET = 1;
    /** Raw IPv4 or IPv6, version from the first nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    /** Linux cooked capture v1 (tcpdump -i any before libpcap 1.10): 16-byte header. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux cooked capture v2 (tcpdump -i any since libpcap 1.10): 20-byte header. pcap4j does not know it. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** A name for messages: {@code ETHERNET(1)}, or {@code unknown(n)}. */
    public static String describe(final int linkType) {
        return switch (linkType) {
            case NULL -> "NULL(0)";
            case ETHERNET -> "ETHERNET(1)";
            case RAW -> "RAW(101)";
            case LOOP -> "LOOP(108)";
            case LINUX_SLL -> "LINUX_SLL(113)";
            case IPV4 -> "IPV4(228)";
            case IPV6 -> "IPV6(229)";
            case LINUX_SLL2 -> "LINUX_SLL2(276)";
            default -> "unknown(" + linkType + ")";
        };
    }

    public static boolean isSupported(final int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
