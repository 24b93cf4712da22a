package org.ntpguard.capture.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.ntpguard.capture.decode.DecodedPacket;

/**
 * The (client, server) addresses of the datagram at hand as four longs, filled in place once per datagram: rows
 * compare and hash longs, never arrays.
 */
final class PairKey {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] client = new byte[DecodedPacket.IPV6_ADDRESS_LENGTH];
    private final byte[] server = new byte[DecodedPacket.IPV6_ADDRESS_LENGTH];
    long clientHigh;
    long clientLow;
    long serverHigh;
    long serverLow;
    int length;

    /** Reads the datagram's addresses, the client first: the source when {@code clientIsSource}. */
    void set(final DecodedPacket packet, final boolean clientIsSource) {
        if (clientIsSource) {
            length = packet.source(client);
            packet.destination(server);
        } else {
            length = packet.destination(client);
            packet.source(server);
        }
        if (length == DecodedPacket.IPV6_ADDRESS_LENGTH) {
            clientHigh = (long) LONG.get(client, 0);
            clientLow = (long) LONG.get(client, 8);
            serverHigh = (long) LONG.get(server, 0);
            serverLow = (long) LONG.get(server, 8);
        } else {
            clientHigh = 0;
            clientLow = (int) INT.get(client, 0) & 0xFFFF_FFFFL;
            serverHigh = 0;
            serverLow = (int) INT.get(server, 0) & 0xFFFF_FFFFL;
        }
    }

    /** A hash of the pair and interval (murmur3's 64-bit finaliser over a mix of the five). */
    int hash(final long interval) {
        long h = clientLow * 0x9E3779B97F4A7C15L ^ clientHigh * 0xC2B2AE3D27D4EB4FL
                ^ serverLow * 0x165667B19E3779F9L ^ serverHigh * 0x27D4EB2F165667C5L ^ interval;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The address as 4 or 16 bytes again: once per flow, when it is closed. */
    static byte[] bytes(final long high, final long low, final int length) {
        final byte[] bytes = new byte[length];
        if (length == DecodedPacket.IPV6_ADDRESS_LENGTH) {
            LONG.set(bytes, 0, high);
            LONG.set(bytes, 8, low);
        } else {
            INT.set(bytes, 0, (int) low);
        }
        return bytes;
    }
}
