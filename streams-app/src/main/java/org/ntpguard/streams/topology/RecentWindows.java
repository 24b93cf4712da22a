package org.ntpguard.streams.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.WindowSummary;
import org.ntpguard.streams.serde.WindowSummaryCodec;

/**
 * Each subject's recent closed windows, for the host drill-down: when a window closes its {@link WindowSummary} is
 * put into a window store of its side, keyed by the subject's address and timed by the window's start, and kept for
 * {@link #retention} of event time: the alert cool-down (15 min by default, 30 windows of 30 s), so an address with
 * a current alert shows the windows behind it. The store drops whole segments past it, with no scan; its changelog
 * makes it survive a restart or a move. A summary costs about 60 bytes: the peer tables and sketches are not kept.
 */
public final class RecentWindows {

    public static final String CLIENT_STORE = "client-recent-windows";
    public static final String SERVER_STORE = "server-recent-windows";

    private RecentWindows() {
    }

    /** How long closed windows are kept: the alert cool-down, and at least one window. */
    public static Duration retention(final DetectionConfig config) {
        return config.alertCooldown().compareTo(config.windowSize()) > 0 ? config.alertCooldown()
                : config.windowSize();
    }

    static StoreBuilder<WindowStore<Bytes, byte[]>> builder(final String name, final DetectionConfig config) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, retention(config), config.windowSize(),
                false), Serdes.Bytes(), Serdes.ByteArray());
    }

    /** The key of a subject: its address's bytes, as the open-window stores are partitioned. */
    static Bytes key(final IpAddress subject) {
        return Bytes.wrap(subject.toBytes());
    }

    static void put(final WindowStore<Bytes, byte[]> store, final IpAddress subject, final WindowSummary closed) {
        store.put(key(subject), WindowSummaryCodec.encode(closed), closed.windowStart());
    }

    /** One subject's closed windows still kept, oldest first. */
    public static List<WindowSummary> of(final ReadOnlyWindowStore<Bytes, byte[]> store, final IpAddress subject) {
        final List<WindowSummary> windows = new ArrayList<>();
        try (WindowStoreIterator<byte[]> kept = store.fetch(key(subject), Instant.EPOCH,
                Instant.ofEpochMilli(Long.MAX_VALUE))) {
            kept.forEachRemaining(window -> windows.add(WindowSummaryCodec.decode(window.value)));
        }
        return windows;
    }
}
