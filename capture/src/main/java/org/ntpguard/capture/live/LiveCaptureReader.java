package org.ntpguard.capture.live;

import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Frames from a live interface through libpcap (pcap4j 1.8.2), as raw bytes: pcap4j's packet parsing is never used.
 *
 * <p>Each frame is copied into one buffer this reader owns, so a {@link CapturedFrame} stays valid only until the next
 * call to {@link #next}. pcap4j itself still allocates per packet (the byte array, a {@link Timestamp}, two JNA
 * pointers); nothing here adds to that. Frame numbers count from 1; file offsets are -1.
 *
 * <p>Threads: one thread reads. {@link #close()} may be called from any thread, and a {@link #next} blocked waiting
 * for traffic then returns false: libpcap 1.10+ wakes the blocked poll on {@code pcap_breakloop}. (Older libpcap only
 * notices at the next packet or read timeout, so close can wait that long.) {@link #stats()} may be called from
 * another thread while reading.
 */
public final class LiveCaptureReader implements CaptureReader {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MILLIS_PER_SECOND = 1_000L;

    private final String interfaceName;
    private final String filter;
    private final PcapHandle handle;
    private final int linkType;
    private final boolean nanosecondTimestamps;
    private final Object statsLock = new Object();
    private ByteBuffer buffer;
    private long frameNumber;
    private volatile boolean closed;
    private CaptureStats finalStats;

    private LiveCaptureReader(final String interfaceName, final PcapHandle handle, final int snaplen,
                              final String filter) {
        this.interfaceName = interfaceName;
        this.filter = filter;
        this.handle = handle;
        this.linkType = handle.getDlt().value();
        this.nanosecondTimestamps = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
        this.buffer = ByteBuffer.allocate(snaplen);
    }

    /**
     * Opens the interface, applies the filter and starts capturing: frames arriving from now on are kept.
     *
     * @throws LiveCaptureException with a one-sentence message when libpcap cannot be loaded, the interface does not
     *                              exist (listing those that do), permission is lacking, or libpcap rejects the filter
     */
    public static LiveCaptureReader open(final LiveCaptureOptions options) throws LiveCaptureException {
        PcapLibrary.load();
        final String name = options.interfaceName();
        final PcapHandle handle;
        try {
            handle = new PcapHandle.Builder(name)
                    .snaplen(options.snaplen())
                    .promiscuousMode(options.promiscuous()
                            ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(options.readTimeoutMillis())
                    .bufferSize(options.bufferSizeBytes())
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO)
                    .immediateMode(options.immediateMode())
                    .build();
        } catch (final PcapNativeException e) {
            throw openFailure(name, e);
        }
        final String filter;
        try {
            filter = applyFilter(handle, options.filter());
        } catch (final LiveCaptureException e) {
            handle.close();
            throw e;
        }
        return new LiveCaptureReader(name, handle, options.snaplen(), filter);
    }

    /**
     * Sets {@code filter} on the handle; the default filter falls back to its untagged clauses on link types where
     * libpcap has no {@code vlan} (Linux cooked capture on {@code any}: "no VLAN support for Linux cooked v1").
     *
     * @return the filter in force
     */
    private static String applyFilter(final PcapHandle handle, final String filter) throws LiveCaptureException {
        if (filter.isEmpty()) {
            return filter;
        }
        try {
            setFilter(handle, filter);
            return filter;
        } catch (final PcapNativeException e) {
            if (!LiveCaptureOptions.DEFAULT_FILTER.equals(filter)) {
                throw BpfFilters.invalid(filter, e);
            }
        }
        try {
            setFilter(handle, LiveCaptureOptions.NTP_AND_CARRIERS);
            return LiveCaptureOptions.NTP_AND_CARRIERS;
        } catch (final PcapNativeException e) {
            throw BpfFilters.invalid(LiveCaptureOptions.NTP_AND_CARRIERS, e);
        }
    }

    private static void setFilter(final PcapHandle handle, final String filter) throws PcapNativeException {
        try {
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (final NotOpenException e) {
            throw new IllegalStateException("pcap handle closed while being opened", e);
        }
    }

    @Override
    public boolean next(final CapturedFrame frame) throws LiveCaptureException {
        while (!closed) {
            final byte[] packet;
            try {
                packet = handle.getNextRawPacketEx();
            } catch (final TimeoutException e) {
                continue;
            } catch (final EOFException | NotOpenException e) {
                // pcap_next_ex returns -2 only after pcap_breakloop, which only close() calls
                return false;
            } catch (final PcapNativeException e) {
                if (closed) {
                    return false;
                }
                throw new LiveCaptureException("Capture on interface " + interfaceName + " failed: "
                        + e.getMessage() + ".", e);
            }
            final int length = packet.length;
            if (length > buffer.capacity()) {
                buffer = ByteBuffer.allocate(length);
            }
            buffer.put(0, packet);
            final Integer originalLength = handle.getOriginalLength();
            frameNumber++;
            frame.set(buffer, 0, length, originalLength == null ? length : originalLength, linkType,
                    timestampNanos(handle.getTimestamp()), frameNumber, -1L);
            return true;
        }
        return false;
    }

    /** The timestamp libpcap gave the last packet, as nanoseconds since the epoch, whatever its precision. */
    private static long timestampNanos(final Timestamp timestamp) {
        // getTime() folds the millisecond part of getNanos() in; getNanos() alone holds the whole fraction
        return Math.floorDiv(timestamp.getTime(), MILLIS_PER_SECOND) * NANOS_PER_SECOND + timestamp.getNanos();
    }

    @Override
    public String source() {
        return interfaceName;
    }

    /** The pcap LINKTYPE_ of every frame: 1 (Ethernet) for {@code lo} and {@code eth*}, 113 or 276 for {@code any}. */
    public int linkType() {
        return linkType;
    }

    /**
     * The BPF filter in force, empty for none: the one asked for, except that {@link LiveCaptureOptions#DEFAULT_FILTER}
     * becomes {@link LiveCaptureOptions#NTP_AND_CARRIERS} on link types without VLAN support in libpcap.
     */
    public String filter() {
        return filter;
    }

    /** Whether libpcap delivers nanosecond timestamps; when false the last three digits are always zero. */
    public boolean nanosecondTimestamps() {
        return nanosecondTimestamps;
    }

    /** Frames handed over so far. */
    public long frames() {
        return frameNumber;
    }

    /**
     * libpcap's counters so far; after {@link #close()}, the last counters read before the handle was closed.
     *
     * @throws LiveCaptureException when libpcap cannot read them
     */
    public CaptureStats stats() throws LiveCaptureException {
        synchronized (statsLock) {
            if (finalStats != null) {
                return finalStats;
            }
            try {
                final PcapStat stat = handle.getStats();
                return new CaptureStats(stat.getNumPacketsReceived(), stat.getNumPacketsDropped(),
                        stat.getNumPacketsDroppedByIf());
            } catch (final PcapNativeException | NotOpenException e) {
                throw new LiveCaptureException("Cannot read capture statistics of interface " + interfaceName + ": "
                        + e.getMessage() + ".", e);
            }
        }
    }

    /**
     * Stops the capture: wakes a {@link #next} blocked in another thread (it returns false), keeps the final
     * statistics and releases the handle. Closing twice does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (statsLock) {
            try {
                final PcapStat stat = handle.getStats();
                finalStats = new CaptureStats(stat.getNumPacketsReceived(), stat.getNumPacketsDropped(),
                        stat.getNumPacketsDroppedByIf());
            } catch (final PcapNativeException | NotOpenException e) {
                finalStats = new CaptureStats(-1, -1, -1);
            }
        }
        try {
            handle.breakLoop();
        } catch (final NotOpenException e) {
            // already closed: nothing to wake
        }
        // pcap4j waits here for a reading thread to leave pcap_next_ex before it calls pcap_close
        handle.close();
    }

    /** Why {@code name} could not be opened, in one sentence, with the interfaces that do exist. */
    private static LiveCaptureException openFailure(final String name, final PcapNativeException e) {
        final String reason = e.getMessage() == null ? "libpcap gave no reason" : e.getMessage();
        final String hint = reason.toLowerCase(Locale.ROOT).contains("permission")
                ? " (capturing needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities)"
                : "";
        return new LiveCaptureException("Cannot capture on interface " + name + ": " + reason + hint
                + "; available interfaces: " + availableInterfaces() + ".", e);
    }

    /** The names libpcap can capture on, comma-separated, or why they cannot be listed. */
    static String availableInterfaces() {
        try {
            final List<PcapNetworkInterface> devices = Pcaps.findAllDevs();
            return devices.isEmpty()
                    ? "none"
                    : devices.stream().map(PcapNetworkInterface::getName).collect(Collectors.joining(", "));
        } catch (final PcapNativeException e) {
            return "none listed (" + e.getMessage() + ")";
        }
    }
}
