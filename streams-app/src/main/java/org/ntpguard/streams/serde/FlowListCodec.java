package org.ntpguard.streams.serde;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntpguard.streams.detect.ClientPeer;
import org.ntpguard.streams.detect.FlowPorts;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.NonceVerified;
import org.ntpguard.streams.detect.PairFlow;

/**
 * Compact binary form of a list of {@link PairFlow}s: one record of the repartition by server carries the flows of
 * one input batch that go to one downstream partition. About 30 to 50 bytes a flow (IPv4; 46 in c_kod_storm): the
 * sensors' names once per record, times as differences from the first seen, counters as variable-length integers
 * (most are 0 and take one byte). Client ports ({@link org.ntpguard.streams.detect.FlowPorts}) are left out: the
 * server side, the only reader, judges no client's ports; flows come back with unknown ports. Version 2 adds the
 * nonce-verified READ_MRU counts (requests, request bytes, responses, response bytes) after the pending times;
 * version 1 records read as none verified.
 *
 * <pre>
 * version byte (2)
 * sensors                 count, then each: length-prefixed UTF-8
 * flows                   count, then each:
 *   client, server        length byte (4 or 16) + address bytes
 *   sensor                index into the sensors
 *   firstSeen             zig-zag varint; lastSeen as lastSeen - firstSeen
 *   counters              requests, requestBytes, responses, responseBytes, otherPackets, otherBytes,
 *                         mode6Requests, mode7Requests, mode6Responses, mode7Responses, controlOpcodes,
 *                         requestCodesLow, requestCodesHigh, monlistRequests, monlistRequestBytes,
 *                         monlistResponses, monlistResponseBytes, unsynchronizedResponses, rateKods,
 *                         requestsAfterRateKod: zig-zag varints
 *   firstRateKod          byte 0 for none; byte 1, then firstRateKod - firstSeen
 *   kiss codes            count, then each: length-prefixed UTF-8 code, count
 *   pending request times count, then each: time - firstSeen
 * </pre>
 */
public final class FlowListCodec {

    /** Format version written first; a decoder refuses any other. */
    public static final int VERSION = 2;
    /** More flows than a sensor's batch can hold, with room: a bound against damaged bytes. */
    static final int MAX_FLOWS = 1 << 20;
    static final int MAX_SENSORS = 1 << 16;
    static final int MAX_KISS_CODES = 64;

    private FlowListCodec() {
    }

    public static byte[] encode(final List<PairFlow> flows) {
        final WireWriter out = new WireWriter(16 + 40 * flows.size()).writeByte(VERSION);
        final List<String> sensors = new ArrayList<>(2);
        final int[] sensorOf = new int[flows.size()];
        for (int i = 0; i < flows.size(); i++) {
            final String sensor = flows.get(i).sensor();
            int index = sensors.indexOf(sensor);
            if (index < 0) {
                index = sensors.size();
                sensors.add(sensor);
            }
            sensorOf[i] = index;
        }
        out.writeLong(sensors.size());
        for (final String sensor : sensors) {
            out.writeText(sensor);
        }
        out.writeLong(flows.size());
        for (int i = 0; i < flows.size(); i++) {
            write(out, flows.get(i), sensorOf[i]);
        }
        return out.toByteArray();
    }

    private static void write(final WireWriter out, final PairFlow f, final int sensor) {
        final long first = f.firstSeen();
        out.writeAddress(f.client()).writeAddress(f.server()).writeLong(sensor)
                .writeLong(first).writeLong(f.lastSeen() - first)
                .writeLong(f.requests()).writeLong(f.requestBytes())
                .writeLong(f.responses()).writeLong(f.responseBytes())
                .writeLong(f.otherPackets()).writeLong(f.otherBytes())
                .writeLong(f.mode6Requests()).writeLong(f.mode7Requests())
                .writeLong(f.mode6Responses()).writeLong(f.mode7Responses())
                .writeLong(f.controlOpcodes()).writeLong(f.requestCodesLow()).writeLong(f.requestCodesHigh())
                .writeLong(f.monlistRequests()).writeLong(f.monlistRequestBytes())
                .writeLong(f.monlistResponses()).writeLong(f.monlistResponseBytes())
                .writeLong(f.unsynchronizedResponses()).writeLong(f.rateKods())
                .writeLong(f.requestsAfterRateKod());
        if (f.firstRateKod() == ClientPeer.NO_KOD) {
            out.writeByte(0);
        } else {
            out.writeByte(1).writeLong(f.firstRateKod() - first);
        }
        out.writeLong(f.kissCodes().size());
        for (final Map.Entry<String, Long> kiss : f.kissCodes().entrySet()) {
            out.writeText(kiss.getKey()).writeLong(kiss.getValue());
        }
        final long[] pending = f.pendingRequestTimes();
        out.writeLong(pending.length);
        for (final long t : pending) {
            out.writeLong(t - first);
        }
        final NonceVerified verified = f.nonceVerified();
        out.writeLong(verified.requests()).writeLong(verified.requestBytes()).writeLong(verified.responses())
                .writeLong(verified.responseBytes());
    }

