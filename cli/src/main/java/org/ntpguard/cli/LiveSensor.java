package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Properties;
import org.ntpguard.capture.live.CaptureStats;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.PublishStats;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;

/**
 * A sensor on a live interface, for {@code sensor --interface} and {@code run}: captures, decodes and publishes
 * until {@link #stop()}. The capture never waits for Kafka: a full queue drops and counts
 * ({@link FlowPublisher.Overflow#DROP}); a heartbeat a second moves the detector's event time on.
 */
final class LiveSensor {

    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    private final String command;
    private final LiveCaptureReader reader;
    private final Producer<byte[], byte[]> producer;
    private final FlowPublisher publisher;
    private final CaptureSession session;
    private final DecodeStats stats;

    private LiveSensor(final String command, final LiveCaptureReader reader, final Producer<byte[], byte[]> producer,
                       final FlowPublisher publisher, final CaptureSession session, final DecodeStats stats) {
        this.command = command;
        this.reader = reader;
        this.producer = producer;
        this.publisher = publisher;
        this.session = session;
        this.stats = stats;
    }

    /**
     * Opens the interface and the publisher; capturing starts with {@link #capture()}.
     *
     * @param stats the counters {@code session} writes
     * @return the sensor, or null after one line on stderr saying why the interface could not be opened
     */
    static LiveSensor open(final String command, final String interfaceName, final String filter,
                           final LiveCaptureTuning tuning, final Properties producerConfig, final String sensorName,
                           final SensorTopics topics, final FlowOptions flowOptions, final int queue,
                           final CaptureSession session, final DecodeStats stats, final PrintWriter err) {
        final LiveCaptureReader reader = LiveInput.open(command, interfaceName, filter, tuning, err);
        return reader == null ? null
                : publishing(command, reader, producerConfig, sensorName, topics, flowOptions, queue, session, stats);
    }

    /** A sensor on an interface already open ({@link LiveInput#open}); it owns the reader from now on. */
    static LiveSensor publishing(final String command, final LiveCaptureReader reader,
                                 final Properties producerConfig, final String sensorName, final SensorTopics topics,
                                 final FlowOptions flowOptions, final int queue, final CaptureSession session,
                                 final DecodeStats stats) {
        final Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig);
        final FlowPublisher publisher = new FlowPublisher(producer, sensorName, topics, queue,
                FlowPublisher.Overflow.DROP, HEARTBEAT_INTERVAL, flowOptions);
        return new LiveSensor(command, reader, producer, publisher, session, stats);
    }

    /** {@code capturing on lo (link type ..., filter: ...)}. */
    String describe() {
        return LiveInput.describe(reader);
    }

    FlowPublisher publisher() {
        return publisher;
    }

    /** The publisher's producer, for its client metrics. */
    Producer<byte[], byte[]> producer() {
        return producer;
    }

    /** The open interface, for libpcap's drop counters. */
    LiveCaptureReader reader() {
        return reader;
    }

    /** Captures and publishes until {@link #stop()}. */
    void capture() throws IOException {
        session.run(reader, publisher, Long.MAX_VALUE);
    }

    /** What Ctrl-C does: stops capturing; {@link #capture()} returns. Any thread. */
    void stop() {
        reader.close();
    }

    /**
     * After {@link #capture()}: publishes what the queue holds and flushes the producer (at most
     * {@link FlowPublisher#DEFAULT_CLOSE_TIMEOUT}), then writes the decode, publish and libpcap figures on stderr.
     *
     * @return whether every datagram was published (none dropped, failed or left unsent)
     */
    boolean finish(final PrintWriter err) throws IOException {
        final CaptureStats captured = reader.stats();
        publisher.close();
        final PublishStats published = publisher.stats();
        err.println("ntpguard " + command + ": " + stats.summary() + "; " + published.summary());
        err.println("ntpguard " + command + ": libpcap received " + captured.received() + ", dropped by kernel "
                + captured.droppedByKernel() + ", dropped by interface " + captured.droppedByInterface());
        err.flush();
        return complete(published);
    }

    /** Releases the interface and the producer at once; after {@link #finish} it has nothing left to do. */
    void release() {
        reader.close();
        publisher.close(Duration.ZERO);
    }

    static boolean complete(final PublishStats published) {
        return published.dropped() == 0 && published.sendErrorCount() == 0 && published.unsent() == 0;
    }
}
