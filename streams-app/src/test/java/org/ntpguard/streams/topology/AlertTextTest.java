package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.topology.Packets.T0;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.NtpAlert;

/**
 * What the alert records on {@code ntp.alerts} say of a client that polls through RATE kisses for two windows:
 * through the production topology, so that the text and the evidence are checked as a reader of the topic sees them.
 */
class AlertTextTest {

    private static final String CLIENT = "192.0.2.77";
    private static final String SERVER = "198.51.100.123";

    @TempDir
    Path stateDir;

    /** One request a second for {@code seconds}; the server answers the first 3, then kisses every other request. */
    private static List<NtpAlert> kodStorm(final Path stateDir, final int seconds) {
        try (DetectorDriver driver = new DetectorDriver(ScenarioTest.scenarioConfig(), stateDir)) {
            for (int s = 0; s < seconds; s++) {
                driver.pipe(Packets.clientRequest(T0 + 1_000L * s, CLIENT, SERVER));
                if (s < 3) {
                    driver.pipe(Packets.serverResponse(T0 + 1_000L * s + 10, SERVER, CLIENT, null));
                } else if (s % 2 == 1) {
                    driver.pipe(Packets.serverResponse(T0 + 1_000L * s + 10, SERVER, CLIENT, "RATE"));
                }
            }
            driver.endOfCapture();
            return driver.alertRecords();
        }
    }

    @Test
    void shouldNameTheClientAsTopPeerInTheKissingServersAlertRecord() {
        final List<NtpAlert> alerts = kodStorm(stateDir, 30);

        final NtpAlert server = alerts.stream().filter(a -> a.getRole() == AlertRole.SERVER).findFirst()
                .orElseThrow();
        assertThat(DetectorDriver.text(server.getSubject())).isEqualTo(SERVER);
        assertThat(server.getTopPeers()).extracting(p -> DetectorDriver.text(p.getPeer())).containsExactly(CLIENT);
    }

    @Test
    void shouldSummariseTheNewTotalsAndSpanWhenTheSecondWindowUpdatesTheAlert() {
        // given: two 30 s windows of the same storm
        final List<NtpAlert> alerts = kodStorm(stateDir, 60);

        // when: the client's alert as first raised and as last updated
        final List<NtpAlert> client = alerts.stream().filter(a -> a.getRole() == AlertRole.CLIENT).toList();
        final NtpAlert first = client.get(0);
        final NtpAlert updated = client.get(client.size() - 1);

        // then: the first speaks of its 30 s, the update of both windows' 60 requests over 60 s
        assertThat(first.getUpdates()).isZero();
        assertThat(first.getSummary()).startsWith(CLIENT + " sent 30 requests to " + SERVER + " in 30 s");
        assertThat(updated.getUpdates()).isEqualTo(1);
        assertThat(updated.getRequests()).isEqualTo(60);
        assertThat(updated.getSummary()).startsWith(CLIENT + " over 60 s: sent 60 requests (2,880 bytes), received "
                + updated.getResponses() + " responses")
                .contains("; latest window: " + CLIENT + " sent 30 requests to " + SERVER + " in 30 s");
    }
}
