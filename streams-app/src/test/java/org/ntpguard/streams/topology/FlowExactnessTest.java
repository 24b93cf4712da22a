package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.streams.detect.ClientDetector;
import org.ntpguard.streams.detect.ClientPeer;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PacketEvent;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.detect.ServerDetector;
import org.ntpguard.streams.detect.ServerPeer;
import org.ntpguard.streams.detect.ServerWindow;

/**
 * For every shared capture and scenario: the windows built from the sensor's flows (its FlowCombiner, 1 s intervals)
 * equal the windows built from the same datagrams one by one, as the per-packet detector built them, accessor by
 * accessor; so the detections read from them are the same too. The peer tables' admission order past their cap is
 * the one place flows could differ (see {@link ClientWindow}); no capture here fills a table.
 */
class FlowExactnessTest {

    private static final DetectionConfig CONFIG = ScenarioTest.scenarioConfig();
    private static final long WINDOW = CONFIG.windowSize().toMillis();

    static Stream<String> captures() throws IOException {
        final Path root = SharedMaterial.root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".pcap"))
                    .filter(file -> file.startsWith(root.resolve("scenarios")) || file.startsWith(root.resolve(
                            "captures")))
                    .map(file -> root.relativize(file).toString()).sorted().toList().stream();
        }
    }

    private record Key(IpAddress subject, long windowStart) {
    }

    private static <W> Map<Key, W> byEvent(final List<PacketEvent> events, final Function<PacketEvent, IpAddress> who,
                                          final Supplier<W> empty, final BiConsumer<W, PacketEvent> add) {
        final Map<Key, W> windows = new HashMap<>();
        for (final PacketEvent e : events) {
            add.accept(windows.computeIfAbsent(new Key(who.apply(e), Math.floorDiv(e.timestampMillis(), WINDOW)
                    * WINDOW), k -> empty.get()), e);
        }
        return windows;
    }

    private static <W> Map<Key, W> byFlow(final List<PairFlow> flows, final Function<PairFlow, IpAddress> who,
                                         final Supplier<W> empty, final BiConsumer<W, PairFlow> add) {
        final Map<Key, W> windows = new HashMap<>();
        for (final PairFlow f : flows) {
            assertThat(Math.floorDiv(f.lastSeen(), WINDOW)).as("a flow in one window")
                    .isEqualTo(Math.floorDiv(f.firstSeen(), WINDOW));
            add.accept(windows.computeIfAbsent(new Key(who.apply(f), Math.floorDiv(f.firstSeen(), WINDOW) * WINDOW),
                    k -> empty.get()), f);
        }
        return windows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void shouldBuildFromFlowsTheWindowsThePacketsBuildOneByOne(final String file) throws IOException {
        final Path path = SharedMaterial.root().resolve(file);
        final List<PacketEvent> events = SharedMaterial.decode(path).packets().stream().map(PerPacket::event)
                .toList();
        final List<PairFlow> flows = PerPacket.flows(SensorFlows.capture(path, "test"));
        assertThat(flows.stream().mapToLong(PairFlow::packets).sum()).isEqualTo(events.size());

        final Map<Key, ClientWindow> clientPackets = byEvent(events, PacketEvent::client,
                () -> new ClientWindow(CONFIG.peerTableCap()), ClientWindow::add);
        final Map<Key, ClientWindow> clientFlows = byFlow(flows, PairFlow::client,
                () -> new ClientWindow(CONFIG.peerTableCap()), ClientWindow::add);
        final Map<Key, ServerWindow> serverPackets = byEvent(events, PacketEvent::server,
                () -> new ServerWindow(CONFIG.peerTableCap()), ServerWindow::add);
        final Map<Key, ServerWindow> serverFlows = byFlow(flows, PairFlow::server,
                () -> new ServerWindow(CONFIG.peerTableCap()), ServerWindow::add);

        final SoftAssertions softly = new SoftAssertions();
        softly.assertThat(clientFlows.keySet()).isEqualTo(clientPackets.keySet());
        softly.assertThat(serverFlows.keySet()).isEqualTo(serverPackets.keySet());
        clientPackets.forEach((key, expected) -> {
            final ClientWindow actual = clientFlows.get(key);
            if (actual != null) {
                compare(softly, key.toString(), expected, actual);
                softly.assertThat(ClientDetector.evaluate(key.subject(), key.windowStart(), key.windowStart()
                        + WINDOW, actual, CONFIG)).as("%s detections", key).isEqualTo(ClientDetector.evaluate(
                        key.subject(), key.windowStart(), key.windowStart() + WINDOW, expected, CONFIG));
            }
        });
        serverPackets.forEach((key, expected) -> {
            final ServerWindow actual = serverFlows.get(key);
            if (actual != null) {
                compare(softly, key.toString(), expected, actual);
                softly.assertThat(ServerDetector.evaluate(key.subject(), key.windowStart(), key.windowStart()
                        + WINDOW, actual, CONFIG)).as("%s detections", key).isEqualTo(ServerDetector.evaluate(
                        key.subject(), key.windowStart(), key.windowStart() + WINDOW, expected, CONFIG));
            }
        });
        softly.assertAll();
    }

    private static void compare(final SoftAssertions softly, final String what, final ClientWindow expected,
                                final ClientWindow actual) {
        softly.assertThat(actual.totals()).as("%s totals", what).isEqualTo(expected.totals());
        softly.assertThat(actual.controlOpcodes()).as("%s opcodes", what).isEqualTo(expected.controlOpcodes());
        softly.assertThat(actual.requestCodesLow()).as(what).isEqualTo(expected.requestCodesLow());
        softly.assertThat(actual.requestCodesHigh()).as(what).isEqualTo(expected.requestCodesHigh());
        softly.assertThat(actual.kissCodes()).as("%s kiss codes", what).isEqualTo(expected.kissCodes());
        softly.assertThat(actual.firstSeen()).as("%s first seen", what).isEqualTo(expected.firstSeen());
        softly.assertThat(actual.lastSeen()).as("%s last seen", what).isEqualTo(expected.lastSeen());
        softly.assertThat(actual.sensors()).as(what).isEqualTo(expected.sensors());
        softly.assertThat(actual.overflowed()).as(what).isEqualTo(expected.overflowed());
        softly.assertThat(actual.distinctServersAsked()).as(what).isEqualTo(expected.distinctServersAsked());
        softly.assertThat(actual.distinctServersAnswering()).as(what).isEqualTo(expected.distinctServersAnswering());
        softly.assertThat(actual.distinctControlServersAsked()).as(what)
                .isEqualTo(expected.distinctControlServersAsked());
        softly.assertThat(actual.serversAskedSketch().estimate()).as("%s sketch", what)
                .isEqualTo(expected.serversAskedSketch().estimate());
        softly.assertThat(actual.serversAnsweringSketch().estimate()).as("%s sketch", what)
                .isEqualTo(expected.serversAnsweringSketch().estimate());
        softly.assertThat(actual.controlServersAskedSketch().estimate()).as("%s sketch", what)
                .isEqualTo(expected.controlServersAskedSketch().estimate());
        softly.assertThat(actual.peers()).as("%s peers", what).hasSameSizeAs(expected.peers());
        for (final ClientPeer e : expected.peers()) {
            final ClientPeer a = actual.find(e.server()).orElse(null);
            softly.assertThat(a).as("%s peer %s", what, e.server()).isNotNull();
            if (a != null) {
                softly.assertThat(peerFigures(a)).as("%s peer %s", what, e.server()).isEqualTo(peerFigures(e));
            }
        }
    }

    private static List<Object> peerFigures(final ClientPeer p) {
        final long[] pending = p.pendingRequestTimes();
        Arrays.sort(pending);
        return List.of(p.requests(), p.requestBytes(), p.responses(), p.responseBytes(), p.kods(), p.rateKods(),
                p.firstRateKod(), p.requestsAfterRateKod(), p.mode6Requests(), p.mode7Requests(),
                p.monlistRequests(), p.monlistResponses(), Arrays.toString(pending), p.unsolicited());
    }

    private static void compare(final SoftAssertions softly, final String what, final ServerWindow expected,
                                final ServerWindow actual) {
        softly.assertThat(actual.totals()).as("%s totals", what).isEqualTo(expected.totals());
        softly.assertThat(actual.kissCodes()).as("%s kiss codes", what).isEqualTo(expected.kissCodes());
        softly.assertThat(actual.firstSeen()).as("%s first seen", what).isEqualTo(expected.firstSeen());
        softly.assertThat(actual.lastSeen()).as("%s last seen", what).isEqualTo(expected.lastSeen());
        softly.assertThat(actual.sensors()).as(what).isEqualTo(expected.sensors());
        softly.assertThat(actual.distinctClients()).as(what).isEqualTo(expected.distinctClients());
        softly.assertThat(actual.clientsSketch().estimate()).as("%s sketch", what)
                .isEqualTo(expected.clientsSketch().estimate());
        softly.assertThat(actual.peers()).as("%s peers", what).hasSameSizeAs(expected.peers());
        for (final ServerPeer e : expected.peers()) {
            final ServerPeer a = actual.find(e.client()).orElse(null);
            softly.assertThat(a).as("%s peer %s", what, e.client()).isNotNull();
            if (a != null) {
                softly.assertThat(List.of(a.requests(), a.requestBytes(), a.responses(), a.responseBytes(),
                        a.mode6Responses(), a.mode7Responses(), a.monlistResponses())).as("%s peer %s", what,
                        e.client()).isEqualTo(List.of(e.requests(), e.requestBytes(), e.responses(),
                        e.responseBytes(), e.mode6Responses(), e.mode7Responses(), e.monlistResponses()));
            }
        }
    }
}
