package org.ntpguard.cli.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * Delivery reads the alerts topic on the test broker as the detector writes it, in transactions: what an aborted
 * transaction wrote is never pushed, and an update published twice is pushed once.
 */
class CommittedAlertsTest {

    private static ProducerRecord<String, byte[]> record(final String topic, final NtpAlert alert) {
        return new ProducerRecord<>(topic, alert.getType() + "/" + alert.getId(),
                SingleObjectSerde.ntpAlert().serializer().serialize(topic, alert));
    }

    @Test
    void shouldPushOnlyCommittedAlertsAndEachUpdateOnce() throws Exception {
        // given: an aborted transaction, then a committed one with an update twice
        final String topic = TestBroker.uniqueTopic("ntp.alerts");
        TestBroker.createTopics(topic, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-test"), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(topic, TestAlerts.victim("aborted", "192.0.2.1", 1_740_837_600_000L, 0)));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record(topic, TestAlerts.victim("committed", "192.0.2.2", 1_740_837_600_000L, 0)));
            producer.send(record(topic, TestAlerts.victim("committed", "192.0.2.2", 1_740_837_600_000L, 0)));
            producer.send(record(topic, TestAlerts.victim("committed", "192.0.2.2", 1_740_837_630_000L, 1)));
            producer.commitTransaction();
        }

        try (WebhookReceiver receiver = new WebhookReceiver(n -> 200, "")) {
            // when: closing reads on to the topic's end and waits for the queue
            try (AlertDelivery delivery = new AlertDelivery(
                    List.of(new WebhookTarget(receiver.url("/"), AlertPayload.alertFields())), 100,
                    RetryPolicy.DEFAULT, Duration.ofMinutes(1), new SimpleMeterRegistry(), line -> { })) {
                delivery.follow(TestBroker.bootstrapServers(), new Properties(), topic, null);
            }

            // then: update 0 and 1, or 1 alone when it replaced 0 in the queue
            assertThat(receiver.requests()).extracting(r -> r.alertId() + "/" + r.alertUpdate())
                    .isIn(List.of("committed/0", "committed/1"), List.of("committed/1"));
        }
    }
}
