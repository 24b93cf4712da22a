package org.ntpguard.capture.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.ntpguard.capture.pcap.CapturedFrame;

/**
 * Builds frames for decoder tests from the inside out: start with a UDP payload, wrap it in UDP, IP, tunnels, VLAN
 * tags and a link header. Checksums are left zero (the decoder does not verify them, as a passive sensor must not).
 */
public final class FrameBuilder {

    public static final byte[] CLIENT_V4 = {(byte) 192, 0, 2, 10};
    public static final byte[] SERVER_V4 = {(byte) 198, 51, 100, 123};
    public static final byte[] CLIENT_V6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
    public static final byte[] SERVER_V6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x23};

    private byte[] bytes;

    private FrameBuilder(final byte[] payload) {
        this.bytes = payload;
    }

    /** A 48-byte NTPv4 client request (LI 0, VN 4, mode 3), transmit timestamp set. */
    public static byte[] ntpClientRequest() {
        final byte[] ntp = new byte[48];
        ntp[0] = 0x23;  // LI 0, VN 4, mode 3
        ntp[2] = 6;     // poll
        ntp[3] = (byte) 0xEC; // precision -20
        for (int i = 40; i < 48; i++) {
            ntp[i] = (byte) (0xA0 + i);
        }
        return ntp;
    }

    public static FrameBuilder payload(final byte[] payload) {
        return new FrameBuilder(payload.clone());
    }

    public FrameBuilder udp(final int sourcePort, final int destinationPort) {
        return prepend(u16(sourcePort), u16(destinationPort), u16(bytes.length + 8), u16(0));
    }

    public FrameBuilder ipv4(final byte[] source, final byte[] destination, final int protocol) {
        return ipv4(source, destination, protocol, 0, 0x1234, new byte[0]);
    }

    /** IPv4 with explicit flags+fragment offset word, identification and options (a multiple of 4 bytes). */
    public FrameBuilder ipv4(final byte[] source, final byte[] destination, final int protocol, final int flagsAndOffset,
                      final int identification, final byte[] options) {
        final int headerLength = 20 + options.length;
        return prepend(
                new byte[] {(byte) (0x40 | headerLength / 4), 0},     // version 4, IHL; TOS
                u16(headerLength + bytes.length),                    // total length
                u16(identification), u16(flagsAndOffset),            // id; flags, fragment offset
                new byte[] {64, (byte) protocol}, u16(0),             // TTL, protocol; checksum
                source, destination, options);
    }

    public FrameBuilder ipv6(final byte[] source, final byte[] destination, final int nextHeader) {
        return prepend(
                new byte[] {0x60, 0, 0, 0},                          // version 6, traffic class, flow label
                u16(bytes.length), new byte[] {(byte) nextHeader, 64}, // payload length, next header, hop limit
                source, destination);
    }

    /** A generic IPv6 extension header of {@code lengthUnits} (8-byte units beyond the first 8). */
    public FrameBuilder ipv6Extension(final int nextHeader, final int lengthUnits) {
        final byte[] header = new byte[8 + 8 * lengthUnits];
        header[0] = (byte) nextHeader;
        header[1] = (byte) lengthUnits;
        return prepend(header);
    }

    public FrameBuilder ipv6Fragment(final int nextHeader, final int offsetUnits, final boolean more, final int id) {
        return prepend(new byte[] {(byte) nextHeader, 0}, u16(offsetUnits << 3 | (more ? 1 : 0)), u32(id));
    }

    public FrameBuilder gre(final int flags, final int protocol, final int optionalWords) {
        return prepend(u16(flags), u16(protocol), new byte[4 * optionalWords]);
    }

    public FrameBuilder erspanType2() {
        return prepend(new byte[] {0x10, 0x64, 0, 0x01, 0, 0, 0, 0}); // ver 1, vlan 100, session 1, index 0
    }

    public FrameBuilder erspanType3(final boolean platformSubheader) {
        final byte[] header = new byte[platformSubheader ? 20 : 12];
        header[0] = 0x20;                                             // ver 2
        header[11] = (byte) (platformSubheader ? 1 : 0);              // O flag
        return prepend(header);
    }

    public FrameBuilder vxlan(final int flags, final int vni) {
        return prepend(new byte[] {(byte) flags, 0, 0, 0}, new byte[] {(byte) (vni >>> 16), (byte) (vni >>> 8),
                (byte) vni, 0});
    }

    public FrameBuilder vlan(final int tpid, final int vlanId, final int nextType) {
        return prepend(u16(vlanId), u16(nextType)).prependTag(tpid);
    }

    private FrameBuilder prependTag(final int tpid) {
        pendingType = tpid;
        return this;
    }

    private int pendingType = -1;

    /** Ethernet II; the EtherType is the outermost VLAN TPID when tags were added, else {@code etherType}. */
    public FrameBuilder ethernet(final int etherType) {
        final int type = pendingType >= 0 ? pendingType : etherType;
        pendingType = -1;
        return prepend(new byte[] {2, 0, 0, 0, 0, 1}, new byte[] {2, 0, 0, 0, 0, 2}, u16(type));
    }

    /** Ethernet II carrying the previously built tag stack. */
    public FrameBuilder ethernetTagged() {
        return ethernet(-1);
    }

    public FrameBuilder raw(final byte[] header) {
        return prepend(header);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public CapturedFrame frame(final int linkType) {
        return frame(linkType, bytes.length);
    }

    /** The frame as a reader would hand it over, cut to {@code capturedLength} as a snap length would. */
    public CapturedFrame frame(final int linkType, final int capturedLength) {
        final ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 32);
        buffer.position(16);
        buffer.put(bytes);
        return new CapturedFrame().set(buffer, 16, capturedLength, bytes.length, linkType, 1_000_000_000L, 1, 24);
    }

    private FrameBuilder prepend(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        out.writeBytes(bytes);
        bytes = out.toByteArray();
        return this;
    }

    static byte[] u16(final int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    static byte[] u32(final int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
