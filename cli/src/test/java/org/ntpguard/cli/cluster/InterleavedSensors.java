package org.ntpguard.cli.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;

/**
 * Several sensors that see parts of the same traffic at the same time, as sensors on different mirror ports do: the
 * captures' datagrams are dealt out in turn, one to each sensor's own publisher, in capture order. As live sensors
 * on synchronised clocks do, they progress together: at each new second of capture time every sensor's flows so far
 * are published and acknowledged before the next datagram is dealt. (At full replay speed a second of capture time
 * passes in a millisecond, and sensors left to publish at their own pace drift apart by far more than the grace:
 * the detector then counts the slower one's flows as late, as the README's "Event time" says.) At the end each
 * sensor's flows are acknowledged before any sensor's end-of-replay heartbeat.
 */
final class InterleavedSensors implements AutoCloseable {

    private final List<FlowPublisher> sensors = new ArrayList<>();
    private final long[] dealt;

    InterleavedSensors(final String bootstrap, final SensorTopics topics, final String... names) {
        for (final String name : names) {
            sensors.add(FlowPublisher.create(FlowPublisher.producerConfig(bootstrap, new java.util.Properties()),
                    name, topics, FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null,
                    FlowOptions.defaults()));
        }
        dealt = new long[names.length];
    }

    /** Deals every datagram of the captures, in order, to the sensors in turn. */
    InterleavedSensors replay(final Path... captures) throws IOException {
        final ProblemLog problems = new ProblemLog(new PrintWriter(new StringWriter(), true));
        final int[] next = {0};
        final long[] second = {Long.MIN_VALUE};
        for (final Path capture : captures) {
            try (CaptureReader reader = CaptureFiles.open(capture, problems)) {
                new CaptureSession(new DecodeStats(), problems).run(reader, packet -> {
                    final long now = Math.floorDiv(packet.timestampNanos(), 1_000_000_000L);
                    if (now != second[0]) {
                        second[0] = now;
                        try {
                            flushOnly();
                        } catch (final InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException("interrupted");
                        }
                    }
                    final int sensor = next[0]++ % sensors.size();
                    sensors.get(sensor).accept(packet);
                    dealt[sensor]++;
                }, Long.MAX_VALUE);
            }
        }
        return this;
    }

    /** Every sensor's flows published and acknowledged, then every sensor's end-of-replay heartbeat. */
    void finish() throws IOException, InterruptedException {
        flushOnly();
        for (final FlowPublisher sensor : sensors) {
            sensor.heartbeatAfterReplay();
        }
    }

    /** Every sensor's flows published, without a heartbeat after them: their windows stay open. */
    void flushOnly() throws IOException, InterruptedException {
        for (final FlowPublisher sensor : sensors) {
            sensor.heartbeat(0); // closes its flows; a heartbeat at time 0 moves no window
        }
        awaitPublished();
    }

    private void awaitPublished() throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; i < sensors.size(); i++) {
            while (sensors.get(i).stats().published() < dealt[i] && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    /** Datagrams each sensor was given. */
    long[] dealt() {
        return dealt.clone();
    }

    @Override
    public void close() {
        sensors.forEach(FlowPublisher::close);
    }
}
