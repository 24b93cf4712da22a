package org.ntpguard.streams.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ntpguard.streams.detect.DistinctAddresses;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.ServerPeer;
import org.ntpguard.streams.detect.ServerWindow;

/**
 * Binary form of a {@link ServerWindow}, in the same primitives as {@link ClientWindowCodec}.
 *
 * <pre>
 * version byte (2)
 * peerTableCap, the {@link ServerWindow#TOTALS} totals, firstSeen, lastSeen       zig-zag varints
 * kiss codes, sensors                                                           as in ClientWindowCodec
 * clients                                                                       length-prefixed HLL compact bytes
 * peers: count, then per peer address and 7 varints (requests, requestBytes, responses, responseBytes,
 *     mode6Responses, mode7Responses, monlistResponses), (version 2:) then nonce-verified responses
 * </pre>
 * Version 1 windows still decode, with no verified responses.
 */
public final class ServerWindowCodec {

    /** Format version written first; a decoder refuses any other. */
    public static final int VERSION = 2;

    private ServerWindowCodec() {
    }

    public static byte[] encode(final ServerWindow w) {
        final WireWriter out = new WireWriter(128 + 24 * w.peers().size());
        out.writeByte(VERSION).writeLong(w.peerTableCap());
        for (final long total : w.totals()) {
            out.writeLong(total);
        }
        out.writeLong(w.firstSeen()).writeLong(w.lastSeen());
        final Map<String, Long> kisses = w.kissCodes();
        out.writeLong(kisses.size());
        kisses.forEach((code, n) -> out.writeText(code).writeLong(n));
        final List<String> sensors = w.sensors();
        out.writeLong(sensors.size());
        sensors.forEach(out::writeText);
        out.writeBytes(w.clientsSketch().toBytes());
        final List<ServerPeer> peers = new ArrayList<>(w.peers());
        peers.sort((a, b) -> a.client().compareTo(b.client()));
        out.writeLong(peers.size());
        for (final ServerPeer p : peers) {
            out.writeAddress(p.client()).writeLong(p.requests()).writeLong(p.requestBytes()).writeLong(p.responses())
                    .writeLong(p.responseBytes()).writeLong(p.mode6Responses()).writeLong(p.mode7Responses())
                    .writeLong(p.monlistResponses()).writeLong(p.verifiedResponses());
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException naming what is wrong with the bytes */
    public static ServerWindow decode(final byte[] bytes) {
        final WireReader in = new WireReader(bytes, "server window");
        final int version = in.version(1, VERSION);
        final int cap = in.readInt("peer table cap", 1, ClientWindowCodec.MAX_PEER_TABLE_CAP);
        final long[] totals = new long[ServerWindow.TOTALS];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = in.readLong("total " + i);
        }
        final long firstSeen = in.readLong("first seen");
        final long lastSeen = in.readLong("last seen");
        final Map<String, Long> kisses = ClientWindowCodec.readKissCodes(in);
        final List<String> sensors = ClientWindowCodec.readSensors(in);
        final DistinctAddresses clients = ClientWindowCodec.readSketch(in, "clients sketch");
        final int count = in.readInt("peer count", 0, cap);
        final List<ServerPeer> peers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final IpAddress client = in.readAddress("peer " + i + " address");
            final long[] v = new long[7];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.readLong("peer " + i + " counter " + j);
            }
            final ServerPeer peer = ServerPeer.restore(client, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
            peers.add(version < 2 ? peer : peer.restoreVerified(in.readLong("peer " + i + " verified responses")));
        }
        in.end();
        try {
            return ServerWindow.restore(cap, totals, kisses, firstSeen, lastSeen, sensors, clients, peers);
        } catch (IllegalArgumentException e) {
            throw in.fail(e.getMessage());
        }
    }
}
