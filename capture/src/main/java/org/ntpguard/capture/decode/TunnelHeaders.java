package org.ntpguard.capture.decode;

/**
 * Mirror-session encapsulations.
 * <pre>
 * GRE (RFC 2784, key and sequence from RFC 2890), 4 bytes then optional words in this order:
 * |C| |K|S| Reserved0 (9) | Ver (3) |        Protocol Type (16)        |
 * | Checksum (16) | Reserved1 (16) |   present when C
 * | Key (32)                       |   present when K
 * | Sequence Number (32)           |   present when S
 *
 * ERSPAN type II (GRE protocol 0x88BE with S set; type I has no header at all), 8 bytes:
 * | Ver=1 (4) | VLAN (12) | COS (3) | En (2) | T (1) | Session ID (10) | Reserved (12) | Index (20) |
 *
 * ERSPAN type III (GRE protocol 0x22EB), 12 bytes, then 8 more when O is set:
 * | Ver=2 (4) | VLAN (12) | COS (3) | BSO (2) | T (1) | Session ID (10) |
 * | Timestamp (32) |
 * | SGT (16) | P (1) | FT (5) | Hw ID (6) | D (1) | Gra (2) | O (1) |
 *
 * VXLAN (RFC 7348 §5), UDP port 4789, 8 bytes, then an Ethernet frame:
 * |R|R|R|R|I|R|R|R|            Reserved (24)            |
 * |            VXLAN Network Identifier (24)   | Reserved (8) |
 * </pre>
 */
final class TunnelHeaders {

    static final int GRE_FLAGS_OFFSET = 0;
    static final int GRE_PROTOCOL_OFFSET = 2;
    static final int GRE_MIN_LENGTH = 4;
    static final int GRE_CHECKSUM_PRESENT = 0x8000;
    static final int GRE_KEY_PRESENT = 0x2000;
    static final int GRE_SEQUENCE_PRESENT = 0x1000;
    static final int GRE_VERSION_MASK = 0x0007;
    static final int GRE_OPTIONAL_WORD = 4;

    static final int ERSPAN_2_LENGTH = 8;
    static final int ERSPAN_3_LENGTH = 12;
    static final int ERSPAN_3_FLAGS_OFFSET = 11;
    static final int ERSPAN_3_PLATFORM_SUBHEADER_PRESENT = 0x01;
    static final int ERSPAN_3_PLATFORM_SUBHEADER_LENGTH = 8;

    static final int VXLAN_FLAGS_OFFSET = 0;
    static final int VXLAN_LENGTH = 8;
    static final int VXLAN_VNI_VALID = 0x08;

    /** Encapsulations followed inside one frame: mirror sessions nest one or two deep; more is hostile. */
    static final int MAX_DEPTH = 4;

    private TunnelHeaders() {
    }
}
