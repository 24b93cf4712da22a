package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * On a real broker: a detector stopped in the middle of a replay and started again (with its local state, or with
 * none, rebuilt from the changelogs) publishes exactly the alerts and blocklist of an uninterrupted run; and a replay
 * over several partitions at full speed finds what one partition finds.
 */
class RestartAndPartitionsTest {

    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    @TempDir
    Path stateDir;

    private final DetectionConfig config = ScenarioTest.scenarioConfig();

    /**
     * Unsolicited reflection with KoDs, then a client ignoring KoD: alerts updated over several windows. Two
     * sensors' flows, merged in time.
     */
    private static List<SensorFlows.Interval> flows() throws Exception {
        return SensorFlows.byTime(ScenarioTest.intervals("e_unsolicited_responses.pcap"),
                ScenarioTest.intervals("c_kod_storm.pcap"));
    }

    private static DetectorApp.Settings settings(final TopicNames topics, final Path stateDir, final String appId,
                                                 final int partitions) {
        return new DetectorApp.Settings(SharedBroker.bootstrapServers(), appId, stateDir, 1, topics,
                topics.packets() + ".dlq", partitions, false, new Properties());
    }

    @ParameterizedTest(name = "local state kept: {0}")
    @ValueSource(booleans = {true, false})
    void shouldLoseAndDuplicateNothingWhenRestartedInTheMiddleOfAReplay(final boolean keepLocalState)
            throws Exception {
        final List<SensorFlows.Interval> flows = flows();
        final TopicNames straight = Replay.uniqueTopics();
        try (DetectorApp app = new DetectorApp(settings(straight, stateDir.resolve("straight"),
                "it-" + UUID.randomUUID(), 1), config)) {
            app.start(Duration.ofSeconds(60));
            Replay.publish(SharedBroker.bootstrapServers(), straight, flows);
            assertThat(app.awaitCaughtUp(CATCH_UP)).as("caught up").isTrue();
        }

        final TopicNames restarted = Replay.uniqueTopics();
        final String appId = "it-" + UUID.randomUUID();
        final Path firstState = stateDir.resolve("first");
        final int half = flows.size() / 2;
        try (KafkaProducer<byte[], byte[]> producer = Replay.producer(SharedBroker.bootstrapServers())) {
            try (DetectorApp first = new DetectorApp(settings(restarted, firstState, appId, 1), config)) {
                first.start(Duration.ofSeconds(60));
                Replay.send(producer, restarted, flows.subList(0, half));
                producer.flush();
                assertThat(first.awaitCaughtUp(CATCH_UP)).as("first half caught up").isTrue();
            }
            final Path secondState = keepLocalState ? firstState : stateDir.resolve("second-empty");
            try (DetectorApp second = new DetectorApp(settings(restarted, secondState, appId, 1), config)) {
                second.start(Duration.ofSeconds(60));
                Replay.send(producer, restarted, flows.subList(half, flows.size()));
                producer.flush();
                Replay.endOfCapture(producer, restarted, Replay.lastMillis(flows));
                assertThat(second.awaitCaughtUp(CATCH_UP)).as("second half caught up").isTrue();
            }
            if (!keepLocalState) {
                assertThat(Files.exists(stateDir.resolve("second-empty").resolve(appId))).isTrue();
            }
        }

        final List<NtpAlert> expected = alerts(straight);
        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(alerts(restarted)).isEqualTo(expected);
        assertThat(blocklist(restarted)).isNotEmpty().isEqualTo(blocklist(straight));
    }

    @Test
    void shouldFindOverThreePartitionsWhatOnePartitionFinds() throws Exception {
        final List<SensorFlows.Interval> flows = SensorFlows.byTime(
                ScenarioTest.intervals("b_monlist_amplification.pcap"), ScenarioTest.intervals("c_kod_storm.pcap"),
                ScenarioTest.intervals("e_unsolicited_responses.pcap"), ScenarioTest.intervals("d_mode6_scan.pcap"));

        final TopicNames one = Replay.uniqueTopics();
        try (DetectorApp app = new DetectorApp(settings(one, stateDir.resolve("one"), "it-" + UUID.randomUUID(), 1),
                config)) {
            app.start(Duration.ofSeconds(60));
            Replay.publish(SharedBroker.bootstrapServers(), one, flows);
            assertThat(app.awaitCaughtUp(CATCH_UP)).as("one partition caught up").isTrue();
        }
        final TopicNames three = Replay.uniqueTopics();
        try (DetectorApp app = new DetectorApp(settings(three, stateDir.resolve("three"),
                "it-" + UUID.randomUUID(), 3), config)) {
            app.start(Duration.ofSeconds(60));
            Replay.publish(SharedBroker.bootstrapServers(), three, flows);
            assertThat(app.awaitCaughtUp(CATCH_UP)).as("three partitions caught up").isTrue();
        }

        final TreeSet<String> expected = typeSubjectRole(alerts(one));
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(typeSubjectRole(alerts(three))).isEqualTo(expected);
        assertThat(blocklist(three).keySet()).isEqualTo(blocklist(one).keySet());
    }

    private static TreeSet<String> typeSubjectRole(final List<NtpAlert> alerts) {
        final TreeSet<String> set = new TreeSet<>();
        for (final NtpAlert alert : alerts) {
            set.add(alert.getType() + " " + DetectorDriver.text(alert.getSubject()) + " " + alert.getRole());
        }
        return set;
    }

    private static List<NtpAlert> alerts(final TopicNames topics) {
        return Replay.readAll(SharedBroker.bootstrapServers(), topics.alerts()).stream()
                .map(record -> SingleObjectSerde.ntpAlert().deserializer().deserialize(topics.alerts(),
                        record.value()))
                .sorted(Comparator.comparing((NtpAlert a) -> a.getId().toString())
                        .thenComparingLong(NtpAlert::getUpdates))
                .toList();
    }

    /** The blocklist table from its compacted topic: the last value per key, tombstones removing. */
    private static Map<String, String> blocklist(final TopicNames topics) {
        final Map<String, String> table = new TreeMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : Replay.readAll(SharedBroker.bootstrapServers(),
                topics.blocklist())) {
            final String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                table.remove(key);
            } else {
                final BlocklistEntry entry = SingleObjectSerde.blocklistEntry().deserializer()
                        .deserialize(topics.blocklist(), record.value());
                table.put(key, entry.getReason() + " " + entry.getAlertIds() + " " + entry.getExpiresAt());
            }
        }
        return table;
    }
}
