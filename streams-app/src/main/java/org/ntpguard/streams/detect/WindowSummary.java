package org.ntpguard.streams.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the host drill-down shows of one subject's window, open or closed: the totals each way and the side's own
 * counts, without the peer tables and sketches (a closed window keeps only this).
 *
 * @param counts the side's own counts by name, in the order shown: for a client {@code monlistRequests},
 *               {@code monlistResponses}, {@code distinctServersAsked}, {@code distinctServersAnswering},
 *               {@code distinctControlServersAsked}; for a server {@code controlResponses}, {@code monlistResponses},
 *               {@code unsynchronizedResponses}, {@code distinctClients}
 */
public record WindowSummary(long windowStart, long requests, long requestBytes, long responses, long responseBytes,
                            Map<String, Long> counts, Map<String, Long> kissCodes) {

    public WindowSummary {
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        kissCodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kissCodes));
    }

    public static WindowSummary of(final long windowStart, final ClientWindow w) {
        final Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("monlistRequests", w.monlistRequests());
        counts.put("monlistResponses", w.monlistResponses());
        counts.put("distinctServersAsked", w.distinctServersAsked());
        counts.put("distinctServersAnswering", w.distinctServersAnswering());
        counts.put("distinctControlServersAsked", w.distinctControlServersAsked());
        return new WindowSummary(windowStart, w.requests(), w.requestBytes(), w.responses(), w.responseBytes(),
                counts, w.kissCodes());
    }

    public static WindowSummary of(final long windowStart, final ServerWindow w) {
        final Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("controlResponses", w.controlResponses());
        counts.put("monlistResponses", w.monlistResponses());
        counts.put("unsynchronizedResponses", w.unsynchronizedResponses());
        counts.put("distinctClients", w.distinctClients());
        return new WindowSummary(windowStart, w.requests(), w.requestBytes(), w.responses(), w.responseBytes(),
                counts, w.kissCodes());
    }
}
