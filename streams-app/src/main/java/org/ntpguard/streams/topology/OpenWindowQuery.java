package org.ntpguard.streams.topology;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.ntpguard.streams.detect.ClientWindow;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.serde.ClientWindowCodec;
import org.ntpguard.streams.serde.ServerWindowCodec;

/**
 * One subject's open windows, read from an open-window store ({@link NtpTopology#CLIENT_WINDOW_STORE} or
 * {@link NtpTopology#SERVER_WINDOW_STORE}) through an interactive query: what the detector will evaluate when they
 * close, as of the last commit. For the host drill-down.
 */
public final class OpenWindowQuery {

    private OpenWindowQuery() {
    }

    /** The client's open windows by start, from the client window store of the partition that owns it. */
    public static SortedMap<Long, ClientWindow> clientWindows(final ReadOnlyKeyValueStore<Bytes, byte[]> store,
                                                               final IpAddress client) {
        return windows(store, client, ClientWindowCodec::decode);
    }

    /** The server's open windows by start, from the server window store of the partition that owns it. */
    public static SortedMap<Long, ServerWindow> serverWindows(final ReadOnlyKeyValueStore<Bytes, byte[]> store,
                                                               final IpAddress server) {
        return windows(store, server, ServerWindowCodec::decode);
    }

    private static <W> SortedMap<Long, W> windows(final ReadOnlyKeyValueStore<Bytes, byte[]> store,
                                                  final IpAddress subject, final Function<byte[], W> decode) {
        final SortedMap<Long, W> windows = new TreeMap<>();
        final byte[] progress = store.get(WindowKeys.PROGRESS);
        final long closedBefore = progress == null ? Long.MIN_VALUE : WindowKeys.progress(progress);
        try (KeyValueIterator<Bytes, byte[]> mine = store.range(WindowKeys.subjectFrom(subject),
                WindowKeys.subjectTo(subject))) {
            while (mine.hasNext()) {
                final KeyValue<Bytes, byte[]> window = mine.next();
                final long start = WindowKeys.windowStart(window.key);
                if (start >= closedBefore) {
                    windows.put(start, decode.apply(window.value));
                }
            }
        }
        return windows;
    }
}
