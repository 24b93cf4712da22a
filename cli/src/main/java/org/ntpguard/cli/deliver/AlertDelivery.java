package org.ntpguard.cli.deliver;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.ntpguard.schema.NtpAlert;

/**
 * Pushes alert updates to every configured target, each through its own bounded queue and thread
 * ({@link TargetWorker}), so that a slow or dead target delays neither the others nor whatever offers the alerts.
 * An update is pushed once: by alert id, one whose update number was already offered is dropped (a topic read
 * again after a restart of the reader, an alert published twice).
 */
public final class AlertDelivery implements AutoCloseable {

    /** Alerts a target's queue holds before it drops its oldest. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1_000;
    /** How long a stop waits for the queues to empty before it drops what is left. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);
    /** Alert ids remembered for the once-only check: far more than are active at once. */
    private static final int REMEMBERED_IDS = 100_000;

    private final List<TargetWorker> workers = new ArrayList<>();
    private final Consumer<String> log;
    private final Duration drain;
    private final Map<String, Integer> offered = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    private AlertFollower follower;

    /**
     * @param log where the one-line messages go (delivery failures, the summary at the stop)
     */
    public AlertDelivery(final List<DeliveryTarget> targets, final int queueCapacity, final RetryPolicy retry,
                         final Duration drain, final MeterRegistry registry, final Consumer<String> log) {
        this.log = log;
        this.drain = drain;
        for (final DeliveryTarget target : targets) {
            workers.add(new TargetWorker(target, queueCapacity, retry, registry, log));
        }
    }

    /** Queues the update for every target unless it was offered before; never waits. */
    public void offer(final NtpAlert alert) {
        synchronized (offered) {
            final Integer before = offered.get(alert.getId());
            if (before != null && before >= alert.getUpdates()) {
                return;
            }
            offered.put(alert.getId(), alert.getUpdates());
        }
        for (final TargetWorker worker : workers) {
            worker.offer(alert);
        }
    }

    /**
     * Pushes what the detector commits to {@code topic} from now on, read by a consumer thread of its own.
     *
     * @param group the consumer group that keeps the reader's place across restarts (a new one starts at the end of
     *              the topic); null to read the topic from its start, as on a broker of the process's own
     */
    public AlertDelivery follow(final String bootstrapServers, final Properties kafka, final String topic,
                                final String group) {
        if (follower != null) {
            throw new IllegalStateException("already following");
        }
        follower = new AlertFollower(bootstrapServers, kafka, topic, group, this::offer, log).start();
        return this;
    }

    /** The targets, as the user gave them. */
    public List<String> describe() {
        return workers.stream().map(worker -> worker.target().describe()).toList();
    }

    /**
     * Reads the topic on until what was committed before is passed on (at most 10 s), waits for the queues to empty
     * (at most the drain bound; the rest is dropped and counted), and says in a line per target what was pushed.
     */
    @Override
    public void close() throws InterruptedException {
        try {
            if (follower != null) {
                follower.close();
            }
            final long deadline = System.nanoTime() + drain.toNanos();
            for (final TargetWorker worker : workers) {
                final int left = worker.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (left > 0) {
                    log.accept(worker.target().describe() + ": " + left + " alert update(s) still unsent after "
                            + drain.toSeconds() + " s, dropped");
                }
            }
        } finally {
            for (final TargetWorker worker : workers) {
                worker.close();
                log.accept(worker.target().describe() + ": " + worker.delivered() + " alert update(s) delivered, "
                        + worker.failed() + " failed, " + worker.dropped() + " dropped");
            }
        }
    }
}
