package org.ntpguard.cli.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.NtpAlert;

/** A webhook behind a real HTTP server that fails: retried with backoff, refused once, said once. */
class WebhookDeliveryTest {

    private static final RetryPolicy QUICK = new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private AlertDelivery delivery(final String url) {
        return new AlertDelivery(List.of(new WebhookTarget(url, AlertPayload.alertFields())), 100, QUICK,
                Duration.ofMinutes(1), registry, log::add);
    }

    private double counter(final String name) {
        return registry.get(name).tag("target", "webhook").counter().count();
    }

    @Test
    void shouldRetryAWebhookThatFailsItsFirstAttemptsUntilItAccepts() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n <= 2 ? 503 : 204, "busy")) {
            // given
            final NtpAlert alert = TestAlerts.victim("9a1-1", "192.0.2.77", 1_740_837_600_000L, 2);

            // when: closing waits until the queue is empty
            try (AlertDelivery delivery = delivery(receiver.url("/ntp"))) {
                delivery.offer(alert);
            }

            // then
            assertThat(receiver.requests()).hasSize(3);
            final WebhookReceiver.Request accepted = receiver.requests().get(2);
            assertThat(accepted.path()).isEqualTo("/ntp");
            assertThat(accepted.contentType()).isEqualTo("application/json");
            assertThat(accepted.alertId()).isEqualTo("9a1-1");
            assertThat(accepted.alertUpdate()).isEqualTo("2");
            assertThat(accepted.body()).isEqualTo(AlertPayload.alertFields().json(alert));
            assertThat(counter("ntpguard.alert.deliveries")).isEqualTo(1);
            assertThat(counter("ntpguard.alert.delivery.failures")).isZero();
            // no line per failed attempt: only the summary at the stop
            assertThat(log).containsExactly("webhook " + receiver.url("/ntp")
                    + ": 1 alert update(s) delivered, 0 failed, 0 dropped");
        }
    }

    @Test
    void shouldGiveUpOnARefusalAtOnceCountEachAndSayItOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 400, "unknown field\n  \"severity\"")) {
            // when
            try (AlertDelivery delivery = delivery(receiver.url("/"))) {
                delivery.offer(TestAlerts.victim("9a1-2", "192.0.2.1", 1_740_837_600_000L, 0));
                delivery.offer(TestAlerts.victim("9a1-3", "192.0.2.2", 1_740_837_600_000L, 0));
                delivery.offer(TestAlerts.victim("9a1-4", "192.0.2.3", 1_740_837_600_000L, 0));
            }

            // then: a 4xx is not retried
            assertThat(receiver.requests()).hasSize(3);
            assertThat(counter("ntpguard.alert.delivery.failures")).isEqualTo(3);
            assertThat(log).hasSize(2);
            assertThat(log.get(0)).isEqualTo("webhook " + receiver.url("/") + ": alert 9a1-2 (update 0) not "
                    + "delivered after 1 attempt(s): HTTP 400: unknown field \"severity\"; further failures are "
                    + "counted (ntpguard_alert_delivery_failures_total), said again when the error changes");
            assertThat(log.get(1)).endsWith(": 0 alert update(s) delivered, 3 failed, 0 dropped");
        }
    }

    @Test
    void shouldSendEachUpdateOfAnAlertOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> 200, "")) {
            // when: update 0, delivered; then update 0 again, update 1, and update 0 once more
            try (AlertDelivery delivery = delivery(receiver.url("/"))) {
                delivery.offer(TestAlerts.victim("9a1-5", "192.0.2.5", 1_740_837_600_000L, 0));
                receiver.awaitRequests(1);
                delivery.offer(TestAlerts.victim("9a1-5", "192.0.2.5", 1_740_837_600_000L, 0));
                delivery.offer(TestAlerts.victim("9a1-5", "192.0.2.5", 1_740_837_630_000L, 1));
                delivery.offer(TestAlerts.victim("9a1-5", "192.0.2.5", 1_740_837_600_000L, 0));
            }

            // then
            assertThat(receiver.requests()).extracting(WebhookReceiver.Request::alertUpdate).containsExactly("0", "1");
        }
    }
}
