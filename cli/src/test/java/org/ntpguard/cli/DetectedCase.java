package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * A real capture (a 2015 monlist reflection) and two scenarios whose subjects are blocklisted by default (a client
 * ignoring RATE kisses, reflectors answering nobody's requests) through a real {@code ntpguard sensor
 * --publish-packets} and a detector on the test broker, in a namespace of its own: every topic then holds records
 * ntpguard wrote, alerts and blocklist entries among them.
 */
final class DetectedCase {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private DetectedCase() {
    }

    /**
     * @param kafka the detector's pass-through Kafka settings ({@code detect --config})
     * @return the topics, all written and processed
     */
    static TopicNames run(final String prefix, final Path stateDir, final Properties kafka) throws Exception {
        final String bootstrap = TestBroker.bootstrapServers();
        final String namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        final TopicNames topics = TopicNames.defaults().inNamespace(namespace);
        try (DetectorApp detector = new DetectorApp(new DetectorApp.Settings(bootstrap,
                namespace + ".ntpguard-detector", stateDir, 1, topics, namespace + ".ntp.dead-letters", 1, true,
                kafka), DetectionConfig.defaults())) {
            detector.start(WAIT);
            final CommandRun sensor = new CommandRun();
            final int status = sensor.run("sensor", "--read",
                    SharedMaterial.captures().resolve("ndpi/NTPv2.pcap").toString(),
                    SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString(),
                    SharedMaterial.scenarios().resolve("e_unsolicited_responses.pcap").toString(),
                    "--bootstrap-servers", bootstrap, "--namespace", namespace, "--sensor", prefix,
                    "--publish-packets", "--no-http");
            assertThat(status).as(sensor.err.toString()).isZero();
            assertThat(detector.awaitCaughtUp(WAIT)).isTrue();
        }
        return topics;
    }
}
