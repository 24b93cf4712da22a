package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.detect.Traffic.T0;
import static org.ntpguard.streams.detect.Traffic.WINDOW_END;
import static org.ntpguard.streams.detect.Traffic.ip;
import static org.ntpguard.streams.detect.Traffic.reflector;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.streams.serde.ClientWindowCodec;

/**
 * Traffic as real networks make it, with client ports as sensors count them (issue 11): hosts behind a NAT, chrony
 * taking a new port per request, a Kiss-o'-Death to one host of many, a flood spoofed from random ports, a monlist
 * prober. One flow per datagram, each with its port, added to one 30 s window.
 */
class RealNetworkDetectionTest {

    private static final String NAT = "192.0.2.200";
    private static final String OUTSIDER = "203.0.113.66";
    private static final String SERVER = "198.51.100.10";
    private static final int NAT_PORTS = 1_024;

    private final ClientWindow window = new ClientWindow();

    @Test
    void shouldRaiseNothingWhenFourHundredHostsBehindOneAddressPollFourServersEvery64Seconds() {
        natPolling(400);

        assertThat(window.requests()).as("about 25 requests a second").isBetween(740L, 760L);
        assertThat(detect(NAT)).isEmpty();
    }

    @Test
    void shouldRaiseFastPollNotKodIgnoredWhenOneHostBehindTheNatPollsEverySecond() {
        natPolling(400);
        for (int i = 0; i < 30; i++) {
            request(T0 + i * 1_000L + 500, NAT, SERVER, 9_999);
        }

        assertThat(Traffic.keys(detect(NAT))).containsExactly("FAST_POLL CLIENT LOW " + NAT);
        assertThat(Blocklist.block(alert(detect(NAT).get(0)), null, DetectionConfig.defaults())).isEmpty();
    }

    @Test
    void shouldDrawTheLineForAClientTakingANewPortPerRequestAtTheAddressThreshold() {
        // Chrony behind a NAT: every request from a port of its own, so only the address's total can tell.
        final long limit = DetectionConfig.defaults().fastPollMinAddressRequests();
        for (int i = 0; i < limit - 1; i++) {
            request(T0 + i * 25L, NAT, SERVER, NAT_PORTS + i);
        }
        assertThat(detect(NAT)).isEmpty();

        request(WINDOW_END - 1, NAT, SERVER, 65_000);
        assertThat(Traffic.keys(detect(NAT))).containsExactly("FAST_POLL CLIENT LOW " + NAT);
    }

    @Test
    void shouldNotCallTheNatKodIgnoredWhenOnlyOneOfItsPortsWasKissed() {
        request(T0, NAT, SERVER, 5_000);
        rateKod(T0 + 20, NAT, SERVER, 5_000);
        for (int i = 0; i < 10; i++) {
            request(T0 + 1_000 + i * 100L, NAT, SERVER, 6_000 + i);
        }
        assertThat(Traffic.keys(detect(NAT))).isEmpty();

        for (int i = 0; i < 5; i++) {
            request(T0 + 5_000 + i * 1_000L, NAT, SERVER, 5_000);
        }
        assertThat(Traffic.keys(detect(NAT))).containsExactly("KOD_IGNORED CLIENT MEDIUM " + NAT,
                "KOD_IGNORED SERVER INFO " + SERVER);
    }

    @Test
    void shouldJudgeAWindowRestoredFromItsStoreBytesAsTheOneKept() {
        natPolling(400);
        request(T0, NAT, SERVER, 5_000);
        rateKod(T0 + 20, NAT, SERVER, 5_000);
        for (int i = 0; i < 25; i++) {
            request(T0 + 1_000 + i * 1_000L, NAT, SERVER, 5_000);
        }
        final byte[] bytes = ClientWindowCodec.encode(window);

        final ClientWindow restored = ClientWindowCodec.decode(bytes);

        assertThat(ClientWindowCodec.encode(restored)).isEqualTo(bytes);
        assertThat(restored.distinctRequestPorts()).isEqualTo(ClientWindow.PORT_SAMPLE);
        assertThat(restored.find(ip(SERVER))).hasValueSatisfying(p -> {
            assertThat(p.busiestPortRequests()).isEqualTo(26);
            assertThat(p.kissedPorts()).containsExactly(5_000);
        });
        assertThat(Traffic.keys(ClientDetector.evaluate(ip(NAT), T0, WINDOW_END, restored,
                DetectionConfig.defaults()))).isEqualTo(Traffic.keys(detect(NAT)))
                .contains("KOD_IGNORED CLIENT MEDIUM " + NAT);
    }

    @Test
    void shouldJudgeAFloodSpoofedFromRandomPortsAsASpoofTargetNotAScanner() {
        for (int i = 0; i < 150; i++) {
            request(T0 + i * 20L, OUTSIDER, reflector(i), 1_024 + i * 397);
            response(T0 + i * 20L + 5, OUTSIDER, reflector(i), 1_024 + i * 397);
        }

        final List<Detection> detections = detect(OUTSIDER);

        assertThat(Traffic.keys(detections)).containsExactly("SPOOFED_SOURCE VICTIM LOW " + OUTSIDER);
        assertThat(Blocklist.block(alert(detections.get(0)), null, DetectionConfig.defaults())).isEmpty();
    }

