package org.ntpguard.streams.serde;

import org.ntpguard.streams.detect.PacketEvent;

/**
 * Compact binary form of a {@link PacketEvent} for the repartition topic (keyed by server): about 25 bytes for an
 * IPv4 event against several times that in Avro with its field names.
 *
 * <pre>
 * version byte (1)
 * timestamp                                    zig-zag varint
 * client, server                               length byte (4 or 16) + address bytes
 * kind (0 request, 1 response, 2 other), mode  bytes
 * flags                                        byte: bit 0 unsynchronized
 * ntpBytes, controlOpcode, requestCode         zig-zag varints (-1 for "not this mode")
 * kissCode, sensor                             length-prefixed UTF-8, -1 for null
 * </pre>
 */
public final class PacketEventCodec {

    /** Format version written first; a decoder refuses any other. */
    public static final int VERSION = 1;

    private PacketEventCodec() {
    }

    public static byte[] encode(final PacketEvent e) {
        return new WireWriter(32)
                .writeByte(VERSION)
                .writeLong(e.timestampMillis())
                .writeAddress(e.client())
                .writeAddress(e.server())
                .writeByte(switch (e.kind()) {
                    case REQUEST -> 0;
                    case RESPONSE -> 1;
                    case OTHER -> 2;
                })
                .writeByte(e.mode())
                .writeByte(e.unsynchronized() ? 1 : 0)
                .writeLong(e.ntpBytes())
                .writeLong(e.controlOpcode())
                .writeLong(e.requestCode())
                .writeText(e.kissCode())
                .writeText(e.sensor())
                .toByteArray();
    }

    /** @throws IllegalArgumentException naming what is wrong with the bytes */
    public static PacketEvent decode(final byte[] bytes) {
        final WireReader in = new WireReader(bytes, "packet event").version(VERSION);
        final long timestamp = in.readLong("timestamp");
        final var client = in.readAddress("client address");
        final var server = in.readAddress("server address");
        final int kindCode = in.readByte("kind");
        final PacketEvent.Kind kind = switch (kindCode) {
            case 0 -> PacketEvent.Kind.REQUEST;
            case 1 -> PacketEvent.Kind.RESPONSE;
            case 2 -> PacketEvent.Kind.OTHER;
            default -> throw in.fail("kind: " + kindCode + " (expected: 0 ~ 2)");
        };
        final int mode = in.readByte("mode");
        if (mode > 7) {
            throw in.fail("mode: " + mode + " (expected: 0 ~ 7)");
        }
        final int flags = in.readByte("flags");
        if (flags > 1) {
            throw in.fail("flags: " + flags + " (expected: 0 or 1)");
        }
        final int ntpBytes = in.readInt("NTP bytes", 0, 65535);
        final int opcode = in.readInt("mode 6 opcode", -1, 255);
        final int requestCode = in.readInt("mode 7 request code", -1, 255);
        final String kissCode = in.readText("kiss code", ClientWindowCodec.MAX_TEXT_BYTES);
        final String sensor = in.readText("sensor", ClientWindowCodec.MAX_TEXT_BYTES);
        in.end();
        return new PacketEvent(timestamp, client, server, kind, mode, ntpBytes, opcode, requestCode, kissCode,
                flags == 1, sensor);
    }
}
