package org.ntpguard.capture.decode;

/**
 * IPv6 fixed header (RFC 8200 §3) and the extension headers it chains to (§4).
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Source Address (16 bytes)                    |
 * |               Destination Address (16 bytes)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Generic extension header:  | Next Header | Hdr Ext Len (8-byte units, minus 1) | ...
 * Authentication header:     | Next Header | Payload Len (4-byte units, minus 2) | ...
 * Fragment header (8 bytes): | Next Header | Reserved | Fragment Offset (13) | Res (2) | M | Identification (32) |
 * </pre>
 */
final class Ipv6Header {

    static final int PAYLOAD_LENGTH_OFFSET = 4;
    static final int NEXT_HEADER_OFFSET = 6;
    static final int SOURCE_OFFSET = 8;
    static final int DESTINATION_OFFSET = 24;
    static final int LENGTH = 40;
    /** Extension headers walked before giving up: a longer chain is hostile (RFC 7112 keeps the chain in one packet). */
    static final int MAX_EXTENSION_HEADERS = 16;
    static final int EXTENSION_LENGTH_OFFSET = 1;
    static final int EXTENSION_MIN_LENGTH = 8;
    static final int FRAGMENT_OFFSET_FIELD_OFFSET = 2;
    static final int FRAGMENT_IDENTIFICATION_OFFSET = 4;
    static final int FRAGMENT_HEADER_LENGTH = 8;
    static final int FRAGMENT_OFFSET_MASK = 0xFFF8;
    static final int MORE_FRAGMENTS_MASK = 0x0001;

    private Ipv6Header() {
    }
}
