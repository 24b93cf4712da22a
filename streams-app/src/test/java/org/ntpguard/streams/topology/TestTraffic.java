package org.ntpguard.streams.topology;

import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    public static List<NtpPacket> scenario(final String file) throws java.io.IOException {
        return ScenarioTest.packets(file);
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

    public static ProducerRecord<byte[], byte[]> record(final String topic, final NtpPacket packet) {
        return Replay.record(topic, packet);
    }

    public static String text(final java.nio.ByteBuffer address) {
        return org.ntpguard.streams.detect.IpAddress.of(address.duplicate()).toString();
    }
}
