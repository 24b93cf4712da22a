package org.ntpguard.capture.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only: pulls UDP port-123 payloads out of the shared pcaps before the real pcap reader exists. Classic
 * little-endian microsecond pcap, Ethernet II (no VLAN), IPv4 (IHL honoured, first fragments only) or IPv6 (no
 * extension headers), UDP. Anything else is skipped.
 */
final class PcapFixtures {
    private static final int PCAP_MAGIC_LE_MICROS = 0xa1b2c3d4;
    private static final int GLOBAL_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int ETHERNET_LENGTH = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int UDP = 17;
    private static final int NTP_PORT = 123;

    /** One NTP payload: its frame number, the whole frame buffer, and where the payload sits in it. */
    record Payload(int frame, ByteBuffer frameBuffer, int offset, int available, int declared) {
        byte[] bytes() {
            final byte[] out = new byte[available];
            for (int i = 0; i < available; i++) {
                out[i] = frameBuffer.get(offset + i);
            }
            return out;
        }
    }

    private PcapFixtures() {
    }

    /** The shared directory: {@code shared/} in the first ancestor of the working directory that has one. */
    static Path sharedDir() {
        Path dir = Paths.get("").toAbsolutePath();
        while (null != dir) {
            final Path candidate = dir.resolve("shared");
            if (Files.isDirectory(candidate.resolve("captures"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return null;
    }

    static List<Payload> ntpPayloads(final Path pcap) throws IOException {
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        if (PCAP_MAGIC_LE_MICROS != file.getInt(0) || 1 != file.getInt(20)) {
            throw new IllegalArgumentException("not a little-endian microsecond Ethernet pcap: " + pcap);
        }
        final List<Payload> out = new ArrayList<>();
        int position = GLOBAL_HEADER_LENGTH;
        int frame = 0;
        while (position + RECORD_HEADER_LENGTH <= file.limit()) {
            final int captured = file.getInt(position + 8);
            frame++;
            final byte[] bytes = new byte[captured];
            file.get(position + RECORD_HEADER_LENGTH, bytes);
            position += RECORD_HEADER_LENGTH + captured;
            final Payload payload = slice(frame, ByteBuffer.wrap(bytes));
            if (null != payload) {
                out.add(payload);
            }
        }
        return out;
    }

    private static Payload slice(final int frame, final ByteBuffer f) {
        if (f.limit() < ETHERNET_LENGTH) {
            return null;
        }
        final int etherType = f.getShort(12) & 0xFFFF;
        int ip = ETHERNET_LENGTH;
        final int udp;
        if (ETHERTYPE_IPV4 == etherType) {
            final int ihl = (f.get(ip) & 0x0F) * 4;
            final int fragment = f.getShort(ip + 6) & 0x1FFF;
            if (UDP != (f.get(ip + 9) & 0xFF) || 0 != fragment) {
                return null;
            }
            udp = ip + ihl;
        } else if (ETHERTYPE_IPV6 == etherType) {
            if (UDP != (f.get(ip + 6) & 0xFF)) {
                return null;
            }
            udp = ip + 40;
        } else {
            return null;
        }
        if (udp + 8 > f.limit()) {
            return null;
        }
        final int sport = f.getShort(udp) & 0xFFFF;
        final int dport = f.getShort(udp + 2) & 0xFFFF;
        if (NTP_PORT != sport && NTP_PORT != dport) {
            return null;
        }
        final int declared = (f.getShort(udp + 4) & 0xFFFF) - 8;
        final int available = Math.max(0, Math.min(declared, f.limit() - udp - 8));
        return new Payload(frame, f, udp + 8, available, declared);
    }
}
