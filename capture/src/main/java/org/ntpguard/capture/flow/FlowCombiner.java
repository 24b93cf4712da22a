package org.ntpguard.capture.flow;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.NtpControlHeader;
import org.ntpguard.capture.decode.NtpHeader;
import org.ntpguard.capture.decode.NtpMessage;
import org.ntpguard.capture.proto.ControlOpcode;
import org.ntpguard.capture.proto.NtpMode;
import org.ntpguard.capture.proto.PrivateRequestCode;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.Role;

/**
 * Combines decoded datagrams into NTP flows: one row per (client, server) pair and interval of capture time, counted
 * in place, closed and handed to a {@link FlowSink} when a later interval starts, when the table is full, and on
 * {@link #flush} or {@link #flushBefore} (heartbeats, shutdown, the end of a replay).
 *
 * <p>Intervals are aligned to multiples of their length since the epoch, and the length divides a minute, so that
 * no flow straddles a detector window (whose sizes are whole multiples of it). A datagram stamped in an interval
 * already closed (capture times are not always monotonic) opens a new row for that interval: the detector adds up
 * the flows of a pair, so nothing is lost, it only costs one more flow.
 *
 * <p>Bounded: at most {@code maxFlows} rows. When a new pair finds the table full, every row is closed early and
 * counted ({@link #earlyFlushes()}): a random-source flood makes flows of one datagram each, never an
 * unbounded table. Counting a datagram into an existing row allocates nothing; a new row is taken from those freed
 * by the last flush.
 *
 * <p>Threads: the capture thread calls {@link #accept}; a heartbeat thread may call {@link #flushBefore} and
 * {@link #flush}. Each call takes this object's lock, uncontended but for a heartbeat a second.
 */
public final class FlowCombiner implements PacketSink {

    /** The default interval: short enough for alerts within seconds, long enough to combine a burst. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** The default table size: about 75 MB at most (a row is ~750 bytes), reached only by floods. */
    public static final int DEFAULT_MAX_FLOWS = 100_000;

    private static final long MILLIS_PER_MINUTE = 60_000L;
    private static final int MONLIST = PrivateRequestCode.MON_GETLIST.code();
    private static final int MONLIST_1 = PrivateRequestCode.MON_GETLIST_1.code();
    private static final int REQ_NONCE = ControlOpcode.REQ_NONCE.code();
    private static final int READ_MRU = ControlOpcode.READ_MRU.code();

    private final int intervalMillis;
    private final int maxFlows;
    private final FlowSink sink;
    private final PairKey key = new PairKey();
    private final ControlNonces nonces = new ControlNonces();

    /** Open addressing, linear probing; rebuilt at each flush (rows that stay are few). */
    private final FlowAccumulator[] slots;
    private final int mask;
    /** The rows in use, in the order of their first datagram. */
    private final FlowAccumulator[] active;
    private int activeCount;
    private final FlowAccumulator[] free;
    private int freeCount;
    private long currentInterval = Long.MIN_VALUE;

    private long packets;
    private long earlyFlushes;

    /**
     * @param interval how much capture time one flow covers: whole milliseconds that divide a minute
     * @param maxFlows the most rows held at once
     * @param sink     where intervals go when a later one starts or the table is full (the capture thread)
     */
    public FlowCombiner(final Duration interval, final int maxFlows, final FlowSink sink) {
        this.intervalMillis = checkInterval(interval);
        if (maxFlows < 1) {
            throw new IllegalArgumentException("flow table size: " + maxFlows + " (expected: 1 or more)");
        }
        this.maxFlows = maxFlows;
        this.sink = sink;
        final int capacity = Integer.highestOneBit(Math.max(2, maxFlows) * 2 - 1) << 1;
        this.slots = new FlowAccumulator[capacity];
        this.mask = capacity - 1;
        this.active = new FlowAccumulator[maxFlows];
        this.free = new FlowAccumulator[maxFlows];
    }

