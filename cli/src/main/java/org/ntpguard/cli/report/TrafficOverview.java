package org.ntpguard.cli.report;

import java.time.Duration;
import java.util.Comparator;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.flow.FlowInterval;
import org.ntpguard.capture.flow.FlowSink;
import org.ntpguard.schema.NtpFlow;

/**
 * The traffic of a run as the report's page shows it: a {@link TrafficTimeline} and the top clients and servers
 * ({@link TopAddresses}), summed from the flows the sensor side closes, once per flow and interval, on the thread
 * that publishes them: the capture thread never sees it.
 */
public final class TrafficOverview implements FlowSink {

    /** Addresses kept per side: enough to rank the heavy ones of a flood, a few MB at most. */
    static final int TRACKED_ADDRESSES = 20_000;

    static final Comparator<TopAddresses.Totals> BY_RESPONSE_BYTES =
            Comparator.comparingLong((TopAddresses.Totals t) -> t.responseBytes).reversed();
    static final Comparator<TopAddresses.Totals> BY_REQUESTS =
            Comparator.comparingLong((TopAddresses.Totals t) -> t.requests).reversed();

    private final TrafficTimeline timeline;
    private final TopAddresses clients;
    private final TopAddresses servers;
    private long flows;

    /** @param interval the flows' interval */
    public TrafficOverview(final Duration interval) {
        this(interval, TRACKED_ADDRESSES);
    }

    TrafficOverview(final Duration interval, final int trackedAddresses) {
        this.timeline = new TrafficTimeline(FlowCombiner.checkInterval(interval));
        this.clients = new TopAddresses(TopAddresses.Side.CLIENT, trackedAddresses, t -> t.responseBytes);
        this.servers = new TopAddresses(TopAddresses.Side.SERVER, trackedAddresses, t -> t.requests);
    }

    @Override
    public synchronized void accept(final FlowInterval interval) {
        timeline.add(interval.intervalStartMillis(), interval.flows());
        for (final NtpFlow flow : interval.flows()) {
            clients.add(flow);
            servers.add(flow);
            flows++;
        }
    }

    synchronized TrafficTimeline timeline() {
        return timeline;
    }

    synchronized TopAddresses clients() {
        return clients;
    }

    synchronized TopAddresses servers() {
        return servers;
    }

    /** Flows summed so far. */
    public synchronized long flows() {
        return flows;
    }
}
