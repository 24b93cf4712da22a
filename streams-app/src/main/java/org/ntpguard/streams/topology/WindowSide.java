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
import org.ntpguard.streams.detect.PacketEvent;
import org.ntpguard.streams.detect.ServerDetector;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.ntpguard.streams.serde.ClientWindowCodec;
import org.ntpguard.streams.serde.ServerWindowCodec;

/**
 * One side of the detector, per client or per server: whose window a packet counts in, the aggregate, and the
 * detector that reads a closed window, who is told a window closed (metrics), and the window's binary form for the
 * store that makes open windows survive a restart. {@link WindowAggregator} does the
 * windowing for both.
 */
record WindowSide<W>(String name, Function<PacketEvent, IpAddress> subject, Supplier<W> emptyWindow,
                     BiConsumer<W, PacketEvent> add, Detector<W> detector, Consumer<W> closed,
                     Function<W, byte[]> encode, Function<byte[], W> decode) {

    /** Reads one closed window. */
    interface Detector<W> {
        List<Detection> evaluate(IpAddress subject, long windowStart, long windowEnd, W window);
    }

    static WindowSide<ClientWindow> clients(final DetectionConfig config, final DetectorMetrics metrics) {
        return new WindowSide<>("client", PacketEvent::client, () -> new ClientWindow(config.peerTableCap()),
                ClientWindow::add, (subject, start, end, window) ->
                        ClientDetector.evaluate(subject, start, end, window, config), metrics::clientWindowClosed,
                ClientWindowCodec::encode, ClientWindowCodec::decode);
    }

    static WindowSide<ServerWindow> servers(final DetectionConfig config, final DetectorMetrics metrics) {
        return new WindowSide<>("server", PacketEvent::server, () -> new ServerWindow(config.peerTableCap()),
                ServerWindow::add, (subject, start, end, window) ->
                        ServerDetector.evaluate(subject, start, end, window, config),
                window -> metrics.serverWindowClosed(), ServerWindowCodec::encode, ServerWindowCodec::decode);
    }
}
