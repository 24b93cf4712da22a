package org.ntpguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.flow.FlowSink;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.topology.NtpTopology;

/**
 * Stage h: the detector's topology on a capture's flow batches, in one thread through Kafka Streams'
 * TopologyTestDriver: deserialisation, both window sides, the repartitions (in memory, serialised as on the broker),
 * the alert tracker and the blocklist; no broker, no network, no transactions. The batches are made once, before
 * the timed rounds, as the sensor makes them (one partition, 1 s intervals).
 */
final class DetectorStage {

    private final List<byte[]> batches = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();
    private long packets;
    private long flows;
    private long lastMillis;

    DetectorStage(final Path file, final long limit) throws IOException {
        final org.apache.kafka.common.serialization.Serializer<NtpFlowBatch> serializer =
                SingleObjectSerde.ntpFlowBatch().serializer();
        final FlowSink out = interval -> {
            for (final FlowBatches.Partitioned batch : FlowBatches.split("bench", interval, 1,
                    FlowBatches.DEFAULT_MAX_FLOWS_PER_BATCH)) {
                batches.add(serializer.serialize("ntp.flows", batch.batch()));
                timestamps.add(FlowBatches.timestamp(batch.batch()));
                flows += batch.batch().getFlows().size();
            }
        };
        final FlowCombiner combiner = new FlowCombiner(FlowCombiner.DEFAULT_INTERVAL, FlowCombiner.DEFAULT_MAX_FLOWS,
                out);
        packets = DecodeBenchmark.decodeEach(file, limit, new PacketDecoder(), new DecodedPacket(), packet -> {
            lastMillis = Math.max(lastMillis, packet.timestampNanos() / 1_000_000L);
            combiner.accept(packet);
        });
        combiner.flush(out);
    }

    long flows() {
        return flows;
    }

    /** Pipes every batch, then a heartbeat an hour on, through a new driver: returns the datagrams processed. */
    long run() throws IOException {
        final Path state = Files.createTempDirectory("ntpguard-bench-state");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ntpguard-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        final TopicNames topics = TopicNames.defaults();
        try (TopologyTestDriver driver = new TopologyTestDriver(NtpTopology.build(topics, DetectionConfig.defaults()),
                props)) {
            final TestInputTopic<byte[], byte[]> input = driver.createInputTopic(topics.flows(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            final byte[] key = "bench".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < batches.size(); i++) {
                input.pipeInput(key, batches.get(i), timestamps.get(i));
            }
            final SensorHeartbeat beat = SensorHeartbeat.newBuilder().setSensor("bench")
                    .setTs((lastMillis + 3_600_000L) * 1_000_000L).build();
            driver.createInputTopic(topics.heartbeats(), new ByteArraySerializer(), new ByteArraySerializer())
                    .pipeInput(key, SingleObjectSerde.sensorHeartbeat().serializer().serialize(topics.heartbeats(),
                            beat), lastMillis + 3_600_000L);
        } finally {
            try (Stream<Path> paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return packets;
    }
}
