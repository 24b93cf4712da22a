package org.ntpguard.capture.decode;

/**
 * Linux "cooked" capture headers, written by {@code tcpdump -i any}.
 * <pre>
 * SLL (LINKTYPE_LINUX_SLL, 113), 16 bytes:
 * | packet type (2) | ARPHRD type (2) | address length (2) | address (8) | protocol type (2) |
 *
 * SLL2 (LINKTYPE_LINUX_SLL2, 276), 20 bytes:
 * | protocol type (2) | reserved (2) | interface index (4) | ARPHRD type (2) | packet type (1) |
 * | address length (1) | address (8) |
 * </pre>
 * The protocol type is an EtherType.
 */
final class LinuxCookedHeader {

    static final int SLL_PROTOCOL_OFFSET = 14;
    static final int SLL_LENGTH = 16;
    static final int SLL2_PROTOCOL_OFFSET = 0;
    static final int SLL2_LENGTH = 20;

    private LinuxCookedHeader() {
    }
}
