package org.ntpguard.cli.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.text.TimeText;

/** Alerts posted to a real Alertmanager (Debian's prometheus-alertmanager) and read back through its v2 API. */
class AlertmanagerTargetTest {

    private static final Duration COOLDOWN = Duration.ofMinutes(15);

    @TempDir
    Path dir;

    @Test
    void shouldShowTheAlertWithItsLabelsAnnotationsTimesAndLink() throws Exception {
        try (AlertmanagerServer alertmanager = AlertmanagerServer.start(dir)) {
            // given
            final long now = System.currentTimeMillis();
            final NtpAlert alert = TestAlerts.victim("3f1c0a9e-1", "192.0.2.77", now, 0);
            final AlertmanagerTarget target = new AlertmanagerTarget(alertmanager.url(), COOLDOWN,
                    () -> "http://detector.example:8080/hosts/");

            // when
            target.deliver(alert);
            final JsonNode alerts = alertmanager.alerts();

            // then
            assertThat(alerts).hasSize(1);
            final JsonNode shown = alerts.get(0);
            assertThat(shown.path("labels").properties()).hasSize(4);
            assertThat(shown.path("labels").path("alertname").asText()).isEqualTo("AMPLIFICATION_VICTIM");
            assertThat(shown.path("labels").path("severity").asText()).isEqualTo("high");
            assertThat(shown.path("labels").path("subject").asText()).isEqualTo("192.0.2.77");
            assertThat(shown.path("labels").path("role").asText()).isEqualTo("victim");
            assertThat(shown.path("annotations").path("summary").asText()).isEqualTo(alert.getSummary());
            assertThat(shown.path("annotations").path("id").asText()).isEqualTo("3f1c0a9e-1");
            assertThat(shown.path("annotations").path("responseBytes").asText()).isEqualTo("440000");
            assertThat(shown.path("annotations").path("topPeers").asText())
                    .isEqualTo("203.0.113.50 10 requests (80 B) 1000 responses (440000 B)");
            assertThat(shown.path("startsAt").asText()).isEqualTo(TimeText.isoMillis(alert.getFirstSeen()));
            assertThat(shown.path("endsAt").asText()).isEqualTo(TimeText.isoMillis(now + COOLDOWN.toMillis()));
            assertThat(shown.path("generatorURL").asText()).isEqualTo("http://detector.example:8080/hosts/192.0.2.77");
            assertThat(shown.path("status").path("state").asText()).isEqualTo("active");
        }
    }

    @Test
    void shouldKeepOneAlertWhoseEndEachUpdateMovesOn() throws Exception {
        try (AlertmanagerServer alertmanager = AlertmanagerServer.start(dir)) {
            // given
            final long now = System.currentTimeMillis();
            final AlertmanagerTarget target = new AlertmanagerTarget(alertmanager.url(), COOLDOWN, () -> null);

            // when
            target.deliver(TestAlerts.victim("3f1c0a9e-2", "2001:db8::77", now - 60_000, 0));
            target.deliver(TestAlerts.victim("3f1c0a9e-2", "2001:db8::77", now, 1));
            final JsonNode alerts = alertmanager.alerts();

            // then
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).path("labels").path("subject").asText()).isEqualTo("2001:db8::77");
            assertThat(alerts.get(0).path("annotations").path("updates").asText()).isEqualTo("1");
            assertThat(alerts.get(0).path("endsAt").asText()).isEqualTo(TimeText.isoMillis(now
                    + COOLDOWN.toMillis()));
            assertThat(alerts.get(0).has("generatorURL")).isFalse();
        }
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttp() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AlertmanagerTarget("alertmanager:9093",
                COOLDOWN, () -> null)).hasMessage("--alertmanager: alertmanager:9093 (expected: "
                + "http://HOST[:PORT][/PATH] or https)");
    }
}
