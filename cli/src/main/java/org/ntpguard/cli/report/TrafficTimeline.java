package org.ntpguard.cli.report;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ntpguard.schema.NtpFlow;

/**
 * Datagrams and bytes by time, mode and direction, summed from the flows of each closed interval (never per packet):
 * what the report's timeline draws. Bounded: at most {@link #MAX_POINTS} points; a longer capture doubles the width
 * of a point as often as needed, so a week of capture costs what a few hours do.
 */
final class TrafficTimeline {

    /** Points kept at most: more than a chart's width in pixels, a few MB of counters at worst. */
    static final int MAX_POINTS = 4_096;

    /** The series of a point, in the order the page shows them. */
    enum Series {
        MODE3_REQUESTS("mode 3 requests", false),
        MODE4_RESPONSES("mode 4 responses", false),
        MODE6_REQUESTS("mode 6 requests", false),
        MODE6_RESPONSES("mode 6 responses", false),
        MODE7_REQUESTS("mode 7 requests", false),
        MODE7_RESPONSES("mode 7 responses", false),
        OTHER_PACKETS("other (modes 1, 2, 5, malformed)", false),
        REQUEST_BYTES("requests", true),
        RESPONSE_BYTES("responses", true),
        MONLIST_RESPONSE_BYTES("of which mode 7 monlist responses", true),
        OTHER_BYTES("other", true);

        final String label;
        final boolean bytes;

        Series(final String label, final boolean bytes) {
            this.label = label;
            this.bytes = bytes;
        }
    }

    private static final int SERIES = Series.values().length;

    /** Point start (ms since the epoch, a multiple of {@link #pointMillis}) to its counters by {@link Series}. */
    private TreeMap<Long, long[]> points = new TreeMap<>();
    private long pointMillis;

    /** @param intervalMillis the flows' interval; a point is at least a second wide */
    TrafficTimeline(final int intervalMillis) {
        this.pointMillis = Math.max(1_000L, intervalMillis);
    }

    /** Adds the flows of the interval starting at {@code intervalStartMillis}: one point to find for them all. */
    void add(final long intervalStartMillis, final List<NtpFlow> flows) {
        final long[] point = points.computeIfAbsent(Math.floorDiv(intervalStartMillis, pointMillis) * pointMillis,
                start -> new long[SERIES]);
        for (final NtpFlow flow : flows) {
            count(point, flow);
        }
        if (points.size() > MAX_POINTS) {
            coarsen();
        }
    }

    private static void count(final long[] point, final NtpFlow flow) {
        final long mode6Requests = flow.getMode6Requests();
        final long mode7Requests = flow.getMode7Requests();
        final long mode6Responses = flow.getMode6Responses();
        final long mode7Responses = flow.getMode7Responses();
        point[Series.MODE3_REQUESTS.ordinal()] += flow.getRequests() - mode6Requests - mode7Requests;
        point[Series.MODE4_RESPONSES.ordinal()] += flow.getResponses() - mode6Responses - mode7Responses;
        point[Series.MODE6_REQUESTS.ordinal()] += mode6Requests;
        point[Series.MODE6_RESPONSES.ordinal()] += mode6Responses;
        point[Series.MODE7_REQUESTS.ordinal()] += mode7Requests;
        point[Series.MODE7_RESPONSES.ordinal()] += mode7Responses;
        point[Series.OTHER_PACKETS.ordinal()] += flow.getOtherPackets();
        point[Series.REQUEST_BYTES.ordinal()] += flow.getRequestBytes();
        point[Series.RESPONSE_BYTES.ordinal()] += flow.getResponseBytes();
        point[Series.MONLIST_RESPONSE_BYTES.ordinal()] += flow.getMonlistResponseBytes();
        point[Series.OTHER_BYTES.ordinal()] += flow.getOtherBytes();
    }

    /** Doubles the width of a point, merging pairs of neighbours. */
    private void coarsen() {
        pointMillis *= 2;
        final TreeMap<Long, long[]> merged = new TreeMap<>();
        for (final Map.Entry<Long, long[]> entry : points.entrySet()) {
            final long[] into = merged.computeIfAbsent(Math.floorDiv(entry.getKey(), pointMillis) * pointMillis,
                    start -> new long[SERIES]);
            final long[] from = entry.getValue();
            for (int i = 0; i < SERIES; i++) {
                into[i] += from[i];
            }
        }
        points = merged;
    }

    /** How much capture time one point covers, in ms: the interval or a second, doubled per coarsening. */
    long pointMillis() {
        return pointMillis;
    }

    /** The points in time order: start in ms, counters by {@link Series} ordinal (totals over the point, not rates). */
    Map<Long, long[]> points() {
        return points;
    }
}
