package org.ntpguard.streams.topology;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ntpguard.streams.detect.ClientDetector;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.Detection;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.detect.ServerDetector;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.detect.SiteUpstreams;
import org.ntpguard.streams.detect.WindowSummary;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.ntpguard.streams.serde.ClientWindowCodec;
import org.ntpguard.streams.serde.ServerWindowCodec;

/**
 * One side of the detector, per client or per server: whose window a flow counts in, the aggregate, and the
 * detector that reads a closed window, who is told a window closed or a flow came too late (metrics), and the
 * window's binary form for the store that makes open windows survive a restart, and what of a closed window the host
 * drill-down keeps. {@link WindowAggregator} does the
 * windowing for both.
 */
record WindowSide<W>(String name, Function<PairFlow, IpAddress> subject, Supplier<W> emptyWindow,
                     BiConsumer<W, PairFlow> add, Detector<W> detector, Consumer<W> closed, Consumer<PairFlow> late,
                     Function<W, byte[]> encode, Function<byte[], W> decode, Upstream<W> upstream,
                     Summary<W> summary) {

    /** What the host drill-down keeps of a closed window (see {@link RecentWindows}). */
    interface Summary<W> {
        WindowSummary of(long windowStart, W window);
    }

    /** Reads one closed window. */
    interface Detector<W> {
        List<Detection> evaluate(IpAddress subject, long windowStart, long windowEnd, W window);
    }

    /** Whether a closed window shows its subject serving the site (see {@link SiteUpstreams}). */
    interface Upstream<W> {
        boolean servesTheSite(IpAddress subject, W window);
    }

    static WindowSide<ClientWindow> clients(final DetectionConfig config, final DetectorMetrics metrics) {
        return new WindowSide<>("client", PairFlow::client, () -> new ClientWindow(config.peerTableCap()),
                ClientWindow::add, (subject, start, end, window) ->
                        ClientDetector.evaluate(subject, start, end, window, config), metrics::clientWindowClosed,
                flow -> metrics.lateFlow(DetectorMetrics.CLIENT_SIDE, flow.packets()), ClientWindowCodec::encode,
                ClientWindowCodec::decode, (subject, window) -> false, WindowSummary::of);
    }

    static WindowSide<ServerWindow> servers(final DetectionConfig config, final DetectorMetrics metrics) {
        return new WindowSide<>("server", PairFlow::server, () -> new ServerWindow(config.peerTableCap()),
                ServerWindow::add, (subject, start, end, window) ->
                        ServerDetector.evaluate(subject, start, end, window, config),
                window -> metrics.serverWindowClosed(),
                flow -> metrics.lateFlow(DetectorMetrics.SERVER_SIDE, flow.packets()), ServerWindowCodec::encode,
                ServerWindowCodec::decode, (subject, window) -> SiteUpstreams.servesTheSite(subject, window, config),
                WindowSummary::of);
    }
}
