package org.ntpguard.cli.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.Severity;

class AlertPayloadTest {

    @Test
    void shouldPushTheAlertsEcsDocumentWithTheVictimAsDestination() throws Exception {
        final long t0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
        final ByteBuffer victim = ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 66});
        final ByteBuffer reflector = ByteBuffer.wrap(new byte[] {(byte) 198, 51, 100, 7});
        final NtpAlert alert = NtpAlert.newBuilder().setId("b9c97678-7c3c-30b2-91c6-a3881444d301").setType(AlertType.AMPLIFICATION_VICTIM)
                .setSeverity(Severity.HIGH).setSubject(victim).setRole(AlertRole.VICTIM).setUnsolicited(false)
                .setWindowStart(t0).setWindowEnd(t0 + 30_000).setFirstSeen(t0 + 1_500).setLastSeen(t0 + 29_000)
                .setRequests(10L).setRequestBytes(80L).setResponses(100L).setResponseBytes(44_000L)
                .setByteRatio(550.0).setDistinctPeers(1L)
                .setTopPeers(List.of(new PeerTraffic(reflector, 10L, 80L, 100L, 44_000L))).setKissCodes(Map.of())
                .setSensors(List.of("lab")).setSummary("203.0.113.66 is flooded").build();

        final JsonNode document = new ObjectMapper().readTree(AlertPayload.ecs().json(alert));

        assertThat(document.path("event").path("kind").asText()).isEqualTo("alert");
        assertThat(document.path("rule").path("id").asText()).isEqualTo("AMPLIFICATION_VICTIM");
        assertThat(document.path("destination").path("ip").asText()).isEqualTo("203.0.113.66");
        assertThat(document.path("@timestamp").asText()).isEqualTo("2026-11-22T10:00:29.000Z");
        assertThat(document.path("message").asText()).isEqualTo("203.0.113.66 is flooded");
    }
}
