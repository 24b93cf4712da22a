package org.ntpguard.streams.serde;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.ntpguard.schema.KissCount;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.detect.ClientPeer;
import org.ntpguard.streams.detect.FlowBatch;
import org.ntpguard.streams.detect.FlowPorts;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.NonceVerified;
import org.ntpguard.streams.detect.PairFlow;

/**
 * Reads {@code ntp.flows} records: an {@link NtpFlowBatch} in Avro's single-object encoding, straight into
 * {@link PairFlow}s. A batch written with this build's schema is read field by field from the Avro binary encoding,
 * with no {@code NtpFlow} in between: the generated decoder and the copy into detection's values took a sixth of the
 * detector's stream thread. Any other schema goes through Avro ({@link SingleObjectSerde}), which resolves it or
 * refuses it. Damaged bytes give a {@link SerializationException} naming the field and byte, as Avro's would.
 */
public final class FlowBatchReader implements Deserializer<FlowBatch> {

    private static final int MAX_SENSOR_LENGTH = 1 << 16;
    private static final int MAX_KISS_CODE_LENGTH = 64;
    /** A flow batch holds at most this many flows (the sensor's split): a damaged count cannot size the list. */
    private static final int MAX_PRESIZED_FLOWS = 4_096;
    private static final long[] NO_TIMES = new long[0];
    private static final int[] NO_PORTS = new int[0];
    /** The sensor lists at most this many client ports, and as many kissed ports. */
    private static final int MAX_PORTS = 8;

    /** Writes the header checked here, and decodes any other schema (thread-safe, shared). */
    private static final SingleObjectSerde<NtpFlowBatch> AVRO = SingleObjectSerde.ntpFlowBatch();
    private static final Deserializer<NtpFlowBatch> AVRO_DECODER = AVRO.deserializer();

    /** For the topology's source: it only reads (sensors write with {@link SingleObjectSerde#ntpFlowBatch()}). */
    public static Serde<FlowBatch> serde() {
        return Serdes.serdeFrom((topic, batch) -> {
            throw new UnsupportedOperationException("flow batches are written by sensors, as NtpFlowBatch");
        }, new FlowBatchReader());
    }

