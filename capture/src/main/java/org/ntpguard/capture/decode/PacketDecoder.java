package org.ntpguard.capture.decode;

import static org.ntpguard.capture.decode.Bytes.u16;
import static org.ntpguard.capture.decode.Bytes.u32;
import static org.ntpguard.capture.decode.Bytes.u8;

import java.nio.ByteBuffer;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.proto.EtherType;
import org.ntpguard.capture.proto.IpProtocol;
import org.ntpguard.capture.proto.LinkType;
import org.ntpguard.capture.proto.Ports;

/**
 * Follows one captured frame from its link layer down to NTP: Ethernet, Linux cooked (SLL, SLL2), BSD loopback and
 * raw IP links; 802.1Q/802.1ad tag stacks; IPv4 with options and IPv6 with extension headers; IP fragments; GRE,
 * ERSPAN and VXLAN mirror tunnels; then UDP port 123.
 *
 * <p>Every read is preceded by a length check against what was captured, every header advances by the length it
 * declares, and bad wire data ends in a {@link DecodeResult} with a {@link FrameDefect}, never an exception. Nothing
 * is allocated per frame: one decoder (and one {@link DecodedPacket}) per thread, reused.
 */
public final class PacketDecoder {

    private final FragmentTable fragments;

    private DecodedPacket out;
    private ByteBuffer buffer;
    private int frameStart;
    private int end;
    private int tunnelDepth;

    public PacketDecoder() {
        this(new FragmentTable());
    }

    public PacketDecoder(final FragmentTable fragments) {
        this.fragments = fragments;
    }

    /** Decodes {@code frame} into {@code packet}; the frame's bytes must stay put until the packet is consumed. */
    public DecodeResult decode(final CapturedFrame frame, final DecodedPacket packet) {
        packet.reset(frame.timestampNanos(), frame.frameNumber(), frame.fileOffset());
        out = packet;
        buffer = frame.buffer();
        frameStart = frame.offset();
        end = frameStart + frame.capturedLength();
        tunnelDepth = 0;
        return link(frame.linkType(), frameStart);
    }

    /** IP fragment table entries evicted while live: non-zero means a fragment flood or a table too small. */
    public long fragmentEvictions() {
        return fragments.evictions();
    }

