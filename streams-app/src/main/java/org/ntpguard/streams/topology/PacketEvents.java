package org.ntpguard.streams.topology;

import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PacketEvent;

/** Reduces the records on the input topics to what detection needs. */
final class PacketEvents {

    /** Where heartbeats are keyed: no address is empty, so no client's window is touched. */
    static final byte[] HEARTBEAT_KEY = new byte[0];

    private static final IpAddress NOBODY = new IpAddress(0, 0, false);
    private static final int MODE_SERVER = 4;

    private PacketEvents() {
    }

    static PacketEvent from(final NtpPacket packet) {
        final PacketEvent.Kind kind = switch (packet.getRole()) {
            case REQUEST -> PacketEvent.Kind.REQUEST;
            case RESPONSE -> PacketEvent.Kind.RESPONSE;
            default -> PacketEvent.Kind.OTHER;
        };
        return new PacketEvent(
                Math.floorDiv(packet.getTs(), 1_000_000L),
                IpAddress.of(packet.getClientAddr()),
                IpAddress.of(packet.getServerAddr()),
                kind,
                packet.getMode(),
                packet.getNtpLen(),
                packet.getControl() == null ? -1 : packet.getControl().getOpcode(),
                packet.getPrivateHeader() == null ? -1 : packet.getPrivateHeader().getRequestCode(),
                packet.getKissCode(),
                kind == PacketEvent.Kind.RESPONSE && isUnsynchronizedAnswer(packet),
                packet.getSensor());
    }

    /** A heartbeat as an event that moves time on and carries nothing. */
    static PacketEvent from(final SensorHeartbeat heartbeat) {
        return timeOnly(Math.floorDiv(heartbeat.getTs(), 1_000_000L), heartbeat.getSensor());
    }

    /** An event that carries only time, at {@code millis}. */
    static PacketEvent tick(final long millis) {
        return timeOnly(millis, "tick");
    }

    private static PacketEvent timeOnly(final long millis, final String sensor) {
        return new PacketEvent(millis, NOBODY, NOBODY, PacketEvent.Kind.OTHER, 0, 0, -1, -1, null, false, sensor);
    }

    static boolean isHeartbeat(final byte[] key) {
        return key.length == 0;
    }

    /**
     * A mode 4 answer handing out time while saying it has none: LI=3 (alarm), or stratum 0 or 16+ (RFC 5905 §7.3).
     * Kiss-o'-Death packets say so on purpose, and a crypto-NAK (a key id without digest) is ntpd refusing
     * authentication: neither is an unsynchronized server.
     */
    static boolean isUnsynchronizedAnswer(final NtpPacket packet) {
        if (packet.getMode() != MODE_SERVER || packet.getKissCode() != null || packet.getStratum() == null) {
            return false;
        }
        final boolean cryptoNak = packet.getKeyId() != null && packet.getMacLength() == 0;
        final int stratum = packet.getStratum();
        return !cryptoNak && (packet.getLi() == 3 || stratum == 0 || stratum >= 16);
    }
}
