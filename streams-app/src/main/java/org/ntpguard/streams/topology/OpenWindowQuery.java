package org.ntpguard.streams.topology;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PacketEvent;
import org.ntpguard.streams.detect.ServerWindow;

/**
 * One subject's open windows, rebuilt from an open-event store ({@link NtpTopology#CLIENT_EVENT_STORE} or
 * {@link NtpTopology#SERVER_EVENT_STORE}) through an interactive query: what the detector will evaluate when they
 * close. For the host drill-down.
 */
public final class OpenWindowQuery {

    private OpenWindowQuery() {
    }

    /** The client's open windows by start, from the client event store of the partition that owns it. */
    public static SortedMap<Long, ClientWindow> clientWindows(final ReadOnlyKeyValueStore<Bytes, PacketEvent> store,
                                                               final IpAddress client,
                                                               final DetectionConfig config) {
        return windows(store, client, config, () -> new ClientWindow(config.peerTableCap()), ClientWindow::add);
    }

    /** The server's open windows by start, from the server event store of the partition that owns it. */
    public static SortedMap<Long, ServerWindow> serverWindows(final ReadOnlyKeyValueStore<Bytes, PacketEvent> store,
                                                               final IpAddress server,
                                                               final DetectionConfig config) {
        return windows(store, server, config, () -> new ServerWindow(config.peerTableCap()), ServerWindow::add);
    }

    private static <W> SortedMap<Long, W> windows(final ReadOnlyKeyValueStore<Bytes, PacketEvent> store,
                                                  final IpAddress subject, final DetectionConfig config,
                                                  final Supplier<W> empty, final BiConsumer<W, PacketEvent> add) {
        final SortedMap<Long, W> windows = new TreeMap<>();
        final long size = config.windowSize().toMillis();
        final PacketEvent progress = store.get(OpenEventKeys.PROGRESS);
        Long first = progress == null ? null : progress.timestampMillis();
        Long last = null;
        try (KeyValueIterator<Bytes, PacketEvent> newest = store.reverseAll()) {
            if (newest.hasNext()) {
                final Bytes key = newest.next().key;
                last = OpenEventKeys.isEvent(key) ? OpenEventKeys.windowStart(key) : null;
            }
        }
        if (last == null) {
            return windows;
        }
        if (first == null) {
            try (KeyValueIterator<Bytes, PacketEvent> oldest = store.range(OpenEventKeys.windowFrom(Long.MIN_VALUE + 1),
                    null)) {
                first = oldest.hasNext() ? OpenEventKeys.windowStart(oldest.next().key) : last;
            }
        }
        for (long start = first; start <= last; start += size) {
            try (KeyValueIterator<Bytes, PacketEvent> events = store.range(OpenEventKeys.subjectFrom(start, subject),
                    OpenEventKeys.subjectTo(start, subject))) {
                while (events.hasNext()) {
                    final KeyValue<Bytes, PacketEvent> event = events.next();
                    add.accept(windows.computeIfAbsent(start, s -> empty.get()), event.value);
                }
            }
        }
        return windows;
    }
}