    /**
     * The interval in milliseconds, checked: a whole number of milliseconds from 1 ms to 1 minute that divides a
     * minute, so that intervals line up with every window size of whole seconds that divides an hour.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static int checkInterval(final Duration interval) {
        final long millis = interval.toMillis();
        if (interval.isNegative() || interval.isZero() || millis > MILLIS_PER_MINUTE
                || Duration.ofMillis(millis).compareTo(interval) != 0 || MILLIS_PER_MINUTE % millis != 0) {
            throw new IllegalArgumentException("flow interval: " + interval.toMillis() + " ms (expected: whole "
                    + "milliseconds that divide a minute, such as 100ms, 500ms, 1s, 5s, 10s or 30s)");
        }
        return (int) millis;
    }

    public int intervalMillis() {
        return intervalMillis;
    }

    /** Counts one datagram into its pair's row; closes the earlier intervals first when it starts a later one. */
    @Override
    public synchronized void accept(final DecodedPacket packet) throws IOException {
        final NtpMessage ntp = packet.ntp();
        final Role role = ntp.role();
        final boolean clientIsSource = NtpPacketMapper.clientIsSource(packet, ntp, role);
        key.set(packet, clientIsSource);
        final long millis = Math.floorDiv(packet.timestampNanos(), 1_000_000L);
        final long interval = Math.floorDiv(millis, intervalMillis) * intervalMillis;
        if (interval > currentInterval) {
            if (currentInterval != Long.MIN_VALUE) {
                close(interval, sink);
            }
            currentInterval = interval;
        }
        final FlowAccumulator flow = row(interval, millis);
        flow.seen(millis);
        final int port = clientIsSource ? packet.sourcePort() : packet.destinationPort();
        count(flow, packet, ntp, role, millis, port, flow.clientPort(port));
        if (ntp.hasControl()) {
            verifyNonce(flow, ntp.control(), role, packet.ntpLength());
        }
        packets++;
    }

    private static void count(final FlowAccumulator flow, final DecodedPacket packet, final NtpMessage ntp,
                              final Role role, final long millis, final int port, final int portIndex) {
        final int bytes = packet.ntpLength();
        final int mode = ntp.mode();
        if (packet.malformed() != null) {
            flow.malformed++;
        }
        final int requestCode = ntp.hasPrivate() ? ntp.privateHeader().requestCode() : -1;
        final boolean monlist = mode == NtpMode.PRIVATE.code() && (requestCode == MONLIST || requestCode == MONLIST_1);
        if (role == Role.REQUEST) {
            flow.requests++;
            flow.requestBytes += bytes;
            flow.request(millis, portIndex, port);
            if (mode == NtpMode.CONTROL.code()) {
                flow.mode6Requests++;
                if (ntp.hasControl() && ntp.control().opcode() < Long.SIZE) {
                    flow.controlOpcodes |= 1L << ntp.control().opcode();
                }
            } else if (mode == NtpMode.PRIVATE.code()) {
                flow.mode7Requests++;
                if (requestCode >= 0 && requestCode < Long.SIZE) {
                    flow.requestCodesLow |= 1L << requestCode;
                } else if (requestCode >= Long.SIZE && requestCode < 2 * Long.SIZE) {
                    flow.requestCodesHigh |= 1L << (requestCode - Long.SIZE);
                }
            }
            if (monlist) {
                flow.monlistRequests++;
                flow.monlistRequestBytes += bytes;
            }
        } else if (role == Role.RESPONSE) {
            flow.responses++;
            flow.responseBytes += bytes;
            if (mode == NtpMode.CONTROL.code()) {
                flow.mode6Responses++;
            } else if (mode == NtpMode.PRIVATE.code()) {
                flow.mode7Responses++;
            }
            final boolean kiss = ntp.isKissOfDeath();
            if (kiss) {
                flow.kissOfDeath(ntp.header().kissCodeRaw(), millis, port);
            } else if (unsynchronized(ntp, mode)) {
                flow.unsynchronizedResponses++;
            }
            if (monlist) {
                flow.monlistResponses++;
                flow.monlistResponseBytes += bytes;
                if (ntp.isMonlistResponse()) {
                    flow.monlistEntries += ntp.monlistEntryCount();
                }
            }
        } else {
            flow.otherPackets++;
            flow.otherBytes += bytes;
        }
    }

    /** Counts READ_MRU requests that echo the nonce the server handed their client, and the answers to them. */
    private void verifyNonce(final FlowAccumulator flow, final NtpControlHeader control, final Role role,
                             final int bytes) {
        final int opcode = control.opcode();
        if (opcode == REQ_NONCE && role == Role.RESPONSE) {
            nonces.issued(key, control.nonceHash(), bytes);
        } else if (opcode == READ_MRU && role == Role.REQUEST) {
            final int nonceAnswer = nonces.request(key, control.nonceHash());
            if (nonceAnswer >= 0) {
                flow.nonceVerifiedRequests++;
                flow.nonceVerifiedRequestBytes += bytes;
                if (nonceAnswer > 0) {
                    // The REQ_NONCE answer, counted in its own flow, reached the requester: proven now.
                    flow.nonceVerifiedResponses++;
                    flow.nonceVerifiedResponseBytes += nonceAnswer;
                }
            }
        } else if (opcode == READ_MRU && role == Role.RESPONSE && nonces.response(key)) {
            flow.nonceVerifiedResponses++;
            flow.nonceVerifiedResponseBytes += bytes;
        }
    }

