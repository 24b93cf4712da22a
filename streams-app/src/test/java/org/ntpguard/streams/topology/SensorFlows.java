package org.ntpguard.streams.topology;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.flow.FlowInterval;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpFlowBatch;

/**
 * Flow batches made by the sensor's own code: capture files decoded by the capture module's session, combined by its
 * {@link FlowCombiner} (1 s intervals) and split by {@link FlowBatches}, as {@code ntpguard sensor --read} does.
 */
final class SensorFlows {

    /** One interval of one sensor's flows. */
    record Interval(String sensor, FlowInterval flows) {
    }

    /** A sensor's combiner, collecting the intervals it closes. */
    static final class Sensor implements PacketSink {
        private final String name;
        private final List<FlowInterval> closed = new ArrayList<>();
        private final FlowCombiner combiner;

        Sensor(final String name) {
            this.name = name;
            this.combiner = new FlowCombiner(FlowCombiner.DEFAULT_INTERVAL, FlowCombiner.DEFAULT_MAX_FLOWS,
                    closed::add);
        }

        @Override
        public void accept(final DecodedPacket packet) throws IOException {
            combiner.accept(packet);
        }

        /** The intervals closed so far, after closing every row held when {@code flush}; taken away. */
        List<Interval> take(final boolean flush) {
            try {
                if (flush) {
                    combiner.flush(closed::add);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            final List<Interval> out = closed.stream().map(i -> new Interval(name, i)).toList();
            closed.clear();
            return out;
        }
    }

    private SensorFlows() {
    }

    /** A capture file's flows as one sensor makes them. */
    static List<Interval> capture(final Path file, final String sensor) throws IOException {
        return split(file, sensor).get(0);
    }

    /** A capture file shared among sensors: datagram i (in capture order) goes to sensor {@code i % n}. */
    static List<List<Interval>> split(final Path file, final String... sensors) throws IOException {
        final List<Sensor> all = Stream.of(sensors).map(Sensor::new).toList();
        final long[] count = new long[1];
        decode(file, packet -> all.get((int) (count[0]++ % all.size())).accept(packet), Long.MAX_VALUE);
        return all.stream().map(s -> s.take(true)).toList();
    }

    /** The flows of the first {@code packets} datagrams of a capture file, one sensor. */
    static List<Interval> prefix(final Path file, final String sensor, final long packets) throws IOException {
        final Sensor one = new Sensor(sensor);
        decode(file, one, packets);
        return one.take(true);
    }

    private static void decode(final Path file, final PacketSink sink, final long limit) throws IOException {
        final ProblemLog log = new ProblemLog(new PrintWriter(new StringWriter(), true));
        try (CaptureReader reader = CaptureFiles.open(file, log)) {
            new CaptureSession(new DecodeStats(), log).run(reader, sink, limit);
        }
    }

    /** Several sensors' intervals merged in time order (stable: a sensor's own order is kept). */
    @SafeVarargs
    static List<Interval> byTime(final List<Interval>... sensors) {
        final List<Interval> all = new ArrayList<>();
        for (final List<Interval> one : sensors) {
            all.addAll(one);
        }
        all.sort(Comparator.comparingLong(i -> i.flows().intervalStartMillis()));
        return all;
    }

    /** The batches of intervals for a flows topic of {@code partitions} partitions, in order. */
    static List<FlowBatches.Partitioned> batches(final List<Interval> intervals, final int partitions) {
        final List<FlowBatches.Partitioned> batches = new ArrayList<>();
        for (final Interval interval : intervals) {
            batches.addAll(FlowBatches.split(interval.sensor(), interval.flows(), partitions,
                    FlowBatches.DEFAULT_MAX_FLOWS_PER_BATCH));
        }
        return batches;
    }

    /** The batches of intervals for a one-partition flows topic. */
    static List<NtpFlowBatch> batches(final List<Interval> intervals) {
        return batches(intervals, 1).stream().map(FlowBatches.Partitioned::batch).toList();
    }

    /** Datagrams in the batches. */
    static long packets(final List<NtpFlowBatch> batches) {
        return batches.stream().mapToLong(FlowBatches::packets).sum();
    }
}
