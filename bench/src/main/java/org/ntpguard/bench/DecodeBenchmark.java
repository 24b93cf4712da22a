package org.ntpguard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.NtpMessage;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureProblems;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.flow.FlowSink;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.serde.FlowBatchReader;

/**
 * Single-thread throughput of the capture path on a generated mixed capture ({@link MixedTraffic}), with tcpdump and
 * tshark on the same bytes for comparison. Each in-process stage runs warm-up rounds on a prefix, then timed rounds
 * on the whole file; the table gives the median round. The file is read from the page cache after the first pass.
 *
 * <p>Usage: {@code DecodeBenchmark [packets] [--rounds=5] [--warmups=2] [--data=bench/data] [--no-tools]}.
 */
public final class DecodeBenchmark {

    static final long DEFAULT_PACKETS = 10_000_000L;
    static final int DEFAULT_ROUNDS = 5;
    static final int DEFAULT_WARMUPS = 2;
    /** Warm-up rounds stop here: enough for C2 to compile the loop, without a full pass each. */
    static final long WARMUP_PACKETS = 2_000_000L;
    /** The slow paths (pcap4j, tshark) get a prefix of this many packets: the same seed's first frames. */
    static final long PREFIX_PACKETS = 1_000_000L;
    static final int TOOL_ROUNDS = 3;
    /** The topic the serde is told about in stage e (the single-object encoding does not depend on it). */
    static final String SERDE_TOPIC = "ntp.packets";

    /** Written by every stage so that the JIT cannot drop the work. */
    static volatile long sink;

    static final CaptureProblems FAIL_ON_PROBLEM = problem -> {
        throw new IllegalStateException(problem.describe());
    };

    private DecodeBenchmark() {
    }

    /** One row of the table. */
    record Row(String stage, long packets, double seconds, double cpuSeconds, double bytesPerPacket, int rounds,
               String note) {
        double mpps() {
            return packets / seconds / 1e6;
        }

        /** Packets per second of the thread's own CPU time: what other processes on the same cores took is left out. */
        double cpuMpps() {
            return packets / cpuSeconds / 1e6;
        }

        Row withNote(final String text) {
            return new Row(stage, packets, seconds, cpuSeconds, bytesPerPacket, rounds, text);
        }
    }

    /** One in-process stage: processes up to {@code limit} frames of a file and returns how many. */
    @FunctionalInterface
    interface Stage {
        long run(Path file, long limit) throws Exception;
    }

