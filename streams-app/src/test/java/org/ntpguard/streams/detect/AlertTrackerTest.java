package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ntpguard.streams.detect.Traffic.T0;
import static org.ntpguard.streams.detect.Traffic.ip;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTrackerTest {

    private static final Duration COOLDOWN = Duration.ofMinutes(15);
    private static final long WINDOW = 30_000;
    private static final IpAddress SCANNER = ip("203.0.113.200");

    @Test
    void shouldStartANewAlertWithADeterministicIdWhenThereIsNone() {
        final Alert alert = AlertTracker.apply(null, detection(0, Severity.MEDIUM, 100, "a"), COOLDOWN);
        final Alert again = AlertTracker.apply(null, detection(0, Severity.MEDIUM, 100, "a"), COOLDOWN);

        assertThat(alert.id()).isEqualTo(again.id())
                .isEqualTo(AlertTracker.idOf(AlertType.SCANNER, SCANNER, T0))
                .isNotEqualTo(AlertTracker.idOf(AlertType.SCANNER, SCANNER, T0 + WINDOW))
                .isNotEqualTo(AlertTracker.idOf(AlertType.KOD_IGNORED, SCANNER, T0));
        assertThat(alert.updates()).isZero();
        assertThat(alert.evidence().requests()).isEqualTo(100);
    }

    @Test
    void shouldUpdateThePreviousAlertWhenWithinTheCooldown() {
        final Alert first = AlertTracker.apply(null, detection(0, Severity.MEDIUM, 100, "a"), COOLDOWN);

        final Alert updated = AlertTracker.apply(first, detection(10, Severity.HIGH, 50, "b"), COOLDOWN);

        assertThat(updated.id()).isEqualTo(first.id());
        assertThat(updated.updates()).isEqualTo(1);
        assertThat(updated.severity()).isEqualTo(Severity.HIGH);
        assertThat(updated.windowStart()).isEqualTo(T0);
        assertThat(updated.windowEnd()).isEqualTo(T0 + 11 * WINDOW);
        assertThat(updated.firstSeen()).isEqualTo(T0 + 1_000);
        assertThat(updated.lastSeen()).isEqualTo(T0 + 10 * WINDOW + 29_000);
        assertThat(updated.evidence().requests()).isEqualTo(150);
        assertThat(updated.evidence().requestBytes()).isEqualTo(150 * 48);
        assertThat(updated.evidence().responseBytes()).isEqualTo(150 * 480);
        assertThat(updated.evidence().byteRatio()).isEqualTo(10.0);
        assertThat(updated.evidence().distinctPeers()).isEqualTo(100);
        assertThat(updated.evidence().kissCodes()).containsEntry("RATE", 2L);
        assertThat(updated.evidence().topPeers()).hasSize(2)
                .first().satisfies(p -> assertThat(p.requests()).isEqualTo(20));
        assertThat(updated.sensors()).containsExactly("a", "b");
        assertThat(updated.summary()).endsWith("; latest window: window 10");
    }

    @Test
    void shouldSummariseTheTotalsAndSpanOfTheAlertWhenASecondWindowUpdatesIt() {
        // given: the first window's detection, 100 requests in 30 s
        final Alert first = AlertTracker.apply(null, detection(0, Severity.MEDIUM, 100, "a"), COOLDOWN);

        // when: the next window of the same scan, 50 more requests
        final Alert updated = AlertTracker.apply(first, detection(1, Severity.MEDIUM, 50, "a"), COOLDOWN);

        // then: the summary counts both windows, over their 60 s, then quotes the newest window's own text
        assertThat(first.summary()).isEqualTo("window 0");
        assertThat(updated.summary()).isEqualTo("203.0.113.200 over 60 s: sent 150 requests (7,200 bytes), "
                + "received 150 responses (72,000 bytes, 10×), with at least 100 servers; latest window: window 1");
    }

    @Test
    void shouldCountFromTheServersSideWhenTheSubjectAnswers() {
        final Detection d = detection(0, Severity.INFO, 10, "a");
        final Detection server = new Detection(AlertType.KOD_IGNORED, d.severity(), d.subject(), AlertRole.SERVER,
                false, d.windowStart(), d.windowEnd(), d.firstSeen(), d.lastSeen(), d.evidence(), d.sensors(),
                d.summary());
        final Detection later = new Detection(server.type(), server.severity(), server.subject(), server.role(),
                false, d.windowStart() + 4 * WINDOW, d.windowEnd() + 4 * WINDOW, d.firstSeen() + 4 * WINDOW,
                d.lastSeen() + 4 * WINDOW, d.evidence(), d.sensors(), "window 4");

        final Alert updated = AlertTracker.apply(AlertTracker.apply(null, server, COOLDOWN), later, COOLDOWN);

        assertThat(updated.summary()).startsWith("203.0.113.200 over 150 s: received 20 requests (960 bytes), "
                + "sent 20 responses (9,600 bytes, 10×), with at least 10 clients; latest window: window 4");
    }

    @Test
    void shouldStartANewAlertWhenTheCooldownHasPassed() {
        final Alert first = AlertTracker.apply(null, detection(0, Severity.MEDIUM, 100, "a"), COOLDOWN);
        // Last seen T0 + 29 s; a detection whose first packet comes more than 15 min later starts over.
        final int windows = (int) ((COOLDOWN.toMillis() + 29_000) / WINDOW) + 1;

        final Alert next = AlertTracker.apply(first, detection(windows, Severity.MEDIUM, 10, "a"), COOLDOWN);

        assertThat(next.id()).isNotEqualTo(first.id());
        assertThat(next.updates()).isZero();
        assertThat(next.evidence().requests()).isEqualTo(10);
    }

    @Test
    void shouldKeepTheHigherSeverityAndOrTheUnsolicitedFlagWhenUpdated() {
        final Alert first = AlertTracker.apply(null, detection(0, Severity.HIGH, 100, "a"), COOLDOWN);
        final Detection lower = detection(1, Severity.LOW, 1, "a");
        final Detection unsolicitedLow = new Detection(lower.type(), lower.severity(), lower.subject(), lower.role(),
                true, lower.windowStart(), lower.windowEnd(), lower.firstSeen(), lower.lastSeen(), lower.evidence(),
                lower.sensors(), lower.summary());

        final Alert updated = AlertTracker.apply(first, unsolicitedLow, COOLDOWN);

        assertThat(updated.severity()).isEqualTo(Severity.HIGH);
        assertThat(updated.summary()).startsWith("203.0.113.200 over 60 s: sent 101 requests");
        assertThat(updated.unsolicited()).isTrue();
    }

    @Test
    void shouldRefuseToMergeWhenTheSubjectDiffers() {
        final Alert first = AlertTracker.apply(null, detection(0, Severity.HIGH, 100, "a"), COOLDOWN);
        final Detection d = detection(1, Severity.HIGH, 1, "a");
        final Detection other = new Detection(d.type(), d.severity(), ip("192.0.2.1"), d.role(), false,
                d.windowStart(), d.windowEnd(), d.firstSeen(), d.lastSeen(), d.evidence(), d.sensors(), d.summary());

        assertThatThrownBy(() -> AlertTracker.apply(first, other, COOLDOWN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("192.0.2.1");
    }

    /** A SCANNER detection in the n-th window after T0, packets from 1 s to 29 s into it. */
    private static Detection detection(final int window, final Severity severity, final long requests,
                                       final String sensor) {
        final long start = T0 + window * WINDOW;
        final List<PeerEvidence> top = List.of(new PeerEvidence(ip("198.18.0.1"), 10, 480, 10, 4_800),
                new PeerEvidence(ip("198.18.0." + (2 + window)), 1, 48, 1, 480));
        final Evidence evidence = new Evidence(requests, requests * 48, requests, requests * 480, 10, requests,
                top, Map.of("RATE", 1L));
        return new Detection(AlertType.SCANNER, severity, SCANNER, AlertRole.SCANNER, false, start, start + WINDOW,
                start + 1_000, start + 29_000, evidence, List.of(sensor), "window " + window);
    }
}
