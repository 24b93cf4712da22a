package org.ntpguard.streams.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.AlertRole;
import org.ntpguard.streams.detect.AlertTracker;
import org.ntpguard.streams.detect.AlertType;
import org.ntpguard.streams.detect.Evidence;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PeerEvidence;
import org.ntpguard.streams.detect.Severity;

class IncidentBookTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofMinutes(15);
    private static final long T0 = 1_740_844_800_000L;
    private static final IpAddress VICTIM = IpAddress.parse("203.0.113.99");

    private final MapState state = new MapState();
    private final IncidentBook book = new IncidentBook(state, QUIET, WINDOW);

    @Test
    void shouldGroupAVictimAndItsReflectorsIntoOneIncidentWhenTheyNameIt() {
        accept(victimAlert(VICTIM, T0, 1725, 82_800));
        for (int i = 0; i < 500; i++) {
            accept(reflectorAlert(reflector(i), VICTIM, T0, 3, 144));
        }

        assertThat(state.incidents()).hasSize(1);
        final Incident incident = state.incident(VICTIM);
        assertThat(incident.reflectors()).hasSize(500);
        assertThat(incident.reflectorCount()).isEqualTo(500);
        assertThat(incident.alerts()).isEqualTo(501);
        assertThat(incident.severity()).isEqualTo(Severity.HIGH);
        // The reflectors' 1,500 packets are fewer than the victim counted: the larger is the attack's.
        assertThat(incident.traffic()).isEqualTo(new Incident.Traffic(1725, 82_800));
        assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
        assertThat(incident.id()).isEqualTo(IncidentBook.idOf(VICTIM, T0));
    }

    @Test
    void shouldPutAReflectorInTheIncidentOfEachVictimItNames() {
        final IpAddress other = IpAddress.parse("203.0.113.7");
        final Alert both = alert(AlertType.REFLECTOR, Severity.HIGH, reflector(1), AlertRole.REFLECTOR, T0,
                List.of(new PeerEvidence(VICTIM, 0, 0, 10, 4400), new PeerEvidence(other, 0, 0, 5, 2200)));

        for (final IpAddress victim : IncidentBook.route(both).victims()) {
            book.accept(victim, both);
        }

        assertThat(state.incidents()).extracting(Incident::victim).containsExactlyInAnyOrder(VICTIM, other);
        assertThat(state.incident(other).traffic()).isEqualTo(new Incident.Traffic(5, 2200));
    }

    @Test
    void shouldHoldAMonlistServerUntilItsVictimsIncidentOpensWhenItComesFirst() {
        final Alert monlist = alert(AlertType.MONLIST_ABUSE, Severity.HIGH, reflector(1), AlertRole.REFLECTOR, T0,
                List.of(new PeerEvidence(VICTIM, 10, 80, 200, 88_000)));

        assertThat(accept(monlist)).isEmpty();
        accept(victimAlert(VICTIM, T0, 6450, 2_751_024));

        assertThat(state.incident(VICTIM).monlistServers()).extracting(Incident.ServerTraffic::server)
                .containsExactly(reflector(1));
        assertThat(state.incident(VICTIM).alerts()).isEqualTo(2);
    }

    @Test
    void shouldOpenNoIncidentWhenOnlyAServerAnsweringAProberNamesIt() {
        final IpAddress prober = IpAddress.parse("203.0.113.200");
        accept(alert(AlertType.EXPOSED_CONTROL, Severity.INFO, reflector(1), AlertRole.SERVER, T0,
                List.of(new PeerEvidence(prober, 1, 12, 1, 400))));
        accept(alert(AlertType.MONLIST_ABUSE, Severity.MEDIUM, reflector(2), AlertRole.REFLECTOR, T0,
                List.of(new PeerEvidence(prober, 1, 8, 5, 2200))));
        accept(alert(AlertType.KOD_IGNORED, Severity.MEDIUM, prober, AlertRole.CLIENT, T0, List.of()));

        assertThat(state.incidents()).isEmpty();
        assertThat(book.closeQuiet(T0 + QUIET.toMillis() + WINDOW.toMillis() * 2)).isEmpty();
        assertThat(state.heldCount()).isZero();
    }

    @Test
    void shouldAttachAScannerSeenBeforeTheAttackWhenItAskedOneOfItsReflectors() {
        final IpAddress scanner = IpAddress.parse("203.0.113.200");
        final IpAddress unrelated = IpAddress.parse("203.0.113.201");
        accept(alert(AlertType.SCANNER, Severity.MEDIUM, scanner, AlertRole.SCANNER, T0 - 600_000,
                List.of(new PeerEvidence(reflector(3), 1, 12, 1, 400))));
        accept(alert(AlertType.MONLIST_ABUSE, Severity.MEDIUM, unrelated, AlertRole.PROBER, T0 - 600_000,
                List.of(new PeerEvidence(reflector(99), 2, 16, 0, 0))));

        accept(victimAlert(VICTIM, T0, 1725, 82_800));
        accept(reflectorAlert(reflector(3), VICTIM, T0, 3, 144));

        assertThat(state.incident(VICTIM).scanners()).containsExactly(scanner);
        // The scan is not the attack: its time does not move the incident's start.
        assertThat(state.incident(VICTIM).start()).isEqualTo(T0 + 1);
    }

    @Test
    void shouldCloseAQuietIncidentAndOpenANewOneWhenTheVictimIsAttackedAgain() {
        accept(victimAlert(VICTIM, T0, 100, 44_000));

        assertThat(book.closeQuiet(T0 + QUIET.toMillis())).isEmpty();
        final List<Incident> closed = book.closeQuiet(T0 + WINDOW.toMillis() + QUIET.toMillis());
        final long later = T0 + Duration.ofHours(2).toMillis();
        accept(victimAlert(VICTIM, later, 10, 4_400));

        assertThat(closed).singleElement().satisfies(incident -> {
            assertThat(incident.status()).isEqualTo(IncidentStatus.CLOSED);
            assertThat(incident.updates()).isEqualTo(1);
        });
        assertThat(state.incident(VICTIM).id()).isNotEqualTo(closed.get(0).id());
        assertThat(state.incident(VICTIM).start()).isEqualTo(later + 1);
    }

    @Test
    void shouldTakeThePeakFromTheWindowThatAddedTheMostWhenAnAlertIsUpdated() {
        final Alert first = victimAlert(VICTIM, T0, 100, 30_000);
        final Alert second = AlertTracker.apply(first, new org.ntpguard.streams.detect.Detection(
                AlertType.AMPLIFICATION_VICTIM, Severity.HIGH, VICTIM, AlertRole.VICTIM, false,
                T0 + 30_000, T0 + 60_000, T0 + 30_001, T0 + 59_000,
                new Evidence(0, 0, 300, 90_000, Double.POSITIVE_INFINITY, 1, List.of(), Map.of()), List.of(), ""),
                Duration.ofMinutes(15));
        final Alert third = AlertTracker.apply(second, new org.ntpguard.streams.detect.Detection(
                AlertType.AMPLIFICATION_VICTIM, Severity.HIGH, VICTIM, AlertRole.VICTIM, false,
                T0 + 60_000, T0 + 90_000, T0 + 60_001, T0 + 89_000,
                new Evidence(0, 0, 10, 3_000, Double.POSITIVE_INFINITY, 1, List.of(), Map.of()), List.of(), ""),
                Duration.ofMinutes(15));

        accept(first);
        accept(second);
        accept(third);

        final Incident incident = state.incident(VICTIM);
        assertThat(incident.traffic()).isEqualTo(new Incident.Traffic(410, 123_000));
        assertThat(incident.peakWindow()).isEqualTo(new Incident.WindowTraffic(T0 + 30_000,
                new Incident.Traffic(300, 90_000)));
        assertThat(incident.peakBytesPerSecond(WINDOW.toMillis())).isEqualTo(3_000.0);
        assertThat(incident.alerts()).isEqualTo(1);
        assertThat(incident.updates()).isEqualTo(2);
        assertThat(incident.end()).isEqualTo(T0 + 89_000);
    }

    private List<Incident> accept(final Alert alert) {
        final IncidentBook.Routing routing = IncidentBook.route(alert);
        final List<Incident> changed = new ArrayList<>();
        if (routing.byServersAsked()) {
            changed.addAll(book.accept(null, alert));
        }
        for (final IpAddress victim : routing.victims()) {
            changed.addAll(book.accept(victim, alert));
        }
        return changed;
    }

    private static IpAddress reflector(final int i) {
        return IpAddress.parse("198.18." + i / 250 + "." + (i % 250 + 1));
    }

    private static Alert victimAlert(final IpAddress victim, final long windowStart, final long responses,
                                     final long bytes) {
        return new Alert(AlertTracker.idOf(AlertType.AMPLIFICATION_VICTIM, victim, windowStart),
                AlertType.AMPLIFICATION_VICTIM, Severity.HIGH, victim, AlertRole.VICTIM, false, windowStart,
                windowStart + WINDOW.toMillis(), windowStart + 1, windowStart + WINDOW.toMillis() - 1,
                new Evidence(0, 0, responses, bytes, Double.POSITIVE_INFINITY, 500, List.of(), Map.of()),
                List.of("s"), "victim", 0);
    }

    private static Alert reflectorAlert(final IpAddress server, final IpAddress victim, final long windowStart,
                                        final long responses, final long bytes) {
        return alert(AlertType.REFLECTOR, Severity.HIGH, server, AlertRole.REFLECTOR, windowStart,
                List.of(new PeerEvidence(victim, 0, 0, responses, bytes)));
    }

    private static Alert alert(final AlertType type, final Severity severity, final IpAddress subject,
                               final AlertRole role, final long windowStart, final List<PeerEvidence> peers) {
        final long responses = peers.stream().mapToLong(PeerEvidence::responses).sum();
        final long bytes = peers.stream().mapToLong(PeerEvidence::responseBytes).sum();
        return new Alert(AlertTracker.idOf(type, subject, windowStart), type, severity, subject, role, false,
                windowStart, windowStart + WINDOW.toMillis(), windowStart + 1, windowStart + WINDOW.toMillis() - 1,
                new Evidence(0, 0, responses, bytes, Double.POSITIVE_INFINITY, peers.size(), peers, Map.of()),
                List.of("s"), type + " " + subject, 0);
    }
}
