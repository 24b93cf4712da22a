package org.ntpguard.streams.serde;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntpguard.streams.detect.ClientPeer;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.DistinctAddresses;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.KissCodes;
import org.ntpguard.streams.detect.Sensors;

/**
 * Binary form of a {@link ClientWindow} for the windowed store and its changelog.
 *
 * <pre>
 * version byte (2)
 * peerTableCap, the {@link ClientWindow#TOTALS} totals, controlOpcodes, requestCodesLow, requestCodesHigh,
 *     firstSeen, lastSeen                                          zig-zag varints
 * kiss codes: count, then (text code, varint count) each
 * sensors: count, then text each
 * serversAsked, serversAnswering, controlServersAsked              length-prefixed HLL compact bytes
 * peers: count, then per peer address (length byte + 4/16 bytes) and 12 varints
 *     (requests, requestBytes, responses, responseBytes, kods, rateKods, firstRateKod, requestsAfterRateKod,
 *      mode6Requests, mode7Requests, monlistRequests, monlistResponses), then pending count and timestamps
 *     (version 2:) then port count and (port, requests, inherited) each, kissed port count and ports, any-port flag,
 *     nonce-verified request bytes, responses and response bytes
 * (version 2:) request port count, then ports
 * </pre>
 * Version 1 windows (before ports were told apart) still decode, with no port figures.
 */
public final class ClientWindowCodec {

    /** Format version written first; a decoder refuses any other. */
    public static final int VERSION = 2;
    /** Larger than any sketch at lgK 12 (about 2.6 KB), small enough to refuse a garbage length quickly. */
    static final int MAX_SKETCH_BYTES = 1 << 16;
    static final int MAX_TEXT_BYTES = 1024;
    /** A sanity cap on the declared table size; the real cap is checked against the decoded {@code peerTableCap}. */
    static final int MAX_PEER_TABLE_CAP = 1 << 20;

    private ClientWindowCodec() {
    }

