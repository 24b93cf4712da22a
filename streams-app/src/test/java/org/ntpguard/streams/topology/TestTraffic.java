package org.ntpguard.streams.topology;

import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;

/** The topology package's test material for tests in other packages: scenarios, the shared broker, replay. */
public final class TestTraffic {

    private TestTraffic() {
    }

    public static DetectionConfig scenarioConfig() {
        return ScenarioTest.scenarioConfig();
    }

    /** The scenario's packets in timestamp order: what expectations are computed from. */
    public static List<NtpPacket> scenario(final String file) throws java.io.IOException {
        return ScenarioTest.packets(file);
    }

    /**
     * Sends the flows of the scenario's first {@code packets} datagrams as one sensor ("test") makes and publishes
     * them, each batch to its client's partition; no heartbeat.
     */
    public static void sendScenarioPrefix(final KafkaProducer<byte[], byte[]> producer, final TopicNames topics,
                                          final String file, final long packets) throws java.io.IOException {
        Replay.send(producer, topics, SensorFlows.prefix(org.ntpguard.capture.SharedMaterial.scenarios()
                .resolve(file), "test", packets));
    }

    /** Sends the flows of the whole scenario as one sensor ("test") does, then its end-of-replay heartbeat. */
    public static void sendScenario(final KafkaProducer<byte[], byte[]> producer, final TopicNames topics,
                                    final String file) throws Exception {
        final List<SensorFlows.Interval> flows = SensorFlows.capture(org.ntpguard.capture.SharedMaterial.scenarios()
                .resolve(file), "test");
        Replay.send(producer, topics, flows);
        Replay.endOfCapture(producer, topics, Replay.lastMillis(flows));
    }

    public static TopicNames uniqueTopics() {
        return Replay.uniqueTopics();
    }

    public static String bootstrapServers() {
        return SharedBroker.bootstrapServers();
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        return Replay.producer(SharedBroker.bootstrapServers());
    }


    public static String text(final java.nio.ByteBuffer address) {
        return org.ntpguard.streams.detect.IpAddress.of(address.duplicate()).toString();
    }
}
