package org.ntpguard.capture.flow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.schema.KissCount;
import org.ntpguard.schema.NtpFlow;

/**
 * One (client, server) pair's datagrams in one interval, counted in place: a row of the {@link FlowCombiner}'s table.
 * Rows are reused after each flush, so counting allocates nothing.
 *
 * <p>"Requests after a RATE KoD" is counted here as the detector's {@code ClientPeer} counts it per packet, in
 * capture order: the earliest RATE KoD's time, requests stamped later, and the latest {@value #PENDING} request
 * times not (yet) after any RATE KoD, which a KoD stamped earlier (out of order, or seen by another sensor) still
 * counts. Times are milliseconds, as the detector's.
 */
final class FlowAccumulator {

    static final int PENDING = 16;
    static final int MAX_PORTS = 8;
    static final int MAX_KISS_CODES = 8;
    static final long NO_KOD = Long.MAX_VALUE;
    /** "RATE" as the four bytes of a reference id. */
    static final int RATE = 0x52415445;

    /** Addresses as two big-endian longs each (IPv4 in the low 32 bits of {@code low}): no array to chase. */
    long clientHigh;
    long clientLow;
    long serverHigh;
    long serverLow;
    int addressLength;
    long intervalStart;
    int hash;

    long firstSeen;
    long lastSeen;
    long requests;
    long requestBytes;
    long responses;
    long responseBytes;
    long otherPackets;
    long otherBytes;
    long mode6Requests;
    long mode7Requests;
    long mode6Responses;
    long mode7Responses;
    long controlOpcodes;
    long requestCodesLow;
    long requestCodesHigh;
    long monlistRequests;
    long monlistRequestBytes;
    long monlistResponses;
    long monlistResponseBytes;
    long monlistEntries;
    final int[] kissCodes = new int[MAX_KISS_CODES + 1];
    final long[] kissCounts = new long[MAX_KISS_CODES + 1];
    int kissCodeCount;
    long rateKods;
    long firstRateKod;
    long requestsAfterRateKod;
    final long[] pending = new long[PENDING];
    int pendingCount;
    long unsynchronizedResponses;
    long malformed;
    final int[] clientPorts = new int[MAX_PORTS];
    final long[] clientPortRequests = new long[MAX_PORTS];
    int clientPortCount;
    long otherClientPortPackets;
    final int[] rateKodPorts = new int[MAX_PORTS];
    int rateKodPortCount;
    long nonceVerifiedRequests;
    long nonceVerifiedRequestBytes;
    long nonceVerifiedResponses;
    long nonceVerifiedResponseBytes;

    /** Makes this row the empty flow of the given pair and interval. */
    void reset(final PairKey key, final long interval, final int keyHash, final long timestamp) {
        clientHigh = key.clientHigh;
        clientLow = key.clientLow;
        serverHigh = key.serverHigh;
        serverLow = key.serverLow;
        addressLength = key.length;
        intervalStart = interval;
        hash = keyHash;
        firstSeen = timestamp;
        lastSeen = timestamp;
        requests = 0;
        requestBytes = 0;
        responses = 0;
        responseBytes = 0;
        otherPackets = 0;
        otherBytes = 0;
        mode6Requests = 0;
        mode7Requests = 0;
        mode6Responses = 0;
        mode7Responses = 0;
        controlOpcodes = 0;
        requestCodesLow = 0;
        requestCodesHigh = 0;
        monlistRequests = 0;
        monlistRequestBytes = 0;
        monlistResponses = 0;
        monlistResponseBytes = 0;
        monlistEntries = 0;
        kissCodeCount = 0;
        rateKods = 0;
        firstRateKod = NO_KOD;
        requestsAfterRateKod = 0;
        pendingCount = 0;
        unsynchronizedResponses = 0;
        malformed = 0;
        clientPortCount = 0;
        otherClientPortPackets = 0;
        rateKodPortCount = 0;
        nonceVerifiedRequests = 0;
        nonceVerifiedRequestBytes = 0;
        nonceVerifiedResponses = 0;
        nonceVerifiedResponseBytes = 0;
    }

    boolean matches(final PairKey key, final long interval) {
        return intervalStart == interval && clientLow == key.clientLow && serverLow == key.serverLow
                && clientHigh == key.clientHigh && serverHigh == key.serverHigh && addressLength == key.length;
    }

    void seen(final long timestamp) {
        if (timestamp < firstSeen) {
            firstSeen = timestamp;
        }
        if (timestamp > lastSeen) {
            lastSeen = timestamp;
        }
    }

    /** Notes the datagram's client port; returns its place in {@link #clientPorts}, -1 when the list is full. */
    int clientPort(final int port) {
        for (int i = 0; i < clientPortCount; i++) {
            if (clientPorts[i] == port) {
                return i;
            }
        }
        if (clientPortCount < MAX_PORTS) {
            clientPortRequests[clientPortCount] = 0;
            clientPorts[clientPortCount] = port;
            return clientPortCount++;
        }
        otherClientPortPackets++;
        return -1;
    }