    public static byte[] encode(final ClientWindow w) {
        final WireWriter out = new WireWriter(256 + 40 * w.peers().size());
        out.writeByte(VERSION).writeLong(w.peerTableCap());
        for (final long total : w.totals()) {
            out.writeLong(total);
        }
        out.writeLong(w.controlOpcodes()).writeLong(w.requestCodesLow()).writeLong(w.requestCodesHigh())
                .writeLong(w.firstSeen()).writeLong(w.lastSeen());
        final Map<String, Long> kisses = w.kissCodes();
        out.writeLong(kisses.size());
        kisses.forEach((code, n) -> out.writeText(code).writeLong(n));
        final List<String> sensors = w.sensors();
        out.writeLong(sensors.size());
        sensors.forEach(out::writeText);
        out.writeBytes(w.serversAskedSketch().toBytes()).writeBytes(w.serversAnsweringSketch().toBytes())
                .writeBytes(w.controlServersAskedSketch().toBytes());
        final List<ClientPeer> peers = new ArrayList<>(w.peers());
        // Sorted, so that equal windows encode to equal bytes whatever the hash map's order.
        peers.sort((a, b) -> a.server().compareTo(b.server()));
        out.writeLong(peers.size());
        for (final ClientPeer p : peers) {
            out.writeAddress(p.server()).writeLong(p.requests()).writeLong(p.requestBytes()).writeLong(p.responses())
                    .writeLong(p.responseBytes()).writeLong(p.kods()).writeLong(p.rateKods())
                    .writeLong(p.firstRateKod()).writeLong(p.requestsAfterRateKod()).writeLong(p.mode6Requests())
                    .writeLong(p.mode7Requests()).writeLong(p.monlistRequests()).writeLong(p.monlistResponses());
            final long[] pending = p.pendingRequestTimes();
            out.writeLong(pending.length);
            for (final long t : pending) {
                out.writeLong(t);
            }
            final int[] ports = p.tablePorts();
            final long[] requests = p.tablePortRequests();
            final long[] inherited = p.tablePortInherited();
            out.writeLong(ports.length);
            for (int j = 0; j < ports.length; j++) {
                out.writeLong(ports[j]).writeLong(requests[j]).writeLong(inherited[j]);
            }
            final int[] kissed = p.kissedPorts();
            out.writeLong(kissed.length);
            for (final int port : kissed) {
                out.writeLong(port);
            }
            out.writeLong(p.anyPortKissed() ? 1 : 0);
            out.writeLong(p.verifiedRequestBytes()).writeLong(p.verifiedResponses())
                    .writeLong(p.verifiedResponseBytes());
        }
        final int[] requestPorts = w.requestPorts();
        out.writeLong(requestPorts.length);
        for (final int port : requestPorts) {
            out.writeLong(port);
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException naming what is wrong with the bytes */
    public static ClientWindow decode(final byte[] bytes) {
        final WireReader in = new WireReader(bytes, "client window");
        final int version = in.version(1, VERSION);
        final int cap = in.readInt("peer table cap", 1, MAX_PEER_TABLE_CAP);
        final long[] totals = new long[ClientWindow.TOTALS];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = in.readLong("total " + i);
        }
        final long controlOpcodes = in.readLong("mode 6 opcodes");
        final long requestCodesLow = in.readLong("mode 7 request codes 0-63");
        final long requestCodesHigh = in.readLong("mode 7 request codes 64-127");
        final long firstSeen = in.readLong("first seen");
        final long lastSeen = in.readLong("last seen");
        final Map<String, Long> kisses = readKissCodes(in);
        final List<String> sensors = readSensors(in);
        final DistinctAddresses asked = readSketch(in, "servers asked sketch");
        final DistinctAddresses answering = readSketch(in, "servers answering sketch");
        final DistinctAddresses control = readSketch(in, "control servers sketch");
        final int count = in.readInt("peer count", 0, cap);
        final List<ClientPeer> peers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final IpAddress server = in.readAddress("peer " + i + " address");
            final long[] v = new long[12];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.readLong("peer " + i + " counter " + j);
            }
            final long[] pending = new long[in.readInt("peer " + i + " pending count", 0,
                    ClientPeer.PENDING_REQUEST_TIMES)];
            for (int j = 0; j < pending.length; j++) {
                pending[j] = in.readLong("peer " + i + " pending time");
            }
            final ClientPeer peer = ClientPeer.restore(server, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                    v[9], v[10], v[11], pending);
            if (version >= 2) {
                readPorts(in, peer, "peer " + i);
            }
            peers.add(peer);
        }
        final int[] requestPorts = version >= 2
                ? readPortList(in, "request ports", ClientWindow.PORT_SAMPLE) : new int[0];
        in.end();
        try {
            return ClientWindow.restore(cap, totals, controlOpcodes, requestCodesLow, requestCodesHigh, kisses,
                    firstSeen, lastSeen, sensors, asked, answering, control, peers).restoreRequestPorts(requestPorts);
        } catch (IllegalArgumentException e) {
            throw in.fail(e.getMessage());
        }
    }

    private static void readPorts(final WireReader in, final ClientPeer peer, final String what) {
        final int count = in.readInt(what + " port count", 0, ClientPeer.PORT_TABLE);
        final int[] ports = new int[count];
        final long[] requests = new long[count];
        final long[] inherited = new long[count];
        for (int j = 0; j < count; j++) {
            ports[j] = in.readInt(what + " port", -1, 65_535);
            requests[j] = in.readLong(what + " port requests");
            inherited[j] = in.readLong(what + " port inherited");
        }
        final int[] kissed = readPortList(in, what + " kissed ports", ClientPeer.PORT_TABLE);
        final boolean anyKissed = in.readInt(what + " any port kissed", 0, 1) == 1;
        try {
            peer.restorePorts(ports, requests, inherited, kissed, anyKissed).restoreVerified(
                    in.readLong(what + " verified request bytes"), in.readLong(what + " verified responses"),
                    in.readLong(what + " verified response bytes"));
        } catch (IllegalArgumentException e) {
            throw in.fail(e.getMessage());
        }
    }

    private static int[] readPortList(final WireReader in, final String what, final int max) {
        final int[] ports = new int[in.readInt(what + " count", 0, max)];
        for (int j = 0; j < ports.length; j++) {
            ports[j] = in.readInt(what, -1, 65_535);
        }
        return ports;
    }

    static Map<String, Long> readKissCodes(final WireReader in) {
        final int count = in.readInt("kiss code count", 0, KissCodes.MAX_CODES);
        final Map<String, Long> kisses = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            final String code = in.readText("kiss code", MAX_TEXT_BYTES);
            if (code == null) {
                throw in.fail("null kiss code");
            }
            kisses.put(code, in.readLong("kiss code count"));
        }
        return kisses;
    }

    static List<String> readSensors(final WireReader in) {
        final int count = in.readInt("sensor count", 0, Sensors.MAX);
        final List<String> sensors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String sensor = in.readText("sensor", MAX_TEXT_BYTES);
            if (sensor == null) {
                throw in.fail("null sensor name");
            }
            sensors.add(sensor);
        }
        return sensors;
    }

    static DistinctAddresses readSketch(final WireReader in, final String field) {
        final byte[] bytes = in.readBytes(field, MAX_SKETCH_BYTES);
        try {
            return DistinctAddresses.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw in.fail(field + ": " + e.getMessage());
        }
    }
}
