package org.ntpguard.capture.publish;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A mock producer that knows the sensor's default topics (one partition each) and acknowledges every send. */
public final class MockSensorProducer {

    private MockSensorProducer() {
    }

    public static MockProducer<byte[], byte[]> create() {
        final Node node = new Node(0, "localhost", 9092);
        final SensorTopics topics = SensorTopics.defaults();
        final List<PartitionInfo> partitions = Stream.of(topics.flows(), topics.packets(), topics.heartbeats())
                .map(topic -> new PartitionInfo(topic, 0, node, new Node[] {node}, new Node[] {node}))
                .toList();
        return new MockProducer<>(new Cluster("test", List.of(node), partitions, Set.of(), Set.of()), true, null,
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
