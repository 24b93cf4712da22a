package org.ntpguard.capture.proto;

/** EtherType values (IEEE 802 numbers registry) that ntpguard follows; everything else is not NTP. */
public final class EtherType {

    public static final int IPV4 = 0x0800;
    public static final int IPV6 = 0x86DD;
    /** IEEE 802.1Q customer VLAN tag. */
    public static final int VLAN = 0x8100;
    /** IEEE 802.1ad service VLAN tag (QinQ outer tag). */
    public static final int QINQ = 0x88A8;
    /** Pre-standard QinQ outer tag still emitted by some switches. */
    public static final int QINQ_LEGACY = 0x9100;
    /** Transparent Ethernet Bridging: a whole Ethernet frame inside GRE (RFC 1701). */
    public static final int TRANSPARENT_ETHERNET = 0x6558;
    /** ERSPAN type I and II inside GRE (draft-foschiano-erspan). */
    public static final int ERSPAN_TYPE_2 = 0x88BE;
    /** ERSPAN type III inside GRE (draft-foschiano-erspan). */
    public static final int ERSPAN_TYPE_3 = 0x22EB;

    private EtherType() {
    }

    public static boolean isVlanTag(final int etherType) {
        return etherType == VLAN || etherType == QINQ || etherType == QINQ_LEGACY;
    }
}