    /**
     * A mode 4 answer handing out time while saying it has none: LI=3 (alarm), or stratum 0 or 16+ (RFC 5905 §7.3).
     * Kiss-o'-Death packets (tested before) say so on purpose, and a crypto-NAK (a key id without digest) is ntpd
     * refusing authentication: neither is an unsynchronized server.
     */
    private static boolean unsynchronized(final NtpMessage ntp, final int mode) {
        if (mode != NtpMode.SERVER.code() || !ntp.hasStandardHeader() || ntp.isCryptoNak()) {
            return false;
        }
        final NtpHeader header = ntp.header();
        return ntp.li() == 3 || header.stratum() == 0 || header.stratum() >= 16;
    }

    private FlowAccumulator row(final long interval, final long millis) throws IOException {
        final int hash = key.hash(interval);
        int slot = hash & mask;
        for (FlowAccumulator row = slots[slot]; row != null; row = slots[slot]) {
            if (row.hash == hash && row.matches(key, interval)) {
                return row;
            }
            slot = (slot + 1) & mask;
        }
        if (activeCount == maxFlows) {
            earlyFlushes++;
            close(Long.MAX_VALUE, sink);
            slot = hash & mask;
        }
        final FlowAccumulator row = freeCount > 0 ? free[--freeCount] : new FlowAccumulator();
        row.reset(key, interval, hash, millis);
        slots[slot] = row;
        active[activeCount++] = row;
        return row;
    }

    /**
     * Closes the intervals that ended by {@code captureNanos} (a heartbeat's time) and hands them to {@code out}.
     *
     * @return the capture time, in nanoseconds, before which no flow will follow: {@code captureNanos}, or the start
     *         of the earliest interval still held when that is earlier
     */
    public synchronized long flushBefore(final long captureNanos, final FlowSink out) throws IOException {
        final long millis = Math.floorDiv(captureNanos, 1_000_000L);
        final long openInterval = Math.floorDiv(millis + 1, intervalMillis) * intervalMillis;
        close(openInterval, out);
        long earliestHeld = Long.MAX_VALUE;
        for (int i = 0; i < activeCount; i++) {
            earliestHeld = Math.min(earliestHeld, active[i].intervalStart);
        }
        return earliestHeld == Long.MAX_VALUE ? captureNanos
                : Math.min(captureNanos, Math.multiplyExact(earliestHeld, 1_000_000L));
    }

    /** Closes every row held (shutdown, the end of a replay) and hands them to {@code out}. */
    public synchronized void flush(final FlowSink out) throws IOException {
        close(Long.MAX_VALUE, out);
    }

    /** Closes the rows of intervals that start before {@code before}: one {@link FlowInterval} per interval, in time order. */
    private void close(final long before, final FlowSink out) throws IOException {
        if (activeCount == 0) {
            return;
        }
        final List<FlowInterval> closed = new ArrayList<>(1);
        int kept = 0;
        for (int i = 0; i < activeCount; i++) {
            final FlowAccumulator row = active[i];
            if (row.intervalStart >= before) {
                active[kept++] = row;
                continue;
            }
            intervalOf(closed, row.intervalStart).flows().add(row.toAvro());
            free[freeCount++] = row;
        }
        Arrays.fill(active, kept, activeCount, null);
        final int closedRows = activeCount - kept;
        activeCount = kept;
        if (closedRows > 0) {
            Arrays.fill(slots, null);
            for (int i = 0; i < activeCount; i++) {
                int slot = active[i].hash & mask;
                while (slots[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = active[i];
            }
        }
        closed.sort(java.util.Comparator.comparingLong(FlowInterval::intervalStartMillis));
        for (final FlowInterval interval : closed) {
            out.accept(interval);
        }
    }

    private FlowInterval intervalOf(final List<FlowInterval> closed, final long start) {
        for (final FlowInterval interval : closed) {
            if (interval.intervalStartMillis() == start) {
                return interval;
            }
        }
        final FlowInterval created = new FlowInterval(start, intervalMillis, new ArrayList<>());
        closed.add(created);
        return created;
    }

    /** Datagrams counted so far. */
    public synchronized long packets() {
        return packets;
    }

    /** Rows held now. */
    public synchronized int heldFlows() {
        return activeCount;
    }

    /** Times the table was full and every row was closed before its interval ended. */
    public synchronized long earlyFlushes() {
        return earlyFlushes;
    }
}