    private DecodeResult link(final int linkType, final int at) {
        switch (linkType) {
            case LinkType.ETHERNET:
                return ethernet(at);
            case LinkType.NULL:
            case LinkType.LOOP:
                if (end - at < LoopbackHeader.LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_LINK_HEADER, LoopbackHeader.LENGTH, at);
                }
                final int family = LoopbackHeader.family(buffer.getInt(at));
                if (family == LoopbackHeader.AF_INET) {
                    return ipv4(at + LoopbackHeader.LENGTH);
                }
                return LoopbackHeader.isInet6(family) ? ipv6(at + LoopbackHeader.LENGTH) : DecodeResult.NOT_NTP;
            case LinkType.RAW:
                return ip(at);
            case LinkType.IPV4:
                return ipv4(at);
            case LinkType.IPV6:
                return ipv6(at);
            case LinkType.LINUX_SLL:
                if (end - at < LinuxCookedHeader.SLL_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_LINK_HEADER, LinuxCookedHeader.SLL_LENGTH, at);
                }
                return etherType(u16(buffer, at + LinuxCookedHeader.SLL_PROTOCOL_OFFSET),
                        at + LinuxCookedHeader.SLL_LENGTH);
            case LinkType.LINUX_SLL2:
                if (end - at < LinuxCookedHeader.SLL2_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_LINK_HEADER, LinuxCookedHeader.SLL2_LENGTH, at);
                }
                return etherType(u16(buffer, at + LinuxCookedHeader.SLL2_PROTOCOL_OFFSET),
                        at + LinuxCookedHeader.SLL2_LENGTH);
            default:
                return out.defect(DecodeResult.UNSUPPORTED, FrameDefect.UNSUPPORTED_LINK_TYPE, linkType,
                        LinkType.ETHERNET, at - frameStart);
        }
    }

    private DecodeResult ethernet(final int at) {
        if (end - at < EthernetHeader.LENGTH) {
            return truncated(FrameDefect.TRUNCATED_LINK_HEADER, EthernetHeader.LENGTH, at);
        }
        return etherType(u16(buffer, at + EthernetHeader.ETHER_TYPE_OFFSET), at + EthernetHeader.LENGTH);
    }

    private DecodeResult etherType(final int firstType, final int firstPayload) {
        int type = firstType;
        int at = firstPayload;
        while (EtherType.isVlanTag(type)) {
            if (end - at < EthernetHeader.VLAN_TAG_LENGTH) {
                return truncated(FrameDefect.TRUNCATED_VLAN_TAG, EthernetHeader.VLAN_TAG_LENGTH, at);
            }
            if (!out.addVlan(u16(buffer, at + EthernetHeader.VLAN_TCI_OFFSET) & EthernetHeader.VLAN_ID_MASK)) {
                return out.defect(DecodeResult.MALFORMED, FrameDefect.TOO_MANY_VLAN_TAGS, DecodedPacket.MAX_VLANS + 1,
                        DecodedPacket.MAX_VLANS, at - frameStart);
            }
            type = u16(buffer, at + EthernetHeader.VLAN_NEXT_TYPE_OFFSET);
            at += EthernetHeader.VLAN_TAG_LENGTH;
        }
        switch (type) {
            case EtherType.IPV4:
                return ipv4(at);
            case EtherType.IPV6:
                return ipv6(at);
            default:
                return DecodeResult.NOT_NTP;
        }
    }

    private DecodeResult ip(final int at) {
        if (end - at < 1) {
            return truncated(FrameDefect.TRUNCATED_IPV4_HEADER, Ipv4Header.MIN_LENGTH, at);
        }
        final int version = u8(buffer, at) >>> 4;
        if (version == 4) {
            return ipv4(at);
        }
        if (version == 6) {
            return ipv6(at);
        }
        return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_IP_VERSION, version, 4, at - frameStart);
    }

    private DecodeResult ipv4(final int at) {
        if (end - at < Ipv4Header.MIN_LENGTH) {
            return truncated(FrameDefect.TRUNCATED_IPV4_HEADER, Ipv4Header.MIN_LENGTH, at);
        }
        final int versionAndLength = u8(buffer, at + Ipv4Header.VERSION_IHL_OFFSET);
        if (versionAndLength >>> 4 != 4) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_IP_VERSION, versionAndLength >>> 4, 4,
                    at - frameStart);
        }
        final int headerLength = (versionAndLength & Ipv4Header.IHL_MASK) * Ipv4Header.IHL_UNIT;
        if (headerLength < Ipv4Header.MIN_LENGTH) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_IPV4_HEADER_LENGTH, headerLength,
                    Ipv4Header.MIN_LENGTH, at - frameStart);
        }
        if (end - at < headerLength) {
            return truncated(FrameDefect.TRUNCATED_IPV4_HEADER, headerLength, at);
        }
        final int totalLength = u16(buffer, at + Ipv4Header.TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_IPV4_TOTAL_LENGTH, totalLength, headerLength,
                    at - frameStart);
        }
        final int sourceIndex = at + Ipv4Header.SOURCE_OFFSET;
        final int destinationIndex = at + Ipv4Header.DESTINATION_OFFSET;
        out.ip(4, totalLength, buffer, sourceIndex, destinationIndex);
        final int flagsAndOffset = u16(buffer, at + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
        final int protocol = u8(buffer, at + Ipv4Header.PROTOCOL_OFFSET);
        final long id = (long) protocol << 16 | u16(buffer, at + Ipv4Header.IDENTIFICATION_OFFSET);
        if ((flagsAndOffset & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
            return laterFragment(sourceIndex, destinationIndex, DecodedPacket.IPV4_ADDRESS_LENGTH, id);
        }
        final boolean firstFragment = (flagsAndOffset & Ipv4Header.MORE_FRAGMENTS_MASK) != 0;
        final int payloadEnd = Math.min(end, at + totalLength);
        return transport(protocol, at + headerLength, payloadEnd, firstFragment, sourceIndex, destinationIndex,
                DecodedPacket.IPV4_ADDRESS_LENGTH, id);
    }

    private DecodeResult ipv6(final int at) {
        if (end - at < Ipv6Header.LENGTH) {
            return truncated(FrameDefect.TRUNCATED_IPV6_HEADER, Ipv6Header.LENGTH, at);
        }
        final int version = u8(buffer, at) >>> 4;
        if (version != 6) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_IP_VERSION, version, 6, at - frameStart);
        }
        final int payloadLength = u16(buffer, at + Ipv6Header.PAYLOAD_LENGTH_OFFSET);
        final int sourceIndex = at + Ipv6Header.SOURCE_OFFSET;
        final int destinationIndex = at + Ipv6Header.DESTINATION_OFFSET;
        out.ip(6, Ipv6Header.LENGTH + payloadLength, buffer, sourceIndex, destinationIndex);
        final int payloadEnd = Math.min(end, at + Ipv6Header.LENGTH + payloadLength);
        int nextHeader = u8(buffer, at + Ipv6Header.NEXT_HEADER_OFFSET);
        int cursor = at + Ipv6Header.LENGTH;
        boolean firstFragment = false;
        long id = 0;
        for (int extensions = 0; ; extensions++) {
            final int headerLength;
            if (IpProtocol.isGenericIpv6Extension(nextHeader)) {
                if (payloadEnd - cursor < Ipv6Header.EXTENSION_MIN_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_IPV6_EXTENSION, Ipv6Header.EXTENSION_MIN_LENGTH, cursor);
                }
                headerLength = (u8(buffer, cursor + Ipv6Header.EXTENSION_LENGTH_OFFSET) + 1) * 8;
            } else if (nextHeader == IpProtocol.AUTHENTICATION) {
                if (payloadEnd - cursor < Ipv6Header.EXTENSION_MIN_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_IPV6_EXTENSION, Ipv6Header.EXTENSION_MIN_LENGTH, cursor);
                }
                headerLength = (u8(buffer, cursor + Ipv6Header.EXTENSION_LENGTH_OFFSET) + 2) * 4;
            } else if (nextHeader == IpProtocol.FRAGMENT) {
                if (payloadEnd - cursor < Ipv6Header.FRAGMENT_HEADER_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_IPV6_EXTENSION, Ipv6Header.FRAGMENT_HEADER_LENGTH,
                            cursor);
                }
                final int offsetAndFlags = u16(buffer, cursor + Ipv6Header.FRAGMENT_OFFSET_FIELD_OFFSET);
                id = u32(buffer, cursor + Ipv6Header.FRAGMENT_IDENTIFICATION_OFFSET);
                if ((offsetAndFlags & Ipv6Header.FRAGMENT_OFFSET_MASK) != 0) {
                    return laterFragment(sourceIndex, destinationIndex, DecodedPacket.IPV6_ADDRESS_LENGTH, id);
                }
                firstFragment = (offsetAndFlags & Ipv6Header.MORE_FRAGMENTS_MASK) != 0;
                headerLength = Ipv6Header.FRAGMENT_HEADER_LENGTH;
            } else {
                break;
            }
            if (extensions == Ipv6Header.MAX_EXTENSION_HEADERS) {
                return out.defect(DecodeResult.MALFORMED, FrameDefect.TOO_MANY_IPV6_EXTENSIONS, extensions + 1,
                        Ipv6Header.MAX_EXTENSION_HEADERS, cursor - frameStart);
            }
            if (payloadEnd - cursor < headerLength) {
                return truncated(FrameDefect.TRUNCATED_IPV6_EXTENSION, headerLength, cursor);
            }
            nextHeader = u8(buffer, cursor);
            cursor += headerLength;
        }
        return transport(nextHeader, cursor, payloadEnd, firstFragment, sourceIndex, destinationIndex,
                DecodedPacket.IPV6_ADDRESS_LENGTH, id);
    }

    private DecodeResult transport(final int protocol, final int at, final int payloadEnd,
                                   final boolean firstFragment, final int sourceIndex, final int destinationIndex,
                                   final int addressLength, final long id) {
        if (protocol == IpProtocol.UDP) {
            return udp(at, payloadEnd, firstFragment, sourceIndex, destinationIndex, addressLength, id);
        }
        if (protocol == IpProtocol.GRE) {
            return gre(at, payloadEnd);
        }
        return DecodeResult.NOT_NTP;
    }

    private DecodeResult udp(final int at, final int payloadEnd, final boolean firstFragment, final int sourceIndex,
                             final int destinationIndex, final int addressLength, final long id) {
        if (payloadEnd - at < UdpHeader.LENGTH) {
            return truncated(FrameDefect.TRUNCATED_UDP_HEADER, UdpHeader.LENGTH, at, payloadEnd);
        }
        final int sourcePort = u16(buffer, at + UdpHeader.SOURCE_PORT_OFFSET);
        final int destinationPort = u16(buffer, at + UdpHeader.DESTINATION_PORT_OFFSET);
        final int udpLength = u16(buffer, at + UdpHeader.LENGTH_OFFSET);
        if (sourcePort == Ports.NTP || destinationPort == Ports.NTP) {
            if (udpLength < UdpHeader.LENGTH) {
                return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_UDP_LENGTH, udpLength, UdpHeader.LENGTH,
                        at - frameStart);
            }
            final int ntpStart = at + UdpHeader.LENGTH;
            final int declared = udpLength - UdpHeader.LENGTH;
            final int available = Math.max(0, Math.min(payloadEnd - ntpStart, declared));
            out.udp(sourcePort, destinationPort, declared, firstFragment);
            if (firstFragment) {
                fragments.rememberNtp(buffer, sourceIndex, destinationIndex, addressLength, id, out.timestampNanos());
            }
            out.malformed(out.ntp().wrap(buffer, ntpStart, available, declared));
            return DecodeResult.NTP;
        }
        if (destinationPort == Ports.VXLAN) {
            return vxlan(at + UdpHeader.LENGTH, payloadEnd);
        }
        return DecodeResult.NOT_NTP;
    }

    private DecodeResult laterFragment(final int sourceIndex, final int destinationIndex, final int addressLength,
                                       final long id) {
        return fragments.isNtpFragment(buffer, sourceIndex, destinationIndex, addressLength, id, out.timestampNanos())
                ? DecodeResult.NTP_FRAGMENT : DecodeResult.NOT_NTP;
    }

    private DecodeResult gre(final int at, final int payloadEnd) {
        if (payloadEnd - at < TunnelHeaders.GRE_MIN_LENGTH) {
            return truncated(FrameDefect.TRUNCATED_GRE_HEADER, TunnelHeaders.GRE_MIN_LENGTH, at, payloadEnd);
        }
        final int flags = u16(buffer, at + TunnelHeaders.GRE_FLAGS_OFFSET);
        if ((flags & TunnelHeaders.GRE_VERSION_MASK) != 0) {
            return out.defect(DecodeResult.UNSUPPORTED, FrameDefect.UNSUPPORTED_GRE_VERSION,
                    flags & TunnelHeaders.GRE_VERSION_MASK, 0, at - frameStart);
        }
        final boolean sequenced = (flags & TunnelHeaders.GRE_SEQUENCE_PRESENT) != 0;
        int headerLength = TunnelHeaders.GRE_MIN_LENGTH;
        if ((flags & TunnelHeaders.GRE_CHECKSUM_PRESENT) != 0) {
            headerLength += TunnelHeaders.GRE_OPTIONAL_WORD;
        }
        if ((flags & TunnelHeaders.GRE_KEY_PRESENT) != 0) {
            headerLength += TunnelHeaders.GRE_OPTIONAL_WORD;
        }
        if (sequenced) {
            headerLength += TunnelHeaders.GRE_OPTIONAL_WORD;
        }
        if (payloadEnd - at < headerLength) {
            return truncated(FrameDefect.TRUNCATED_GRE_HEADER, headerLength, at, payloadEnd);
        }
        if (!enterTunnel()) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.TOO_MANY_TUNNELS, tunnelDepth + 1,
                    TunnelHeaders.MAX_DEPTH, at - frameStart);
        }
        end = payloadEnd;
        final int protocol = u16(buffer, at + TunnelHeaders.GRE_PROTOCOL_OFFSET);
        final int inner = at + headerLength;
        switch (protocol) {
            case EtherType.ERSPAN_TYPE_2:
                labelTunnel(Tunnel.ERSPAN);
                if (!sequenced) {
                    return ethernet(inner); // ERSPAN type I: no ERSPAN header
                }
                if (end - inner < TunnelHeaders.ERSPAN_2_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_ERSPAN_HEADER, TunnelHeaders.ERSPAN_2_LENGTH, inner);
                }
                return ethernet(inner + TunnelHeaders.ERSPAN_2_LENGTH);
            case EtherType.ERSPAN_TYPE_3:
                labelTunnel(Tunnel.ERSPAN);
                if (end - inner < TunnelHeaders.ERSPAN_3_LENGTH) {
                    return truncated(FrameDefect.TRUNCATED_ERSPAN_HEADER, TunnelHeaders.ERSPAN_3_LENGTH, inner);
                }
                final boolean platformSubheader = (u8(buffer, inner + TunnelHeaders.ERSPAN_3_FLAGS_OFFSET)
                        & TunnelHeaders.ERSPAN_3_PLATFORM_SUBHEADER_PRESENT) != 0;
                final int erspanLength = TunnelHeaders.ERSPAN_3_LENGTH
                        + (platformSubheader ? TunnelHeaders.ERSPAN_3_PLATFORM_SUBHEADER_LENGTH : 0);
                if (end - inner < erspanLength) {
                    return truncated(FrameDefect.TRUNCATED_ERSPAN_HEADER, erspanLength, inner);
                }
                return ethernet(inner + erspanLength);
            case EtherType.TRANSPARENT_ETHERNET:
                labelTunnel(Tunnel.GRE);
                return ethernet(inner);
            default:
                labelTunnel(Tunnel.GRE);
                return etherType(protocol, inner);
        }
    }

    private DecodeResult vxlan(final int at, final int payloadEnd) {
        if (payloadEnd - at < TunnelHeaders.VXLAN_LENGTH) {
            return truncated(FrameDefect.TRUNCATED_VXLAN_HEADER, TunnelHeaders.VXLAN_LENGTH, at, payloadEnd);
        }
        final int flags = u8(buffer, at + TunnelHeaders.VXLAN_FLAGS_OFFSET);
        if ((flags & TunnelHeaders.VXLAN_VNI_VALID) == 0) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.BAD_VXLAN_FLAGS, flags,
                    TunnelHeaders.VXLAN_VNI_VALID, at - frameStart);
        }
        if (!enterTunnel()) {
            return out.defect(DecodeResult.MALFORMED, FrameDefect.TOO_MANY_TUNNELS, tunnelDepth + 1,
                    TunnelHeaders.MAX_DEPTH, at - frameStart);
        }
        end = payloadEnd;
        labelTunnel(Tunnel.VXLAN);
        return ethernet(at + TunnelHeaders.VXLAN_LENGTH);
    }

    private boolean enterTunnel() {
        return ++tunnelDepth <= TunnelHeaders.MAX_DEPTH;
    }

    /** The outermost encapsulation names the mirror session. */
    private void labelTunnel(final Tunnel tunnel) {
        if (out.tunnel() == Tunnel.NONE) {
            out.tunnel(tunnel);
        }
    }

    private DecodeResult truncated(final FrameDefect defect, final int needed, final int at) {
        return truncated(defect, needed, at, end);
    }

    private DecodeResult truncated(final FrameDefect defect, final int needed, final int at, final int limit) {
        return out.defect(DecodeResult.TRUNCATED, defect, Math.max(0, limit - at), needed, at - frameStart);
    }
}