    public static void main(final String[] args) throws Exception {
        long packets = DEFAULT_PACKETS;
        int rounds = DEFAULT_ROUNDS;
        int warmups = DEFAULT_WARMUPS;
        Path data = Path.of("bench", "data");
        boolean tools = true;
        for (final String arg : args) {
            if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring("--rounds=".length()));
            } else if (arg.startsWith("--warmups=")) {
                warmups = Integer.parseInt(arg.substring("--warmups=".length()));
            } else if (arg.startsWith("--data=")) {
                data = Path.of(arg.substring("--data=".length()));
            } else if (arg.startsWith("--file=")) {
                external = Path.of(arg.substring("--file=".length()));
            } else if (arg.startsWith("--stages=")) {
                stages = arg.substring("--stages=".length());
            } else if ("--no-tools".equals(arg)) {
                tools = false;
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option: " + arg
                    + " (expected: [packets] [--rounds=N] [--warmups=N] [--data=DIR] [--stages=abcdefg] [--file=PATH] [--no-tools])");
            } else {
                packets = Long.parseLong(arg.replace("_", ""));
            }
        }
        if (packets < 1 || rounds < 1 || warmups < 0) {
            throw new IllegalArgumentException("packets=" + packets + " rounds=" + rounds + " warmups=" + warmups
                + " (expected: packets >= 1, rounds >= 1, warmups >= 0)");
        }
        run(packets, rounds, warmups, data, tools);
    }

    /** The stages to run, by letter (--stages=bfg): all by default. */
    private static String stages = "abcdefgh";
    /** A capture of someone else's to measure instead of the generated one (--file=PATH; every frame NTP). */
    private static Path external;

    private static boolean stage(final char letter) {
        return stages.indexOf(letter) >= 0;
    }

    static void run(final long packets, final int rounds, final int warmups, final Path data, final boolean tools)
        throws Exception {
        Files.createDirectories(data);
        final Path file = external != null ? external : ensureCapture(data, packets, MixedTraffic.DEFAULT_SEED);
        System.out.println(machineFacts());
        System.out.printf("capture: %s, %,d packets, %,d bytes, seed %d%n%n", file, packets, Files.size(file),
            MixedTraffic.DEFAULT_SEED);

        final List<Row> rows = new ArrayList<>();
        if (stage('a')) rows.add(measure("a. read (CaptureFiles)", DecodeBenchmark::read, file, packets, warmups, rounds));
        final PacketDecoder decoder = new PacketDecoder();
        final DecodedPacket packet = new DecodedPacket();
        if (stage('b')) rows.add(measure("b. read + decode", (f, limit) -> decode(f, limit, decoder, packet, null, null), file,
            packets, warmups, rounds));
        final NtpPacketMapper mapper = new NtpPacketMapper("bench");
        if (stage('c')) rows.add(measure("c. read + decode + Avro map", (f, limit) -> decode(f, limit, decoder, packet, mapper, null),
            file, packets, warmups, rounds));
        // pcap4j (~0.15 Mpps here) and tshark (~0.03 Mpps) get the first 1M packets: the same seed's first frames
        final boolean cut = packets > PREFIX_PACKETS;
        final long prefixPackets = cut ? PREFIX_PACKETS : packets;
        final Path prefix = cut ? ensureCapture(data, PREFIX_PACKETS, MixedTraffic.DEFAULT_SEED) : file;
        final String prefixNote = cut ? "first " + label(PREFIX_PACKETS) + " packets only" : "";
        final String library = Pcap4jRead.loadLibrary();
        if (!stage('d')) {
            System.out.println("d. not asked for");
        } else if (library == null) {
            System.out.println("d. skipped: libpcap not found (set -Dorg.pcap4j.core.pcapLibName)");
        } else {
            final Pcap4jRead pcap4j = new Pcap4jRead();
            rows.add(measure("d. pcap4j raw + decode", pcap4j::run, prefix, prefixPackets, warmups, rounds)
                .withNote(prefixNote + (prefixNote.isEmpty() ? "" : "; ") + "libpcap " + library));
            final LibpcapRead libpcap = new LibpcapRead();
            rows.add(measure("d2. LiveCaptureReader (pcap_next_ex) + decode", libpcap::run, file, packets, warmups,
                rounds).withNote("libpcap " + library));
        }
        final SingleObjectSerde<NtpPacket> serde = SingleObjectSerde.ntpPacket();
        if (stage('e')) rows.add(measure("e. c + Kafka serde out and back", (f, limit) -> decode(f, limit, decoder, packet, mapper,
            serde), file, packets, warmups, rounds));
        if (stage('f')) rows.add(measure("f. b + combine into flows", (f, limit) -> flows(f, limit, decoder, packet, false), file,
            packets, warmups, rounds).withNote("flows a packet: " + String.format("%.3f", flowsPerPacket)));
        if (stage('g')) rows.add(measure("g. f + flow batches, Kafka serde out and back", (f, limit) -> flows(f, limit, decoder, packet,
            true), file, packets, warmups, rounds));
        if (stage('h')) {
            final DetectorStage detector = new DetectorStage(file, packets);
            rows.add(measure("h. detector topology on the flows (no broker)", (f, limit) -> detector.run(), file,
                packets, Math.min(warmups, 1), rounds).withNote(String.format("%,d flows", detector.flows())));
        }
        if (tools) {
            final ExternalTool tcpdump = new ExternalTool("tcpdump", "-r", "FILE", "-w", "/dev/null");
            tool(rows, tcpdump, file, packets, TOOL_ROUNDS, "");
            final ExternalTool tshark = new ExternalTool("tshark", "-r", "FILE", "-T", "fields", "-e",
                "ntp.flags.mode");
            tool(rows, tshark, prefix, prefixPackets, 1, prefixNote);
        }
        System.out.println();
        System.out.print(table(rows));
    }

    /** The capture of {@code packets} frames for {@code seed} in {@code data}: reused when its metadata matches. */
    static Path ensureCapture(final Path data, final long packets, final long seed) throws IOException {
        final Path file = data.resolve("mixed-" + label(packets) + ".pcap");
        final Path meta = data.resolve(file.getFileName() + ".meta");
        final String expected = "packets=" + packets + " seed=" + seed + " generator=" + MixedTraffic.GENERATOR_VERSION;
        if (Files.isRegularFile(file) && Files.isRegularFile(meta)) {
            final String[] recorded = Files.readString(meta, StandardCharsets.US_ASCII).trim().split(" bytes=");
            if (recorded.length == 2 && recorded[0].equals(expected)
                && Long.parseLong(recorded[1]) == Files.size(file)) {
                System.out.println("reusing " + file);
                return file;
            }
        }
        Files.deleteIfExists(meta);
        final long start = System.nanoTime();
        MixedTraffic.write(file, packets, seed);
        System.out.printf("wrote %s in %.1f s%n", file, (System.nanoTime() - start) / 1e9);
        Files.writeString(meta, expected + " bytes=" + Files.size(file) + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    /** 10000000 → "10M", 1500000 → "1500000". */
    static String label(final long packets) {
        if (packets % 1_000_000 == 0) {
            return packets / 1_000_000 + "M";
        }
        return packets % 1_000 == 0 ? packets / 1_000 + "k" : Long.toString(packets);
    }

    private static Row measure(final String name, final Stage stage, final Path file, final long packets,
                               final int warmups, final int rounds) throws Exception {
        for (int i = 0; i < warmups; i++) {
            stage.run(file, Math.min(packets, WARMUP_PACKETS));
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final double[] seconds = new double[rounds];
        final double[] cpuSeconds = new double[rounds];
        long allocated = 0;
        for (int i = 0; i < rounds; i++) {
            final long allocatedBefore = threads.getThreadAllocatedBytes(thread);
            final long cpuStart = threads.getCurrentThreadCpuTime();
            final long start = System.nanoTime();
            final long count = stage.run(file, Long.MAX_VALUE);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            cpuSeconds[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            allocated += threads.getThreadAllocatedBytes(thread) - allocatedBefore;
            if (count != packets) {
                throw new IllegalStateException(name + ": " + count + " packets (expected: " + packets + ")");
            }
        }
        final Row row = new Row(name, packets, median(seconds), median(cpuSeconds),
            (double) allocated / packets / rounds, rounds, "");
        System.out.printf("%-30s rounds %s s -> median %.3f s, %.2f Mpps (%.2f per CPU second), %.2f B/packet%n",
            name, Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 1000) / 1000.0).toArray()),
            row.seconds(), row.mpps(), row.cpuMpps(), row.bytesPerPacket());
        return row;
    }

    private static void tool(final List<Row> rows, final ExternalTool tool, final Path file, final long packets,
                             final int rounds, final String note) throws InterruptedException {
        if (!tool.installed()) {
            System.out.println(tool.name() + ": not installed, skipped");
            return;
        }
        final double[] seconds = new double[rounds];
        try {
            for (int i = 0; i < rounds; i++) {
                seconds[i] = tool.run(file) / 1e9;
            }
        } catch (final IOException e) {
            System.out.println(tool.name() + ": skipped, " + e.getMessage());
            return;
        }
        final Row row = new Row(tool.commandLine(file), packets, median(seconds), Double.NaN, Double.NaN, rounds,
            note);
        System.out.printf("%-30s rounds %s s -> median %.3f s, %.3f Mpps%n", tool.name(),
            Arrays.toString(seconds), row.seconds(), row.mpps());
        rows.add(row);
    }

    /** Stage a: frames only. */
    static long read(final Path file, final long limit) throws IOException {
        long count = 0;
        long sum = 0;
        try (CaptureReader reader = CaptureFiles.open(file, FAIL_ON_PROBLEM)) {
            final CapturedFrame frame = new CapturedFrame();
            while (count < limit && reader.next(frame)) {
                count++;
                sum += frame.capturedLength();
            }
        }
        sink += sum;
        return count;
    }

    /**
     * Stages b, c and e: decode every frame to the NTP layer, map it to the Avro event when {@code mapper} is set, and
     * when {@code serde} is set, serialise the event as the sensor does and deserialise it as the detector does.
     */
    static long decode(final Path file, final long limit, final PacketDecoder decoder, final DecodedPacket packet,
                       final NtpPacketMapper mapper, final SingleObjectSerde<NtpPacket> serde) throws IOException {
        long count = 0;
        long ntp = 0;
        long sum = 0;
        try (CaptureReader reader = CaptureFiles.open(file, FAIL_ON_PROBLEM)) {
            final CapturedFrame frame = new CapturedFrame();
            while (count < limit && reader.next(frame)) {
                count++;
                if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                    ntp++;
                    sum += touch(packet.ntp());
                    if (mapper != null) {
                        final NtpPacket event = mapper.map(packet);
                        sum += event.getNtpLen();
                        if (serde != null) {
                            final byte[] bytes = serde.serializer().serialize(SERDE_TOPIC, event);
                            sum += bytes.length + serde.deserializer().deserialize(SERDE_TOPIC, bytes).getNtpLen();
                        }
                    }
                }
            }
        }
        expectAllNtp(count, ntp);
        sink += sum;
        return count;
    }

    /** Flows a packet in the last run of stage f: how much combining saves on this capture. */
    private static double flowsPerPacket;

    /**
     * Stages f and g: decode every frame and combine it into its flow as the sensor does (1 s intervals); with
     * {@code serde}, split every closed interval into its batch records (one partition) and serialise and deserialise
     * them as the sensor and the detector ({@link FlowBatchReader}) do.
     */
    static long flows(final Path file, final long limit, final PacketDecoder decoder, final DecodedPacket packet,
                      final boolean serde) throws IOException {
        final SingleObjectSerde<NtpFlowBatch> batches = SingleObjectSerde.ntpFlowBatch();
        final FlowBatchReader detectorReader = new FlowBatchReader();
        final long[] flows = {0, 0};
        final FlowSink out = interval -> {
            flows[0] += interval.flows().size();
            if (serde) {
                for (final FlowBatches.Partitioned batch : FlowBatches.split("bench", interval, 1,
                        FlowBatches.DEFAULT_MAX_FLOWS_PER_BATCH)) {
                    final byte[] bytes = batches.serializer().serialize(SERDE_TOPIC, batch.batch());
                    flows[1] += bytes.length + detectorReader.deserialize(SERDE_TOPIC, bytes).flows().size();
                }
            }
        };
        final FlowCombiner combiner = new FlowCombiner(FlowCombiner.DEFAULT_INTERVAL, FlowCombiner.DEFAULT_MAX_FLOWS, out);
        final long count = decodeEach(file, limit, decoder, packet, combiner);
        combiner.flush(out);
        flowsPerPacket = (double) flows[0] / count;
        sink += flows[0] + flows[1];
        return count;
    }

    /**
     * Decodes up to {@code limit} frames of {@code file} and hands each datagram to {@code sink} (stages f, g, h; the
     * timed loop of stages b, c and e is written out in {@link #decode}, as it was measured).
     *
     * @return the frames read, every one NTP
     */
    static long decodeEach(final Path file, final long limit, final PacketDecoder decoder, final DecodedPacket packet,
                           final PacketSink sink) throws IOException {
        long count = 0;
        long ntp = 0;
        try (CaptureReader reader = CaptureFiles.open(file, FAIL_ON_PROBLEM)) {
            final CapturedFrame frame = new CapturedFrame();
            while (count < limit && reader.next(frame)) {
                count++;
                if (decoder.decode(frame, packet) == DecodeResult.NTP) {
                    ntp++;
                    sink.accept(packet);
                }
            }
        }
        expectAllNtp(count, ntp);
        return count;
    }

    /** Reads what a detector reads first, so that decoding is not dead code. */
    static long touch(final NtpMessage ntp) {
        long value = ntp.mode() << 4 | ntp.version();
        if (ntp.hasStandardHeader()) {
            value += ntp.header().stratum() + (ntp.isKissOfDeath() ? 1_000 : 0);
        }
        if (ntp.hasPrivate()) {
            value += ntp.privateHeader().requestCode() + ntp.monlistEntryCount();
        }
        if (ntp.hasControl()) {
            value += ntp.control().opcode();
        }
        return value;
    }

    /** Every generated frame is NTP: anything else is a generator or decoder bug, not a figure to print. */
    static void expectAllNtp(final long frames, final long ntp) {
        if (frames != ntp) {
            throw new IllegalStateException("decoded " + ntp + " NTP packets out of " + frames + " frames (expected: all)");
        }
    }

    static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static String machineFacts() throws IOException {
        String cpu = "unknown";
        final Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            for (final String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        }
        final Path loadavg = Path.of("/proc/loadavg");
        // other processes on the same cores skew every figure: the load average says whether there were any
        final String load = Files.isReadable(loadavg)
            ? String.join(" ", Arrays.copyOf(Files.readString(loadavg).trim().split(" "), 3)) : "unknown";
        return String.format("date %s | CPU %s | %d cores | %s %s (%s) | %s %s | max heap %d MiB | load %s",
            LocalDate.now(),
            cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
            System.getProperty("os.name"), System.getProperty("os.version"),
            Runtime.getRuntime().maxMemory() >> 20, load);
    }

    static String table(final List<Row> rows) {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("| %-62s | %11s | %7s | %6s | %8s | %8s | %7s | %s |%n", "stage", "packets",
            "seconds", "rounds", "Mpps", "CPU Mpps", "B/pkt", "note"));
        out.append(String.format("|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(64), "-".repeat(12) + ":",
            "-".repeat(8) + ":", "-".repeat(7) + ":", "-".repeat(9) + ":", "-".repeat(9) + ":", "-".repeat(8) + ":",
            "---"));
        for (final Row row : rows) {
            final boolean inProcess = !Double.isNaN(row.cpuSeconds());
            out.append(String.format("| %-62s | %,11d | %7.3f | %6d | %8.3f | %8s | %7s | %s |%n", row.stage(),
                row.packets(), row.seconds(), row.rounds(), row.mpps(),
                inProcess ? String.format("%.3f", row.cpuMpps()) : "",
                inProcess ? String.format("%.2f", row.bytesPerPacket()) : "", row.note()));
        }
        return out.toString();
    }
}
