package org.ntpguard.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.ntpguard.capture.publish.BrokerProbe;
import org.ntpguard.capture.publish.FlowPublisher;

/**
 * When a sensor says it is ready ({@code /health/ready}): it captures (or replays), its broker answers, and, live,
 * its publish queue is at most half full. A live capture drops packets once that queue is full, so a queue that
 * keeps filling means the broker does not take the flows as fast as they come; a replay waits for room instead, and a
 * full queue there is the normal pace of a replay.
 */
final class SensorReadiness {

    /** How long a readiness check waits for the broker: well under a health check's own timeout. */
    static final Duration BROKER_TIMEOUT = Duration.ofSeconds(2);

    private final String bootstrapServers;
    private final Properties clientConfig;
    private volatile FlowPublisher publisher;
    private volatile boolean live;
    private volatile Capture capture = Capture.NOT_STARTED;

    /** Where the capture is. */
    enum Capture {
        NOT_STARTED("capture not started"),
        RUNNING(null),
        ENDED("capture ended");

        private final String reason;

        Capture(final String reason) {
            this.reason = reason;
        }
    }

    /** @param clientConfig the producer's settings (bootstrap servers, security), for the broker check */
    SensorReadiness(final String bootstrapServers, final Properties clientConfig) {
        this.bootstrapServers = bootstrapServers;
        this.clientConfig = clientConfig;
    }

    /** The capture runs from now on, publishing through {@code publisher}; {@code live}: it drops when full. */
    void capturing(final FlowPublisher publisher, final boolean live) {
        this.publisher = publisher;
        this.live = live;
        this.capture = Capture.RUNNING;
    }

    /** The capture has stopped (asked to, or failed): the sensor only flushes from here on. */
    void ended() {
        capture = Capture.ENDED;
    }

    /** Why the sensor should not be relied on now, or empty when it can; asks the broker (at most 2 s). */
    Optional<String> notReady() {
        final Capture now = capture;
        if (now != Capture.RUNNING) {
            return Optional.of(now.reason);
        }
        final FlowPublisher current = publisher;
        return notReady(now, BrokerProbe.reachable(clientConfig, BROKER_TIMEOUT), bootstrapServers,
                current.queued(), current.capacity(), live);
    }

    /**
     * @param brokerAnswers whether the broker answered a request just now, at {@code bootstrapServers}
     * @param queued        items in the publish queue now, of {@code capacity}
     * @param live          whether the capture drops when the queue is full (else it waits: no queue bound)
     */
    static Optional<String> notReady(final Capture capture, final boolean brokerAnswers,
                                     final String bootstrapServers, final int queued, final int capacity,
                                     final boolean live) {
        if (capture != Capture.RUNNING) {
            return Optional.of(capture.reason);
        }
        if (!brokerAnswers) {
            return Optional.of("broker " + bootstrapServers + " did not answer within " + BROKER_TIMEOUT.toSeconds()
                    + " s");
        }
        if (live && queued > capacity / 2) {
            return Optional.of("publish queue " + queued + " of " + capacity + " items (ready at " + capacity / 2
                    + " or less)");
        }
        return Optional.empty();
    }
}
