package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * The open-window store keeps a window as its snapshot at the last commit, and a restarted task goes on from the
 * decoded snapshot: a window resumed from its snapshot half way must end as one that never stopped, to the last
 * detection and its evidence.
 */
class WindowSnapshotTest {

    private static final DetectionConfig CONFIG = DetectionConfig.defaults();

    @ParameterizedTest
    @ValueSource(strings = {"b_monlist_amplification.pcap", "c_kod_storm.pcap", "d_mode6_scan.pcap"})
    void shouldEndAClientWindowResumedFromItsSnapshotAsOneThatNeverStopped(final String scenario) throws Exception {
        assertResumedEqualsWhole(WindowSide.clients(CONFIG, DetectorMetrics.none()), events(scenario));
    }

    @ParameterizedTest
    @ValueSource(strings = {"b_monlist_amplification.pcap", "d_mode6_scan.pcap"})
    void shouldEndAServerWindowResumedFromItsSnapshotAsOneThatNeverStopped(final String scenario) throws Exception {
        assertResumedEqualsWhole(WindowSide.servers(CONFIG, DetectorMetrics.none()), events(scenario));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 20})
    void shouldRefuseATruncatedSnapshotNamingWhatIsWrong(final int length) throws Exception {
        final WindowSide<?> clients = WindowSide.clients(CONFIG, DetectorMetrics.none());
        final byte[] whole = encodeFirst(clients, events("b_monlist_amplification.pcap"));

        assertThatThrownBy(() -> clients.decode().apply(Arrays.copyOf(whole, Math.min(length, whole.length - 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client window");
    }

    private static <W> void assertResumedEqualsWhole(final WindowSide<W> side, final List<PairFlow> events) {
        final Map<IpAddress, W> whole = new LinkedHashMap<>();
        final Map<IpAddress, W> firstHalf = new LinkedHashMap<>();
        final int half = events.size() / 2;
        for (int i = 0; i < events.size(); i++) {
            final PairFlow event = events.get(i);
            final IpAddress subject = side.subject().apply(event);
            side.add().accept(whole.computeIfAbsent(subject, s -> side.emptyWindow().get()), event);
            if (i < half) {
                side.add().accept(firstHalf.computeIfAbsent(subject, s -> side.emptyWindow().get()), event);
            }
        }
        final Map<IpAddress, W> resumed = new LinkedHashMap<>();
        firstHalf.forEach((subject, window) -> resumed.put(subject, side.decode().apply(side.encode().apply(window))));
        for (final PairFlow event : events.subList(half, events.size())) {
            side.add().accept(resumed.computeIfAbsent(side.subject().apply(event), s -> side.emptyWindow().get()),
                    event);
        }

        assertThat(whole).isNotEmpty();
        final int[] detections = {0};
        assertThat(resumed.keySet()).isEqualTo(whole.keySet());
        whole.forEach((subject, window) -> {
            assertThat(side.detector().evaluate(subject, 0, 30_000, resumed.get(subject))).as(subject.toString())
                    .isEqualTo(side.detector().evaluate(subject, 0, 30_000, window));
            detections[0] += side.detector().evaluate(subject, 0, 30_000, window).size();
            // Same size, not same bytes: a sketch decoded from its compact form files the same hashes in another
            // slot order; its estimate, and so every detection and its evidence, is the same.
            assertThat(side.encode().apply(resumed.get(subject))).as(subject.toString())
                    .hasSameSizeAs(side.encode().apply(window));
        });
        assertThat(detections[0]).as("detections compared").isPositive();
    }

    private static <W> byte[] encodeFirst(final WindowSide<W> side, final List<PairFlow> events) {
        final W window = side.emptyWindow().get();
        final IpAddress subject = side.subject().apply(events.get(0));
        events.stream().filter(e -> side.subject().apply(e).equals(subject)).forEach(e -> side.add().accept(window, e));
        return side.encode().apply(window);
    }

    private static List<PairFlow> events(final String scenario) throws Exception {
        return PerPacket.flows(ScenarioTest.intervals(scenario));
    }
}