    /**
     * A request from the client port at {@code portIndex} ({@link #clientPort}). Only requests from a port that was
     * sent a RATE KoD count as after it: behind a NAT, the other ports are other hosts, which were never kissed.
     * Those are not remembered either, so that a late earlier KoD cannot count them.
     */
    void request(final long timestamp, final int portIndex, final int port) {
        if (portIndex >= 0) {
            clientPortRequests[portIndex]++;
        }
        if (timestamp > firstRateKod) {
            if (kissed(port)) {
                requestsAfterRateKod++;
            }
        } else {
            remember(timestamp);
        }
    }

    private boolean kissed(final int port) {
        for (int i = 0; i < rateKodPortCount; i++) {
            if (rateKodPorts[i] == port) {
                return true;
            }
        }
        // More kissed ports than the list holds: the port is unknown, count as before ports were told apart.
        return rateKodPortCount == MAX_PORTS;
    }

    void kissOfDeath(final int rawCode, final long timestamp, final int port) {
        addKissCode(rawCode);
        if (rawCode == RATE) {
            rateKods++;
            if (!kissed(port)) {
                rateKodPorts[rateKodPortCount++] = port;
            }
            if (timestamp < firstRateKod) {
                firstRateKod = timestamp;
                int kept = 0;
                for (int i = 0; i < pendingCount; i++) {
                    if (pending[i] > timestamp) {
                        requestsAfterRateKod++;
                    } else {
                        pending[kept++] = pending[i];
                    }
                }
                pendingCount = kept;
            }
        }
    }

    private void addKissCode(final int rawCode) {
        for (int i = 0; i < Math.min(kissCodeCount, MAX_KISS_CODES); i++) {
            if (kissCodes[i] == rawCode) {
                kissCounts[i]++;
                return;
            }
        }
        if (kissCodeCount < MAX_KISS_CODES) {
            kissCodes[kissCodeCount] = rawCode;
            kissCounts[kissCodeCount++] = 1;
            return;
        }
        if (kissCodeCount == MAX_KISS_CODES) {
            kissCodes[kissCodeCount] = 0;
            kissCounts[kissCodeCount++] = 0;
        }
        kissCounts[MAX_KISS_CODES]++;
    }

    /** Keeps the latest {@link #PENDING} request times, exactly as {@code ClientPeer.remember} does. */
    private void remember(final long timestamp) {
        if (pendingCount < PENDING) {
            pending[pendingCount++] = timestamp;
            return;
        }
        int min = 0;
        for (int i = 1; i < PENDING; i++) {
            if (pending[i] < pending[min]) {
                min = i;
            }
        }
        if (timestamp > pending[min]) {
            pending[min] = timestamp;
        }
    }

    long packets() {
        return requests + responses + otherPackets;
    }

    /** The Avro flow: the one allocation per flow, made when the interval closes. */
    NtpFlow toAvro() {
        // The all-args constructor: the builder validates and copies every field, 3x slower per flow (bench f).
        return new NtpFlow(ByteBuffer.wrap(PairKey.bytes(clientHigh, clientLow, addressLength)),
                ByteBuffer.wrap(PairKey.bytes(serverHigh, serverLow, addressLength)), firstSeen, lastSeen, requests, requestBytes,
                responses, responseBytes, otherPackets, otherBytes, mode6Requests, mode7Requests, mode6Responses,
                mode7Responses, controlOpcodes, requestCodesLow, requestCodesHigh, monlistRequests,
                monlistRequestBytes, monlistResponses, monlistResponseBytes, monlistEntries, kissCodes(), rateKods,
                firstRateKod, requestsAfterRateKod, longList(pending, pendingCount), unsynchronizedResponses, malformed,
                intList(clientPorts, clientPortCount), otherClientPortPackets,
                longList(clientPortRequests, clientPortCount), intList(rateKodPorts, rateKodPortCount),
                nonceVerifiedRequests, nonceVerifiedRequestBytes, nonceVerifiedResponses, nonceVerifiedResponseBytes);
    }

    private List<KissCount> kissCodes() {
        if (kissCodeCount == 0) {
            return List.of();
        }
        final List<KissCount> codes = new ArrayList<>(kissCodeCount);
        for (int i = 0; i < kissCodeCount; i++) {
            // The last slot, once used, holds every code past the first MAX_KISS_CODES: told by its place, not by
            // a code value (any four bytes are a possible code).
            codes.add(new KissCount(i == MAX_KISS_CODES ? "OTHER" : KissCode.text(kissCodes[i]), kissCounts[i]));
        }
        return codes;
    }

    private static List<Long> longList(final long[] values, final int count) {
        if (count == 0) {
            return List.of();
        }
        final List<Long> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(values[i]);
        }
        return list;
    }

    private static List<Integer> intList(final int[] values, final int count) {
        if (count == 0) {
            return List.of();
        }
        final List<Integer> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(values[i]);
        }
        return list;
    }
}
