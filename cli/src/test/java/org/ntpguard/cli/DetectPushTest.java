package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.deliver.AlertmanagerServer;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.Severity;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.app.DetectorApp;

/**
 * {@code detect --alertmanager} in a JVM of its own on the test broker: an alert committed to its alerts topic reaches
 * a real Alertmanager, linked to the detector's own /hosts/{address}; one of an aborted transaction does not.
 */
class DetectPushTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Pattern METRICS_AT = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");

    @TempDir
    Path dir;

    private static NtpAlert alert(final String id, final byte[] subject, final long lastSeen) {
        return NtpAlert.newBuilder().setId(id).setType(AlertType.SCANNER).setSeverity(Severity.MEDIUM)
                .setSubject(ByteBuffer.wrap(subject)).setRole(AlertRole.SCANNER).setWindowStart(lastSeen - 30_000)
                .setWindowEnd(lastSeen).setFirstSeen(lastSeen - 29_000).setLastSeen(lastSeen).setRequests(150)
                .setRequestBytes(7_200).setResponses(0).setResponseBytes(0).setDistinctPeers(150)
                .setSummary("scanned 150 servers").build();
    }

    @Test
    void shouldPushWhatDetectCommitsToAlertmanagerLinkedToItsHostsPage() throws Exception {
        try (AlertmanagerServer alertmanager = AlertmanagerServer.start(Files.createDirectory(dir.resolve("am")))) {
            // given: detect running, its delivery consumer in its group
            final String namespace = TestBroker.uniqueTopic("push");
            final ChildCli detect = ChildCli.start(dir, List.of(), List.of(), null, "detect", "--bootstrap-servers",
                    TestBroker.bootstrapServers(), "--namespace", namespace, "--partitions", "1", "--http-port", "0",
                    "--state-dir", dir.resolve("state").toString(), "--alertmanager", alertmanager.url());
            detect.await("ntpguard detect: blocklist feeds at");
            final Matcher metrics = METRICS_AT.matcher(detect.log());
            assertThat(metrics.find()).as(detect.log()).isTrue();
            awaitAssigned(namespace + "." + DetectorApp.DEFAULT_APPLICATION_ID + "-delivery");

            // when: one alert aborted, one committed, on the detector's alerts topic
            final String topic = namespace + ".ntp.alerts";
            final long now = System.currentTimeMillis();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, namespace + "-test"), new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(record(topic, alert("aborted", new byte[] {(byte) 192, 0, 2, 1}, now)));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(record(topic, alert("committed", new byte[] {(byte) 192, 0, 2, 2}, now)));
                producer.commitTransaction();
            }
            final JsonNode alerts = awaitAlerts(alertmanager);
            detect.signal("INT");

            // then
            assertThat(detect.exitStatus()).as(detect.log()).isEqualTo(ExitCodes.OK);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).path("annotations").path("id").asText()).isEqualTo("committed");
            assertThat(alerts.get(0).path("labels").path("alertname").asText()).isEqualTo("SCANNER");
            assertThat(alerts.get(0).path("labels").path("severity").asText()).isEqualTo("medium");
            assertThat(alerts.get(0).path("generatorURL").asText())
                    .isEqualTo("http://127.0.0.1:" + metrics.group(1) + "/hosts/192.0.2.2");
            assertThat(detect.log()).contains("ntpguard detect: pushing alerts to alertmanager " + alertmanager.url())
                    .doesNotContain("not delivered").doesNotContain("Exception");
        }
    }

    private static ProducerRecord<String, byte[]> record(final String topic, final NtpAlert alert) {
        return new ProducerRecord<>(topic, "SCANNER/" + alert.getId(),
                SingleObjectSerde.ntpAlert().serializer().serialize(topic, alert));
    }

    /** Waits until the group's member has its partition: a new group starts at the topic's end. */
    private static void awaitAssigned(final String group) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestBroker.bootstrapServers()))) {
            while (System.nanoTime() < deadline) {
                final ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                        .describedGroups().get(group).get();
                if (description.members().stream().map(MemberDescription::assignment)
                        .anyMatch(assignment -> !assignment.topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the delivery consumer of group " + group + " never got its partition");
    }

    /** Alertmanager's alerts once it has one, or none after two minutes. */
    private static JsonNode awaitAlerts(final AlertmanagerServer alertmanager) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode alerts = alertmanager.alerts();
        while (alerts.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            alerts = alertmanager.alerts();
        }
        return alerts;
    }
}