    @Override
    public FlowBatch deserialize(final String topic, final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (!isCurrentSchema(bytes)) {
            final NtpFlowBatch batch = AVRO_DECODER.deserialize(topic, bytes);
            return batch == null ? null : from(batch);
        }
        try {
            return read(new WireReader(bytes, "NtpFlowBatch"));
        } catch (IllegalArgumentException e) {
            throw new SerializationException("cannot decode NtpFlowBatch from topic " + topic + " (" + bytes.length
                    + " bytes): " + Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
        }
    }

    /** Whether the bytes carry this build's NtpFlowBatch schema, which is read directly. */
    public static boolean isCurrentSchema(final byte[] bytes) {
        return AVRO.writtenWithCurrentSchema(bytes);
    }

    private static FlowBatch read(final WireReader in) {
        in.skip(SingleObjectSerde.HEADER_LENGTH);
        final String sensor = in.readText("sensor", MAX_SENSOR_LENGTH);
        if (sensor == null) {
            throw in.fail("sensor length: -1 (expected: 0+)");
        }
        in.readLong("intervalStart");
        in.readLong("intervalMillis");
        long block = blockCount(in, "flows");
        final List<PairFlow> flows = new ArrayList<>((int) Math.min(block, MAX_PRESIZED_FLOWS));
        for (; block != 0; block = blockCount(in, "flows")) {
            for (long i = 0; i < block; i++) {
                flows.add(readFlow(in, sensor));
            }
        }
        in.end();
        return new FlowBatch(sensor, flows);
    }

    /** The fields of {@code NtpFlow} in schema order; those detection does not use are read and dropped. */
    private static PairFlow readFlow(final WireReader in, final String sensor) {
        final IpAddress client = in.readAddressBytes("client");
        final IpAddress server = in.readAddressBytes("server");
        final long firstSeen = in.readLong("firstSeen");
        final long lastSeen = in.readLong("lastSeen");
        final long requests = in.readLong("requests");
        final long requestBytes = in.readLong("requestBytes");
        final long responses = in.readLong("responses");
        final long responseBytes = in.readLong("responseBytes");
        final long otherPackets = in.readLong("otherPackets");
        final long otherBytes = in.readLong("otherBytes");
        final long mode6Requests = in.readLong("mode6Requests");
        final long mode7Requests = in.readLong("mode7Requests");
        final long mode6Responses = in.readLong("mode6Responses");
        final long mode7Responses = in.readLong("mode7Responses");
        final long controlOpcodes = in.readLong("controlOpcodes");
        final long requestCodesLow = in.readLong("requestCodesLow");
        final long requestCodesHigh = in.readLong("requestCodesHigh");
        final long monlistRequests = in.readLong("monlistRequests");
        final long monlistRequestBytes = in.readLong("monlistRequestBytes");
        final long monlistResponses = in.readLong("monlistResponses");
        final long monlistResponseBytes = in.readLong("monlistResponseBytes");
        in.readLong("monlistEntries");
        final Map<String, Long> kissCodes = readKissCodes(in);
        final long rateKods = in.readLong("rateKods");
        final long firstRateKod = in.readLong("firstRateKod");
        final long requestsAfterRateKod = in.readLong("requestsAfterRateKod");
        final long[] pending = readPendingTimes(in);
        final long unsynchronizedResponses = in.readLong("unsynchronizedResponses");
        in.readLong("malformed");
        final int[] clientPorts = readPorts(in, "clientPorts");
        in.readLong("otherClientPortPackets");
        final long[] portRequests = readPortRequests(in);
        final int[] rateKodPorts = readPorts(in, "rateKodPorts");
        final NonceVerified verified = NonceVerified.of(in.readLong("nonceVerifiedRequests"),
                in.readLong("nonceVerifiedRequestBytes"), in.readLong("nonceVerifiedResponses"),
                in.readLong("nonceVerifiedResponseBytes"));
        try {
            return new PairFlow(client, server, sensor, firstSeen, lastSeen, requests, requestBytes, responses,
                    responseBytes, otherPackets, otherBytes, mode6Requests, mode7Requests, mode6Responses,
                    mode7Responses, controlOpcodes, requestCodesLow, requestCodesHigh, monlistRequests,
                    monlistRequestBytes, monlistResponses, monlistResponseBytes, kissCodes, rateKods, firstRateKod,
                    requestsAfterRateKod, pending, unsynchronizedResponses,
                    FlowPorts.of(clientPorts, portRequests, rateKodPorts), verified);
        } catch (IllegalArgumentException e) {
            throw in.fail("flow of " + client + " and " + server + ": " + e.getMessage());
        }
    }

    private static Map<String, Long> readKissCodes(final WireReader in) {
        Map<String, Long> codes = Map.of();
        for (long block = blockCount(in, "kissCodes"); block != 0; block = blockCount(in, "kissCodes")) {
            for (long i = 0; i < block; i++) {
                final String code = in.readText("kiss code", MAX_KISS_CODE_LENGTH);
                if (code == null) {
                    throw in.fail("kiss code length: -1 (expected: 0+)");
                }
                final long count = in.readLong("kiss count");
                if (codes.isEmpty()) {
                    codes = new LinkedHashMap<>();
                }
                codes.merge(code, count, Long::sum);
            }
        }
        return codes;
    }

    /** A port list of the sensor's (at most {@value #MAX_PORTS} distinct). */
    private static int[] readPorts(final WireReader in, final String field) {
        int[] ports = NO_PORTS;
        for (long block = blockCount(in, field); block != 0; block = blockCount(in, field)) {
            if (block > MAX_PORTS - ports.length) {
                throw in.fail(field + ": more than " + MAX_PORTS);
            }
            final int at = ports.length;
            ports = java.util.Arrays.copyOf(ports, at + (int) block);
            for (int i = at; i < ports.length; i++) {
                ports[i] = in.readInt(field, 0, 65_535);
            }
        }
        return ports;
    }

    private static long[] readPortRequests(final WireReader in) {
        long[] counts = NO_TIMES;
        for (long block = blockCount(in, "clientPortRequests"); block != 0;
             block = blockCount(in, "clientPortRequests")) {
            if (block > MAX_PORTS - counts.length) {
                throw in.fail("clientPortRequests: more than " + MAX_PORTS);
            }
            final int at = counts.length;
            counts = java.util.Arrays.copyOf(counts, at + (int) block);
            for (int i = at; i < counts.length; i++) {
                counts[i] = in.readLong("clientPortRequests");
            }
        }
        return counts;
    }

    private static long[] readPendingTimes(final WireReader in) {
        long[] times = NO_TIMES;
        for (long block = blockCount(in, "pendingRequestTimes"); block != 0;
             block = blockCount(in, "pendingRequestTimes")) {
            if (block > ClientPeer.PENDING_REQUEST_TIMES - times.length) {
                throw in.fail("pendingRequestTimes: more than " + ClientPeer.PENDING_REQUEST_TIMES);
            }
            final int at = times.length;
            times = java.util.Arrays.copyOf(times, at + (int) block);
            for (int i = at; i < times.length; i++) {
                times[i] = in.readLong("pendingRequestTimes");
            }
        }
        return times;
    }

    /**
     * The item count of an Avro array block: 0 ends the array; a negative count is followed by the block's size in
     * bytes, which is not needed here.
     */
    private static long blockCount(final WireReader in, final String field) {
        final long count = in.readLong(field + " block count");
        if (count >= 0) {
            return count;
        }
        if (count == Long.MIN_VALUE) {
            throw in.fail(field + " block count: " + count);
        }
        in.readLong(field + " block size");
        return -count;
    }

    /** A batch decoded by Avro (another schema), reduced as the direct path reduces it. */
    public static FlowBatch from(final NtpFlowBatch batch) {
        final List<NtpFlow> flows = batch.getFlows();
        final String sensor = batch.getSensor();
        final List<PairFlow> out = new ArrayList<>(flows.size());
        for (final NtpFlow flow : flows) {
            out.add(from(flow, sensor));
        }
        return new FlowBatch(sensor, out);
    }

    /** One flow decoded by Avro, as detection reads it. */
    public static PairFlow from(final NtpFlow f, final String sensor) {
        final long[] times = longs(f.getPendingRequestTimes());
        return new PairFlow(IpAddress.of(f.getClient()), IpAddress.of(f.getServer()), sensor, f.getFirstSeen(),
                f.getLastSeen(), f.getRequests(), f.getRequestBytes(), f.getResponses(), f.getResponseBytes(),
                f.getOtherPackets(), f.getOtherBytes(), f.getMode6Requests(), f.getMode7Requests(),
                f.getMode6Responses(), f.getMode7Responses(), f.getControlOpcodes(), f.getRequestCodesLow(),
                f.getRequestCodesHigh(), f.getMonlistRequests(), f.getMonlistRequestBytes(), f.getMonlistResponses(),
                f.getMonlistResponseBytes(), kissCodes(f.getKissCodes()), f.getRateKods(), f.getFirstRateKod(),
                f.getRequestsAfterRateKod(), times, f.getUnsynchronizedResponses(),
                FlowPorts.of(ints(f.getClientPorts()), longs(f.getClientPortRequests()), ints(f.getRateKodPorts())),
                NonceVerified.of(f.getNonceVerifiedRequests(), f.getNonceVerifiedRequestBytes(),
                        f.getNonceVerifiedResponses(), f.getNonceVerifiedResponseBytes()));
    }

    private static int[] ints(final List<Integer> values) {
        final int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static long[] longs(final List<Long> values) {
        final long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static Map<String, Long> kissCodes(final List<KissCount> codes) {
        if (codes.isEmpty()) {
            return Map.of();
        }
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final KissCount code : codes) {
            map.merge(code.getCode(), code.getCount(), Long::sum);
        }
        return map;
    }
}
