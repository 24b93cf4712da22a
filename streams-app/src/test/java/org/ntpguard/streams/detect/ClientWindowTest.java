package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.detect.Traffic.T0;
import static org.ntpguard.streams.detect.Traffic.ip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntpguard.streams.serde.ClientWindowCodec;

class ClientWindowTest {

    private static final String CLIENT = "192.0.2.77";
    private static final String SERVER = "198.51.100.123";

    @Test
    void shouldCountBothDirectionsAndCodesWhenFed() {
        final Traffic t = new Traffic();
        t.exchange(T0, CLIENT, SERVER).readvar(T0 + 1, CLIENT, SERVER).monlistRequest(T0 + 2, CLIENT, SERVER, 8)
                .monlistResponse(T0 + 3, CLIENT, SERVER).kod(T0 + 4, CLIENT, SERVER, "DENY")
                .add(T0 + 5, CLIENT, SERVER, PacketEvent.Kind.OTHER, 1, 48, -1, -1, null, false);

        final ClientWindow w = t.clientWindow(CLIENT);

        assertThat(w.requests()).isEqualTo(3);
        assertThat(w.requestBytes()).isEqualTo(48 + 12 + 8);
        assertThat(w.responses()).isEqualTo(3);
        assertThat(w.responseBytes()).isEqualTo(48 + 440 + 48);
        assertThat(w.monlistRequests()).isEqualTo(1);
        assertThat(w.monlistResponses()).isEqualTo(1);
        assertThat(w.controlOpcodes()).isEqualTo(1L << 2);
        assertThat(w.requestCodesLow()).isEqualTo(1L << PacketEvent.MON_GETLIST_1);
        assertThat(w.requestCodesHigh()).isZero();
        assertThat(w.kissCodes()).containsExactly(java.util.Map.entry("DENY", 1L));
        assertThat(w.firstSeen()).isEqualTo(T0);
        assertThat(w.lastSeen()).isEqualTo(T0 + 20);
        assertThat(w.distinctServersAsked()).isEqualTo(1);
        assertThat(w.distinctControlServersAsked()).isEqualTo(1);
        final ClientPeer peer = w.find(ip(SERVER)).orElseThrow();
        assertThat(peer.kods()).isEqualTo(1);
        assertThat(peer.rateKods()).isZero();
        assertThat(peer.mode6Requests()).isEqualTo(1);
        assertThat(peer.mode7Requests()).isEqualTo(1);
    }

    @Test
    void shouldSetMode7RequestCodeBitsWhenAsked() {
        final Traffic t = new Traffic();
        t.monlistRequest(T0, CLIENT, SERVER, 8).add(T0, CLIENT, SERVER, PacketEvent.Kind.REQUEST, 7, 8, -1, 100,
                null, false);

        final ClientWindow w = t.clientWindow(CLIENT);

        assertThat(w.requestCodesLow()).isEqualTo(1L << 42);
        assertThat(w.requestCodesHigh()).isEqualTo(1L << 36);
    }

    @Test
    void shouldCountRequestsAfterTheEarliestRateKodWhateverTheProcessingOrder() {
        // Scenario c at small scale: 1 Hz polling, a RATE KoD at 3.5 s, 16 requests stamped after it (as many as
        // a peer remembers: the count is exact in any order up to there, a lower bound beyond).
        final Traffic t = new Traffic();
        for (int i = 0; i < 20; i++) {
            t.request(T0 + i * 1_000L, CLIENT, SERVER);
        }
        t.kod(T0 + 3_500, CLIENT, SERVER, "RATE").kod(T0 + 5_500, CLIENT, SERVER, "RATE");
        final List<PacketEvent> events = new ArrayList<>(t.events());

        final List<Long> counts = new ArrayList<>();
        final Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            Collections.shuffle(events, random);
            final ClientWindow w = new ClientWindow();
            events.forEach(w::add);
            counts.add(w.find(ip(SERVER)).orElseThrow().requestsAfterRateKod());
        }

        assertThat(counts).containsOnly((long) ClientPeer.PENDING_REQUEST_TIMES);
    }

    @Test
    void shouldCountALowerBoundWhenMoreThanTheRememberedRequestsPrecedeALateKod() {
        final ClientWindow w = new ClientWindow();
        for (int i = 0; i < 40; i++) {
            w.add(request(T0 + 10_000 + i));
        }
        w.add(new PacketEvent(T0, ip(CLIENT), ip(SERVER), PacketEvent.Kind.RESPONSE, 4, 48, -1, -1, "RATE", false,
                "s"));

        assertThat(w.find(ip(SERVER)).orElseThrow().requestsAfterRateKod())
                .isEqualTo(ClientPeer.PENDING_REQUEST_TIMES);
    }

    @Test
    void shouldEqualOneWindowWhenTwoHalvesAreMerged() {
        final Traffic t = new Traffic();
        for (int i = 0; i < 30; i++) {
            t.exchange(T0 + i * 1_000L, CLIENT, "198.18.0." + (i % 7 + 1));
        }
        t.kod(T0 + 3_500, CLIENT, "198.18.0.1", "RATE");
        final List<PacketEvent> events = t.events();
        final ClientWindow whole = new ClientWindow();
        events.forEach(whole::add);
        final ClientWindow first = new ClientWindow();
        final ClientWindow second = new ClientWindow();
        for (int i = 0; i < events.size(); i++) {
            (i % 2 == 0 ? first : second).add(events.get(i));
        }

        final ClientWindow merged = second.merge(first);

        assertThat(ClientWindowCodec.encode(merged)).isEqualTo(ClientWindowCodec.encode(whole));
    }

    @Test
    void shouldStayBoundedWhenFloodedFromRandomSources() {
        final Random random = new Random(7);
        final ClientWindow w = new ClientWindow();
        final java.util.Set<Long> sources = new java.util.HashSet<>();
        while (sources.size() < 200_000) {
            final long source = random.nextInt() & 0xFFFF_FFFFL;
            if (sources.add(source)) {
                w.add(new PacketEvent(T0 + sources.size() / 10, ip(CLIENT), new IpAddress(0, source, false),
                        PacketEvent.Kind.RESPONSE, 4, 48, -1, -1, null, false, "s"));
            }
        }

        assertThat(w.peers()).hasSize(DetectionConfig.defaults().peerTableCap());
        assertThat(w.responses()).isEqualTo(200_000);
        assertThat(w.overflowResponses()).isEqualTo(200_000 - 1024);
        assertThat(ClientWindowCodec.encode(w).length).isLessThan(200_000);
        assertThat((double) w.distinctServersAnswering()).isCloseTo(200_000, org.assertj.core.data.Percentage
                .withPercentage(5));
    }

    private static PacketEvent request(final long t) {
        return new PacketEvent(t, ip(CLIENT), ip(SERVER), PacketEvent.Kind.REQUEST, 3, 48, -1, -1, null, false, "s");
    }
}
