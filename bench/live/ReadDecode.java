import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.live.CaptureStats;
import org.ntpguard.capture.live.LiveCaptureOptions;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;

/**
 * The live reader alone: {@code LiveCaptureReader.next} + {@code PacketDecoder.decode} on an interface, nothing else,
 * until SIGINT or SIGTERM; then frames, time and libpcap's counters on stderr. A single-file program:
 * {@code java -cp cli/target/ntpguard.jar bench/live/ReadDecode.java IF [BUFFER_BYTES]} (root).
 */
public final class ReadDecode {

    public static void main(final String[] args) throws Exception {
        final LiveCaptureOptions options = LiveCaptureOptions.of(args[0]);
        final LiveCaptureReader reader = LiveCaptureReader.open(args.length > 1
                ? options.withBufferSizeBytes(Integer.parseInt(args[1])) : options);
        final Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reader.close();
            try {
                main.join(20_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        final PacketDecoder decoder = new PacketDecoder();
        final DecodedPacket packet = new DecodedPacket();
        final CapturedFrame frame = new CapturedFrame();
        long frames = 0;
        long ntp = 0;
        long first = 0;
        long last = 0;
        System.err.println("ReadDecode: capturing on " + args[0]);
        while (reader.next(frame)) {
            last = System.nanoTime();
            if (frames++ == 0) {
                first = last;
            }
            if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                ntp++;
            }
        }
        final CaptureStats stats = reader.stats();
        System.err.printf("ReadDecode: frames %d, ntp %d, in %.2f s; libpcap received %d, dropped by kernel %d, "
                + "dropped by interface %d%n", frames, ntp, (last - first) / 1e9, stats.received(),
                stats.droppedByKernel(), stats.droppedByInterface());
    }
}