    @Test
    void shouldStillCallASweepFromOnePortAScanner() {
        for (int i = 0; i < 150; i++) {
            request(T0 + i * 20L, OUTSIDER, reflector(i), 41_234);
        }

        assertThat(Traffic.keys(detect(OUTSIDER))).containsExactly("SCANNER SCANNER MEDIUM " + OUTSIDER);
    }

    @Test
    void shouldRaiseAProberOnTenMonlistRequestsFromOutsideWithFewReplies() {
        final Traffic traffic = new Traffic();
        for (int i = 0; i < 10; i++) {
            traffic.monlistRequest(T0 + i * 1_000L, OUTSIDER, SERVER, i % 2 == 0 ? 8 : 48);
            if (i % 3 == 0) {
                traffic.monlistResponse(T0 + i * 1_000L + 300, OUTSIDER, SERVER);
            }
        }

        final List<Detection> detections = ClientDetector.evaluate(ip(OUTSIDER), T0, WINDOW_END,
                traffic.clientWindow(OUTSIDER), DetectionConfig.defaults());

        assertThat(Traffic.keys(detections)).containsExactly("MONLIST_ABUSE PROBER MEDIUM " + OUTSIDER);
        assertThat(detections.get(0).evidence().requests()).isEqualTo(10);
        assertThat(detections.get(0).evidence().responses()).isEqualTo(4);
        assertThat(Blocklist.block(alert(detections.get(0)), null, DetectionConfig.defaults())).isEmpty();
    }

    @Test
    void shouldRaiseNoProberBelowTheThresholdOrInsideTheTrustedNetworks() {
        final Traffic traffic = new Traffic();
        traffic.monlistRequest(T0, OUTSIDER, SERVER, 8);
        final String admin = "192.168.1.5";
        traffic.monlistRequest(T0, admin, SERVER, 8).monlistRequest(T0 + 1_000, admin, SERVER, 8);

        assertThat(ClientDetector.evaluate(ip(OUTSIDER), T0, WINDOW_END, traffic.clientWindow(OUTSIDER),
                DetectionConfig.defaults())).isEmpty();
        assertThat(ClientDetector.evaluate(ip(admin), T0, WINDOW_END, traffic.clientWindow(admin),
                DetectionConfig.defaults())).isEmpty();
        assertThat(ClientDetector.evaluate(ip(OUTSIDER), T0, WINDOW_END, traffic.clientWindow(OUTSIDER),
                DetectionConfig.defaults().toBuilder().monlistProbeMinRequests(1).build())).hasSize(1);
    }

    // ---- traffic ---------------------------------------------------------------------------------------------

    /** {@code hosts} hosts, one NAT port each, polling 4 servers every 64 s, spread evenly, each answered. */
    private void natPolling(final int hosts) {
        for (int host = 0; host < hosts; host++) {
            for (int s = 0; s < 4; s++) {
                final long first = T0 + (host * 4L + s) * 64_000L / (hosts * 4L);
                for (long t = first; t < WINDOW_END; t += 64_000) {
                    request(t, NAT, "198.51.100." + (1 + s), NAT_PORTS + host);
                    response(t + 20, NAT, "198.51.100." + (1 + s), NAT_PORTS + host);
                }
            }
        }
    }

    private void request(final long t, final String client, final String server, final int port) {
        window.add(PairFlow.of(event(t, client, server, PacketEvent.Kind.REQUEST, null))
                .withPorts(new FlowPorts(new int[] {port}, new long[] {1}, new int[0], true)));
    }

    private void response(final long t, final String client, final String server, final int port) {
        window.add(PairFlow.of(event(t, client, server, PacketEvent.Kind.RESPONSE, null))
                .withPorts(new FlowPorts(new int[] {port}, new long[] {0}, new int[0], true)));
    }

    private void rateKod(final long t, final String client, final String server, final int port) {
        window.add(PairFlow.of(event(t, client, server, PacketEvent.Kind.RESPONSE, KissCodes.RATE))
                .withPorts(new FlowPorts(new int[] {port}, new long[] {0}, new int[] {port}, true)));
    }

    private static PacketEvent event(final long t, final String client, final String server,
                                     final PacketEvent.Kind kind, final String kiss) {
        return new PacketEvent(t, ip(client), ip(server), kind, kind == PacketEvent.Kind.REQUEST ? 3 : 4,
                Traffic.NTP, -1, -1, kiss, false, Traffic.SENSOR);
    }

    private List<Detection> detect(final String client) {
        return ClientDetector.evaluate(ip(client), T0, WINDOW_END, window, DetectionConfig.defaults());
    }

    private static Alert alert(final Detection d) {
        return AlertTracker.apply(null, d, DetectionConfig.defaults().alertCooldown());
    }
}
