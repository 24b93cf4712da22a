package org.ntpguard.capture.live;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Frames from a live interface through libpcap (pcap4j 1.8.2), as raw bytes: pcap4j's packet parsing is never used.
 *
 * <p>pcap4j opens the handle, sets the filter and reads the counters; packets are read through our own binding of
 * {@code pcap_next_ex} ({@link PcapNative}), which hands over frames straight from libpcap's buffer (on Linux the
 * TPACKET_V3 ring, filled by the kernel a block of many frames at a time). Each frame is copied from there into one
 * buffer this reader owns, through JNA pointer views re-pointed per packet, so the read loop allocates nothing per
 * packet, and a {@link CapturedFrame} stays valid only until the next call to {@link #next}. Frame numbers count from
 * 1; file offsets are -1.
 *
 * <p>Threads: one thread reads. {@link #close()} may be called from any thread, and a {@link #next} blocked waiting
 * for traffic then returns false: libpcap 1.10+ wakes the blocked poll on {@code pcap_breakloop}. (Older libpcap only
 * notices at the next packet or read timeout, so close can wait that long.) {@link #stats()} may be called from
 * another thread while reading.
 */
public final class LiveCaptureReader implements CaptureReader {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MICRO = 1_000L;

    private final String interfaceName;
    private final String filter;
    private final PcapHandle handle;
    /** The handle's {@code pcap_t*}, for {@link PcapNative}. */
    private final Pointer pcap;
    private final int linkType;
    private final boolean nanosecondTimestamps;
    private final long nanosPerFractionUnit;
    private final Object statsLock = new Object();
    /** Held by {@link #next} while it is in libpcap, so that {@link #close()} never frees the handle under it. */
    private final ReentrantLock reading = new ReentrantLock();
    /** Where pcap_next_ex writes the header's address, then the data's. */
    private final Memory nextOut = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer headerOut = nextOut.share(0L, Native.POINTER_SIZE);
    private final Pointer dataOut = nextOut.share(Native.POINTER_SIZE, Native.POINTER_SIZE);
    private final PcapNative.MovablePointer header = new PcapNative.MovablePointer();
    private final PcapNative.MovablePointer data = new PcapNative.MovablePointer();
    private byte[] bytes;
    private ByteBuffer buffer;
    private long frameNumber;
    private volatile boolean closed;
    private CaptureStats finalStats;

    private LiveCaptureReader(final String interfaceName, final PcapHandle handle, final int snaplen,
                              final String filter) {
        this.interfaceName = interfaceName;
        this.filter = filter;
        this.handle = handle;
        this.pcap = nativeHandle(handle);
        this.linkType = handle.getDlt().value();
        this.nanosecondTimestamps = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
        this.nanosPerFractionUnit = nanosecondTimestamps ? 1L : NANOS_PER_MICRO;
        this.bytes = new byte[snaplen];
        this.buffer = ByteBuffer.wrap(bytes);
    }

    /**
     * The {@code pcap_t*} pcap4j keeps in the private field {@code handle} of {@link PcapHandle}. pcap4j 1.8.2 offers
     * no accessor, and opening the handle with pcap4j keeps its option handling, error messages, filter compilation
     * and statistics; only the read loop bypasses it. The dependency is pinned to 1.8.2; should another version
     * rename the field, this fails at open with a message, not while capturing.
     */
    private static Pointer nativeHandle(final PcapHandle handle) {
        try {
            final Field field = PcapHandle.class.getDeclaredField("handle");
            field.setAccessible(true);
            return (Pointer) field.get(handle);
        } catch (final ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("pcap4j's PcapHandle has no field 'handle' holding a Pointer (expected: "
                    + "pcap4j 1.8.2): " + e, e);
        }
    }

    /**
     * Opens the interface, applies the filter and starts capturing: frames arriving from now on are kept.
     *
     * @throws LiveCaptureException with a one-sentence message when libpcap cannot be loaded, the interface does not
     *                              exist (listing those that do), permission is lacking, or libpcap rejects the filter
     */
    public static LiveCaptureReader open(final LiveCaptureOptions options) throws LiveCaptureException {
        loadLibpcap();
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
            return new LiveCaptureReader(name, handle, options.snaplen(), filter);
        } catch (final LiveCaptureException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /**
     * A capture file read by libpcap through the same read loop as a live interface, to measure that loop without
     * a live source (bench/). Frames come at the file's speed; {@link #next} returns false at its end, and
     * {@link #stats()} fails, libpcap having no counters for files. For reading captures, use
     * {@code CaptureFiles}, which is faster and reports damage.
     *
     * @throws LiveCaptureException when libpcap cannot be loaded or cannot read the file
     */
    public static LiveCaptureReader openFile(final Path file) throws LiveCaptureException {
        loadLibpcap();
        final PcapHandle handle;
        try {
            handle = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (final PcapNativeException e) {
            throw new LiveCaptureException("Cannot read " + file + " with libpcap: " + e.getMessage() + ".", e);
        }
        try {
            return new LiveCaptureReader(file.toString(), handle, LiveCaptureOptions.MAX_SNAPLEN, "");
        } catch (final RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private static void loadLibpcap() throws LiveCaptureException {
        PcapLibrary.load();
        try {
            PcapNative.bind();
        } catch (final LinkageError e) {
            throw new LiveCaptureException("Cannot bind pcap_next_ex in libpcap " + System.getProperty(
                    PcapLibrary.PROPERTY) + ": " + e.getMessage() + " (expected: libpcap 1.0 or later).", e);
        }
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
        reading.lock();
        try {
            while (!closed) {
                final int result = PcapNative.pcap_next_ex(pcap, headerOut, dataOut);
                if (result == PcapNative.NEXT_PACKET) {
                    return take(frame);
                }
                if (result == PcapNative.NEXT_TIMEOUT) {
                    continue;
                }
                if (result == PcapNative.NEXT_BREAK || closed) {
                    // -2 only after pcap_breakloop, which only close() calls, or at the end of a file
                    return false;
                }
                throw new LiveCaptureException("Capture on interface " + interfaceName + " failed: "
                        + PcapNative.pcap_geterr(pcap) + " (pcap_next_ex returned " + result + ").");
            }
            return false;
        } finally {
            reading.unlock();
        }
    }

    /** Copies the packet pcap_next_ex just gave out of libpcap's buffer and points {@code frame} at it. */
    private boolean take(final CapturedFrame frame) {
        header.moveTo(PcapNative.addressAt(nextOut, 0L));
        data.moveTo(PcapNative.addressAt(nextOut, Native.POINTER_SIZE));
        final int capturedLength = header.getInt(PcapNative.CAPLEN_OFFSET);
        final int originalLength = header.getInt(PcapNative.LEN_OFFSET);
        if (capturedLength > bytes.length) {
            // libpcap never hands over more than the snap length; kept for a libpcap that would
            bytes = new byte[capturedLength];
            buffer = ByteBuffer.wrap(bytes);
        }
        data.read(0L, bytes, 0, capturedLength);
        final long timestampNanos = header.getCLong(PcapNative.TV_SEC_OFFSET) * NANOS_PER_SECOND
                + header.getCLong(PcapNative.TV_FRACTION_OFFSET) * nanosPerFractionUnit;
        frameNumber++;
        frame.set(buffer, 0, capturedLength, originalLength, linkType, timestampNanos, frameNumber, -1L);
        return true;
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
        // pcap4j's own lock does not cover our pcap_next_ex: wait for a reading thread to leave libpcap
        reading.lock();
        try {
            handle.close();
        } finally {
            reading.unlock();
        }
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
