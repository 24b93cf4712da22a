package org.ntpguard.bench;

import com.sun.jna.NativeLibrary;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * Stage d: the live path's per-packet calls on a file. libpcap reads the file (pcap4j {@link Pcaps#openOffline});
 * each frame is taken with {@link PcapHandle#getNextRawPacketEx()}, its original length and timestamp asked for,
 * copied into a reused buffer and decoded, exactly as {@code LiveCaptureReader.next} does. What this adds to stage b
 * is the JNA crossing and pcap4j's per-packet allocations (the byte array, a {@link Timestamp}, JNA structures).
 */
final class Pcap4jRead {

    /** The system property pcap4j 1.8.2 reads the library name from, once, in a static initializer. */
    private static final String LIBRARY_PROPERTY = "org.pcap4j.core.pcapLibName";
    private static final long MILLIS_PER_SECOND = 1_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final CapturedFrame frame = new CapturedFrame();
    private ByteBuffer buffer = ByteBuffer.allocate(65_536);

    /**
     * Points pcap4j at libpcap before its first use. Debian's runtime package ships only {@code libpcap.so.0.8}
     * (capture's package-private {@code PcapLibrary} does the same search for the live reader).
     *
     * @return the name that loaded, or null when none did
     */
    static String loadLibrary() {
        final String configured = System.getProperty(LIBRARY_PROPERTY);
        final List<String> candidates = configured != null ? List.of(configured)
            : List.of("pcap", "libpcap.so.1", "libpcap.so.0.8");
        for (final String candidate : candidates) {
            try {
                NativeLibrary.getInstance(candidate);
                System.setProperty(LIBRARY_PROPERTY, candidate);
                return candidate;
            } catch (final UnsatisfiedLinkError e) {
                // try the next
            }
        }
        return null;
    }

    /** Reads and decodes up to {@code limit} frames of {@code file}; returns how many, adds a checksum to the sink. */
    long run(final Path file, final long limit) throws Exception {
        final PcapHandle handle = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        final int linkType = handle.getDlt().value();
        long count = 0;
        long ntp = 0;
        long sum = 0;
        try {
            while (count < limit) {
                final byte[] bytes;
                try {
                    bytes = handle.getNextRawPacketEx();
                } catch (final TimeoutException e) {
                    continue;
                } catch (final EOFException e) {
                    break;
                }
                if (bytes.length > buffer.capacity()) {
                    buffer = ByteBuffer.allocate(bytes.length);
                }
                buffer.put(0, bytes);
                final Integer originalLength = handle.getOriginalLength();
                count++;
                frame.set(buffer, 0, bytes.length, originalLength == null ? bytes.length : originalLength, linkType,
                    timestampNanos(handle.getTimestamp()), count, -1L);
                if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                    ntp++;
                    sum += DecodeBenchmark.touch(packet.ntp());
                }
            }
        } finally {
            handle.close();
        }
        DecodeBenchmark.expectAllNtp(count, ntp);
        DecodeBenchmark.sink += sum;
        return count;
    }

    private static long timestampNanos(final Timestamp timestamp) {
        return Math.floorDiv(timestamp.getTime(), MILLIS_PER_SECOND) * NANOS_PER_SECOND + timestamp.getNanos();
    }
}
