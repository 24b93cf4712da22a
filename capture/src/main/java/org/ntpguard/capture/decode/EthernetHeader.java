package org.ntpguard.capture.decode;

/**
 * Ethernet II header (IEEE 802.3), optionally followed by 802.1Q / 802.1ad tags.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination MAC (6 bytes)                    |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    Source MAC (6 bytes)       +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A VLAN tag (IEEE 802.1Q) sits where the EtherType was: TPID 0x8100 (or 0x88A8 / 0x9100 for the QinQ outer tag),
 * then PCP(3) DEI(1) VID(12), then the next EtherType.
 */
final class EthernetHeader {

    static final int ETHER_TYPE_OFFSET = 12;
    static final int LENGTH = ETHER_TYPE_OFFSET + 2;
    /** A VLAN tag: the 2-byte TCI after the TPID, then the next EtherType. */
    static final int VLAN_TCI_OFFSET = 0;
    static final int VLAN_NEXT_TYPE_OFFSET = 2;
    static final int VLAN_TAG_LENGTH = 4;
    static final int VLAN_ID_MASK = 0x0FFF;

    private EthernetHeader() {
    }
}
