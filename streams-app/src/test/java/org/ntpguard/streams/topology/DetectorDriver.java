package org.ntpguard.streams.topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * The production topology in a TopologyTestDriver, with the production topic names, fed NtpPacket records as a
 * sensor publishes them (key client address, timestamp capture time).
 */
final class DetectorDriver implements AutoCloseable {

    static final TopicNames TOPICS = TopicNames.defaults();
    /** The repartition topic carrying detections to the alert tracker. */
    static final String DETECTIONS_TOPIC = "ntpguard-test-detections-by-subject-repartition";

    private final TopologyTestDriver driver;
    private final TestInputTopic<Bytes, NtpPacket> packets;
    private final TestInputTopic<Bytes, SensorHeartbeat> heartbeats;
    private final TestOutputTopic<String, NtpAlert> alerts;
    private final TestOutputTopic<String, BlocklistEntry> blocklist;
    private final TestOutputTopic<String, NtpAlert> detections;
    private final TestInputTopic<String, NtpAlert> detectionInput;
    private long lastTimestampMillis;

    DetectorDriver(final DetectionConfig config, final Path stateDir) {
        this(config, stateDir, DetectorMetrics.none());
    }

    DetectorDriver(final DetectionConfig config, final Path stateDir, final DetectorMetrics metrics) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ntpguard-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(NtpTopology.build(TOPICS, config, 1, false, metrics), props);
        packets = driver.createInputTopic(TOPICS.packets(), Serdes.Bytes().serializer(),
                SingleObjectSerde.ntpPacket().serializer());
        heartbeats = driver.createInputTopic(TOPICS.heartbeats(), Serdes.Bytes().serializer(),
                SingleObjectSerde.sensorHeartbeat().serializer());
        alerts = driver.createOutputTopic(TOPICS.alerts(), Serdes.String().deserializer(),
                SingleObjectSerde.ntpAlert().deserializer());
        blocklist = driver.createOutputTopic(TOPICS.blocklist(), Serdes.String().deserializer(),
                SingleObjectSerde.blocklistEntry().deserializer());
        detections = driver.createOutputTopic(DETECTIONS_TOPIC, Serdes.String().deserializer(),
                SingleObjectSerde.ntpAlert().deserializer());
        detectionInput = driver.createInputTopic(DETECTIONS_TOPIC, Serdes.String().serializer(),
                SingleObjectSerde.ntpAlert().serializer());
    }

    void pipe(final NtpPacket packet) {
        final long millis = Math.floorDiv(packet.getTs(), 1_000_000L);
        lastTimestampMillis = Math.max(lastTimestampMillis, millis);
        packets.pipeInput(new TestRecord<Bytes, NtpPacket>(Bytes.wrap(bytes(packet.getClientAddr())), packet, java.time.Instant.ofEpochMilli(millis)));
    }

    void pipeAll(final List<NtpPacket> all) {
        final List<TestRecord<Bytes, NtpPacket>> records = new ArrayList<>(all.size());
        for (final NtpPacket packet : all) {
            final long millis = Math.floorDiv(packet.getTs(), 1_000_000L);
            lastTimestampMillis = Math.max(lastTimestampMillis, millis);
            records.add(new TestRecord<Bytes, NtpPacket>(Bytes.wrap(bytes(packet.getClientAddr())), packet, java.time.Instant.ofEpochMilli(millis)));
        }
        packets.pipeRecordList(records);
    }

    /** A sensor heartbeat at {@code millis}: moves event time on so that windows before it close. */
    void heartbeat(final long millis) {
        heartbeat(millis, List.of());
    }

    /** A heartbeat that names the sensor's last packet offset on each packets partition. */
    void heartbeat(final long millis, final List<Long> packetOffsets) {
        heartbeats.pipeInput(new TestRecord<Bytes, SensorHeartbeat>(Bytes.wrap(new byte[] {0}),
                new SensorHeartbeat("test", millis * 1_000_000L, packetOffsets),
                java.time.Instant.ofEpochMilli(millis)));
    }

    /** A heartbeat one hour after the last packet: every window closes. */
    void endOfCapture() {
        heartbeat(lastTimestampMillis + 3_600_000L);
    }

    /** Every alert record published so far, in order. */
    List<NtpAlert> alertRecords() {
        return alerts.readValuesToList();
    }

    /** The current blocklist: the last record per key, tombstones removing. */
    Map<String, BlocklistEntry> blocklist() {
        return blocklistInto(new LinkedHashMap<>());
    }

    /** Applies the blocklist records published since the last read to {@code table}, as a compacted topic would. */
    Map<String, BlocklistEntry> blocklistInto(final Map<String, BlocklistEntry> table) {
        for (final TestRecord<String, BlocklistEntry> record : blocklist.readRecordsToList()) {
            if (record.value() == null) {
                table.remove(record.key());
            } else {
                table.put(record.key(), record.value());
            }
        }
        return table;
    }

    /** The detections sent to the alert tracker so far (ticks included), as they crossed the repartition topic. */
    List<TestRecord<String, NtpAlert>> detectionRecords() {
        return detections.readRecordsToList();
    }

    /** Delivers a detection straight to the alert tracker's input. */
    void pipeDetection(final TestRecord<String, NtpAlert> detection) {
        detectionInput.pipeInput(detection);
    }

    TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }

    static String text(final java.nio.ByteBuffer address) {
        return IpText.append(new StringBuilder(), address).toString();
    }

    private static byte[] bytes(final java.nio.ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
