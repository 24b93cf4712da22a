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
import org.ntpguard.streams.allowlist.ChangeTopics;
import org.ntpguard.streams.allowlist.ListChange;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpIncident;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * The production topology in a TopologyTestDriver, with the production topic names, fed NtpFlowBatch records as a
 * sensor publishes them (key sensor name, timestamp the batch's latest lastSeen): batches made by the sensor's code
 * ({@link SensorFlows}), or datagrams ({@link Packets}) that this driver's own sensor ("s1") combines into flows and
 * sends on whenever an interval closes, and before every heartbeat and every look at outputs or stores.
 */
final class DetectorDriver implements AutoCloseable {

    static final TopicNames TOPICS = TopicNames.defaults();
    /** The repartition topic carrying detections to the alert tracker ({@link NtpTopology.Layout#REPARTITIONED}). */
    static final String DETECTIONS_TOPIC = "ntpguard-test-detections-by-subject-repartition";

    private final TopologyTestDriver driver;
    private final TestInputTopic<Bytes, NtpFlowBatch> flows;
    private final TestInputTopic<Bytes, SensorHeartbeat> heartbeats;
    private final TestOutputTopic<String, NtpAlert> alerts;
    private final TestOutputTopic<String, BlocklistEntry> blocklist;
    private final TestOutputTopic<String, NtpIncident> incidents;
    private final TestOutputTopic<String, NtpAlert> detections;
    private final TestInputTopic<String, NtpAlert> detectionInput;
    private final TestInputTopic<String, String> allowlist;
    private long lastTimestampMillis;
    private final SensorFlows.Sensor sensor = new SensorFlows.Sensor("s1");
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket decoded = new DecodedPacket();
    private long batchesPiped;

    DetectorDriver(final DetectionConfig config, final Path stateDir) {
        this(config, stateDir, DetectorMetrics.none());
    }

    DetectorDriver(final DetectionConfig config, final Path stateDir, final DetectorMetrics metrics) {
        this(config, stateDir, metrics, NtpTopology.Layout.ONE_TASK);
    }

    /** {@link NtpTopology.Layout#REPARTITIONED}: the detections go through {@link #DETECTIONS_TOPIC}. */
    DetectorDriver(final DetectionConfig config, final Path stateDir, final NtpTopology.Layout layout) {
        this(config, stateDir, DetectorMetrics.none(), layout);
    }

    private DetectorDriver(final DetectionConfig config, final Path stateDir, final DetectorMetrics metrics,
                           final NtpTopology.Layout layout) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ntpguard-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(NtpTopology.build(TOPICS, config, 1, false, metrics, layout), props);
        flows = driver.createInputTopic(TOPICS.flows(), Serdes.Bytes().serializer(),
                SingleObjectSerde.ntpFlowBatch().serializer());
        heartbeats = driver.createInputTopic(TOPICS.heartbeats(), Serdes.Bytes().serializer(),
                SingleObjectSerde.sensorHeartbeat().serializer());
        alerts = driver.createOutputTopic(TOPICS.alerts(), Serdes.String().deserializer(),
                SingleObjectSerde.ntpAlert().deserializer());
        blocklist = driver.createOutputTopic(TOPICS.blocklist(), Serdes.String().deserializer(),
                SingleObjectSerde.blocklistEntry().deserializer());
        incidents = driver.createOutputTopic(TOPICS.incidents(), Serdes.String().deserializer(),
                SingleObjectSerde.ntpIncident().deserializer());
        detections = driver.createOutputTopic(DETECTIONS_TOPIC, Serdes.String().deserializer(),
                SingleObjectSerde.ntpAlert().deserializer());
        detectionInput = driver.createInputTopic(DETECTIONS_TOPIC, Serdes.String().serializer(),
                SingleObjectSerde.ntpAlert().serializer());
        allowlist = driver.createInputTopic(ChangeTopics.beside(TOPICS).allowlist(), Serdes.String().serializer(),
                Serdes.String().serializer());
    }

    /** One datagram, captured by this driver's sensor: its flow goes on when its interval closes. */
    void pipe(final Packets.Datagram datagram) {
        try {
            sensor.accept(datagram.decode(decoder, decoded));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        pipeIntervals(sensor.take(false));
    }

    /** Sends on the flows this driver's sensor holds. */
    void flush() {
        pipeIntervals(sensor.take(true));
    }

    /** Intervals of flows, as batches of a one-partition flows topic. */
    void pipeIntervals(final List<SensorFlows.Interval> intervals) {
        pipeAll(SensorFlows.batches(intervals));
    }

    void pipe(final NtpFlowBatch batch) {
        flows.pipeInput(record(batch));
    }

    /** The batches in one go (a list of records, as a poll returns them). */
    void pipeAll(final List<NtpFlowBatch> batches) {
        final List<TestRecord<Bytes, NtpFlowBatch>> records = new ArrayList<>(batches.size());
        for (final NtpFlowBatch batch : batches) {
            records.add(record(batch));
        }
        flows.pipeRecordList(records);
    }

    private TestRecord<Bytes, NtpFlowBatch> record(final NtpFlowBatch batch) {
        final long millis = FlowBatches.timestamp(batch);
        lastTimestampMillis = Math.max(lastTimestampMillis, millis);
        batchesPiped++;
        return new TestRecord<>(Bytes.wrap(batch.getSensor().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                batch, java.time.Instant.ofEpochMilli(millis));
    }

    /** Batches piped so far: the next one's offset. */
    long batchesPiped() {
        return batchesPiped;
    }

    /** A sensor heartbeat at {@code millis}: moves event time on so that windows before it close. */
    void heartbeat(final long millis) {
        heartbeat(millis, List.of());
    }

    /** A heartbeat that names the sensor's last batch offset on each flows partition. */
    void heartbeat(final long millis, final List<Long> flowOffsets) {
        flush();
        heartbeats.pipeInput(new TestRecord<Bytes, SensorHeartbeat>(Bytes.wrap(new byte[] {0}),
                new SensorHeartbeat("test", millis * 1_000_000L, List.of(), flowOffsets),
                java.time.Instant.ofEpochMilli(millis)));
    }

    /** A heartbeat one hour after the last packet: every window closes. */
    void endOfCapture() {
        flush();
        heartbeat(lastTimestampMillis + 3_600_000L);
    }

    /** Every alert record published so far, in order. */
    List<NtpAlert> alertRecords() {
        flush();
        return alerts.readValuesToList();
    }

    /**
     * Every incident record published so far, in order, after a second of wall-clock time: what changed since stream
     * time last moved goes out then.
     */
    List<TestRecord<String, NtpIncident>> incidentRecords() {
        flush();
        driver.advanceWallClockTime(IncidentProcessor.FLUSH_INTERVAL);
        return incidents.readRecordsToList();
    }

    /** The current blocklist: the last record per key, tombstones removing. */
    Map<String, BlocklistEntry> blocklist() {
        return blocklistInto(new LinkedHashMap<>());
    }

    /** Applies the blocklist records published since the last read to {@code table}, as a compacted topic would. */
    Map<String, BlocklistEntry> blocklistInto(final Map<String, BlocklistEntry> table) {
        flush();
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
        flush();
        return detections.readRecordsToList();
    }

    /** An operator's change on the allowlist topic, stamped with the time it was made. */
    void pipe(final ListChange change) {
        allowlist.pipeInput(new TestRecord<>(change.key(), change.toJson(), java.time.Instant.ofEpochMilli(
                change.at())));
    }

    /** Withdraws an allowlisting: its tombstone. */
    void disallow(final String prefix, final long at) {
        allowlist.pipeInput(new TestRecord<String, String>(prefix, null, java.time.Instant.ofEpochMilli(at)));
    }

    /** Delivers a detection straight to the alert tracker's input. */
    void pipeDetection(final TestRecord<String, NtpAlert> detection) {
        detectionInput.pipeInput(detection);
    }

    TopologyTestDriver driver() {
        flush();
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }

    static String text(final java.nio.ByteBuffer address) {
        return IpText.append(new StringBuilder(), address).toString();
    }
}
