package org.ntpguard.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.capture.flow.Packets;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.cli.report.TopicReader;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * A replay beside live detection on one cluster, on the real broker: the replay of a 2015 capture and of a scenario
 * goes to a namespace of its own with its own detector (as {@code sensor --namespace} and {@code detect --namespace}
 * do), while a live sensor keeps sending traffic stamped with the wall clock: the live detector raises the live
 * alert, drops nothing as late, and sees nothing of the case; the case's detector raises the case's alerts.
 */
class ReplayIsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void shouldGoOnDetectingLiveTrafficWhileAnOldCaptureIsReplayedInItsOwnNamespace() throws Exception {
        final String bootstrap = TestBroker.bootstrapServers();
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String live = "live-" + run;
        final String replayed = "case-" + run;
        final Properties short_ = new Properties();
        // Short windows, so that the live alert comes out within seconds of its traffic.
        short_.setProperty("ntpguard.window.size", "5s");
        short_.setProperty("ntpguard.window.grace", "1s");
        final DetectionConfig config = DetectionConfig.fromProperties(short_);
        final SimpleMeterRegistry liveMeters = new SimpleMeterRegistry();
        try (DetectorApp liveDetector = new DetectorApp(settings(bootstrap, live), config, liveMeters);
             DetectorApp caseDetector = new DetectorApp(settings(bootstrap, replayed), DetectionConfig.defaults())) {
            liveDetector.start(WAIT);
            caseDetector.start(WAIT);
            try (FlowPublisher liveSensor = FlowPublisher.create(FlowPublisher.producerConfig(bootstrap,
                    new Properties()), "live", SensorTopics.defaults().inNamespace(live),
                    FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.DROP, Duration.ofSeconds(1),
                    FlowOptions.defaults());
                 InterleavedSensors caseSensor = new InterleavedSensors(bootstrap,
                         SensorTopics.defaults().inNamespace(replayed), "case")) {
                final Packets packets = new Packets();
                // Stamped from the next 5 s window's start on, so that all of it falls in one window (the live
                // heartbeats, on the wall clock, close it about 6 s later).
                final long now = Math.floorDiv(System.currentTimeMillis(), 5_000L) * 5_000L + 5_000L;
                // Live: a client that goes on asking after a RATE kiss, 20 times within two seconds.
                liveSensor.accept(packets.request("192.0.2.50", "198.51.100.1", now));
                liveSensor.accept(packets.rateKiss("198.51.100.1", "192.0.2.50", now + 10));
                // Meanwhile the case: a real monlist reflection of 2015 and the amplification scenario of 2025,
                // ending with the replay's heartbeat an hour past its last packet.
                caseSensor.replay(SharedMaterial.captures().resolve("ndpi/NTPv2.pcap"),
                        SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap")).finish();
                for (int i = 0; i < 20; i++) {
                    liveSensor.accept(packets.request("192.0.2.50", "198.51.100.1", now + 100 + 50L * i));
                }

                final Map<String, NtpAlert> liveAlerts = awaitAlert(bootstrap, TopicNames.defaults()
                        .inNamespace(live).alerts(), "KOD_IGNORED/192.0.2.50");
                assertThat(liveAlerts).containsKey("KOD_IGNORED/192.0.2.50");
                assertThat(liveAlerts.get("KOD_IGNORED/192.0.2.50").getRequests()).isEqualTo(21);
                assertThat(liveAlerts.values()).allSatisfy(alert -> assertThat(IpText.append(new StringBuilder(),
                        alert.getSubject()).toString()).isIn("192.0.2.50", "198.51.100.1"));
                assertThat(liveMeters.find("ntpguard.late.flows").counters()).hasSize(2)
                        .allSatisfy(late -> assertThat(late.count()).isZero());
            }
            assertThat(caseDetector.awaitCaughtUp(WAIT)).isTrue();
            final Map<String, NtpAlert> caseAlerts = TopicReader.table(TopicReader.readAll(bootstrap,
                    TopicNames.defaults().inNamespace(replayed).alerts(), SingleObjectSerde.ntpAlert().deserializer(),
                    Duration.ofSeconds(30)));
            assertThat(caseAlerts).containsKeys("MONLIST_ABUSE/208.104.95.10", "AMPLIFICATION_VICTIM/203.0.113.66");
            assertThat(caseAlerts.keySet()).noneMatch(key -> key.endsWith("/192.0.2.50"));
        }
    }

    private DetectorApp.Settings settings(final String bootstrap, final String namespace) {
        return new DetectorApp.Settings(bootstrap, namespace + ".ntpguard-detector", dir.resolve(namespace), 1,
                TopicNames.defaults().inNamespace(namespace), namespace + ".ntp.dead-letters", 1, true,
                new Properties());
    }

    private static Map<String, NtpAlert> awaitAlert(final String bootstrap, final String topic, final String key)
            throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, NtpAlert> alerts = Map.of();
        while (System.nanoTime() < deadline) {
            alerts = TopicReader.table(TopicReader.readAll(bootstrap, topic,
                    SingleObjectSerde.ntpAlert().deserializer(), Duration.ofSeconds(10)));
            if (alerts.containsKey(key)) {
                return alerts;
            }
            Thread.sleep(1_000);
        }
        return alerts;
    }
}