    /** @throws IllegalArgumentException naming what is wrong with the bytes */
    public static List<PairFlow> decode(final byte[] bytes) {
        final WireReader in = new WireReader(bytes, "flow list");
        final int version = in.version(1, VERSION);
        final int sensorCount = in.readInt("sensor count", 0, MAX_SENSORS);
        final String[] sensors = new String[sensorCount];
        for (int i = 0; i < sensorCount; i++) {
            sensors[i] = in.readText("sensor", ClientWindowCodec.MAX_TEXT_BYTES);
        }
        final int count = in.readInt("flow count", 0, MAX_FLOWS);
        final List<PairFlow> flows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            flows.add(read(in, sensors, version));
        }
        in.end();
        return flows;
    }

    private static PairFlow read(final WireReader in, final String[] sensors, final int version) {
        final IpAddress client = in.readAddress("client address");
        final IpAddress server = in.readAddress("server address");
        final String sensor = sensors[in.readInt("sensor index", 0, sensors.length - 1)];
        final long first = in.readLong("first seen");
        final long last = first + counter(in, "last seen");
        final long requests = counter(in, "requests");
        final long requestBytes = counter(in, "request bytes");
        final long responses = counter(in, "responses");
        final long responseBytes = counter(in, "response bytes");
        final long otherPackets = counter(in, "other packets");
        final long otherBytes = counter(in, "other bytes");
        final long mode6Requests = counter(in, "mode 6 requests");
        final long mode7Requests = counter(in, "mode 7 requests");
        final long mode6Responses = counter(in, "mode 6 responses");
        final long mode7Responses = counter(in, "mode 7 responses");
        final long controlOpcodes = in.readLong("control opcodes");
        final long requestCodesLow = in.readLong("request codes 0-63");
        final long requestCodesHigh = in.readLong("request codes 64-127");
        final long monlistRequests = counter(in, "monlist requests");
        final long monlistRequestBytes = counter(in, "monlist request bytes");
        final long monlistResponses = counter(in, "monlist responses");
        final long monlistResponseBytes = counter(in, "monlist response bytes");
        final long unsynchronized = counter(in, "unsynchronized responses");
        final long rateKods = counter(in, "RATE KoDs");
        final long requestsAfterRateKod = counter(in, "requests after RATE KoD");
        final int hasKod = in.readByte("RATE KoD flag");
        if (hasKod > 1) {
            throw in.fail("RATE KoD flag: " + hasKod + " (expected: 0 or 1)");
        }
        final long firstRateKod = hasKod == 0 ? ClientPeer.NO_KOD : first + in.readLong("first RATE KoD");
        final int kissCount = in.readInt("kiss code count", 0, MAX_KISS_CODES);
        final Map<String, Long> kissCodes = kissCount == 0 ? Map.of() : new LinkedHashMap<>();
        for (int k = 0; k < kissCount; k++) {
            final String code = in.readText("kiss code", ClientWindowCodec.MAX_TEXT_BYTES);
            if (code == null) {
                throw in.fail("kiss code: null (expected: text)");
            }
            kissCodes.put(code, counter(in, "kiss code count"));
        }
        final int pendingCount = in.readInt("pending request times", 0, ClientPeer.PENDING_REQUEST_TIMES);
        final long[] pending = new long[pendingCount];
        for (int p = 0; p < pendingCount; p++) {
            pending[p] = first + in.readLong("pending request time");
        }
        final NonceVerified verified = version < 2 ? NonceVerified.NONE
                : NonceVerified.of(counter(in, "verified requests"), counter(in, "verified request bytes"),
                        counter(in, "verified responses"), counter(in, "verified response bytes"));
        try {
            return new PairFlow(client, server, sensor, first, last, requests, requestBytes, responses,
                    responseBytes, otherPackets, otherBytes, mode6Requests, mode7Requests, mode6Responses,
                    mode7Responses, controlOpcodes, requestCodesLow, requestCodesHigh, monlistRequests,
                    monlistRequestBytes, monlistResponses, monlistResponseBytes, kissCodes, rateKods, firstRateKod,
                    requestsAfterRateKod, pending, unsynchronized, FlowPorts.UNKNOWN, verified);
        } catch (IllegalArgumentException e) {
            throw in.fail(e.getMessage());
        }
    }

    private static long counter(final WireReader in, final String field) {
        final long v = in.readLong(field);
        if (v < 0) {
            throw in.fail(field + ": " + v + " (expected: >= 0)");
        }
        return v;
    }
}
