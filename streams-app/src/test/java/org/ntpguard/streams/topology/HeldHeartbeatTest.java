package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * On the test broker: a heartbeat that waits for a packet offset the packets partition never reaches is read and
 * committed, but has not closed the last windows. The detector is not caught up while it is held, and the heartbeat goes on
 * by itself after {@link HeartbeatGate#MAX_HOLD}, closing the windows.
 */
class HeldHeartbeatTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldNotBeCaughtUpWhileAHeartbeatIsHeldAndLetItGoAfterTheHold() throws Exception {
        final List<SensorFlows.Interval> flows = ScenarioTest.intervals("b_monlist_amplification.pcap");
        final TopicNames topics = Replay.uniqueTopics();
        final DetectorApp.Settings settings = new DetectorApp.Settings(SharedBroker.bootstrapServers(),
                "it-" + UUID.randomUUID(), stateDir, 1, topics, topics.packets() + ".dlq", 1, false, new Properties());
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DetectorApp app = new DetectorApp(settings, DetectionConfig.defaults(), registry)) {
            app.start(Duration.ofSeconds(60));
            final long end = Replay.lastMillis(flows) + 3_600_000L;
            try (KafkaProducer<byte[], byte[]> producer = Replay.producer(SharedBroker.bootstrapServers())) {
                Replay.send(producer, topics, flows);
                producer.flush();
                // Waits for an offset far past the last batch: as after a restart that forgot what it had read.
                producer.send(new ProducerRecord<>(topics.heartbeats(), 0, end, new byte[] {0},
                        SingleObjectSerde.sensorHeartbeat().serializer().serialize(topics.heartbeats(),
                                new SensorHeartbeat("test", end * 1_000_000L, List.of(),
                                        List.of(flows.size() + 1_000L))))).get();
            }
            final long started = System.nanoTime();

            assertThat(app.awaitCaughtUp(Duration.ofSeconds(10))).as("caught up while the heartbeat is held")
                    .isFalse();
            final double closedBefore = windowsClosed(registry);

            assertThat(app.awaitCaughtUp(HeartbeatGate.MAX_HOLD.multipliedBy(3))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(HeartbeatGate.MAX_HOLD
                    .minusSeconds(1));
            assertThat(windowsClosed(registry)).as("the last windows closed once it went on")
                    .isGreaterThan(closedBefore);
            assertThat(Replay.readAll(SharedBroker.bootstrapServers(), topics.alerts())).isNotEmpty();
        }
    }

    /** Client and server windows closed and evaluated so far. */
    private static double windowsClosed(final SimpleMeterRegistry registry) {
        return registry.find("ntpguard.windows.closed").counters().stream().mapToDouble(Counter::count).sum();
    }
}
