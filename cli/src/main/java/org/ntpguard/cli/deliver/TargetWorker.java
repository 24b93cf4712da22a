package org.ntpguard.cli.deliver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.ntpguard.cli.deliver.DeliveryTarget.DeliveryException;
import org.ntpguard.schema.NtpAlert;

/**
 * One target's delivery: a bounded queue that {@link #offer} fills without ever waiting, and a thread of its own
 * that sends from it, retrying with backoff. A full queue drops its oldest alert, counted; a queued alert whose next
 * update arrives is replaced by it, in its place (the update carries everything the older one did). An alert given
 * up after its attempts is counted and said in one line, once per distinct error until a delivery succeeds again.
 */
final class TargetWorker implements AutoCloseable {

    private final DeliveryTarget target;
    private final int capacity;
    private final RetryPolicy retry;
    private final Consumer<String> log;
    private final Counter delivered;
    private final Counter failures;
    private final Counter dropped;
    private final Thread thread;

    private final Object lock = new Object();
    /** Alerts waiting, by id, oldest first. */
    private final LinkedHashMap<String, NtpAlert> queue = new LinkedHashMap<>();
    private boolean sending;
    private boolean closing;
    /** The last error said, null once a delivery succeeded after it; used by the worker thread only. */
    private String lastError;
    private long failedSinceSaid;

    TargetWorker(final DeliveryTarget target, final int capacity, final RetryPolicy retry,
                 final MeterRegistry registry, final Consumer<String> log) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity: " + capacity + " (expected: 1 or more)");
        }
        this.target = target;
        this.capacity = capacity;
        this.retry = retry;
        this.log = log;
        this.delivered = Counter.builder("ntpguard.alert.deliveries").tag("target", target.kind())
                .description("Alert updates the target accepted").register(registry);
        this.failures = Counter.builder("ntpguard.alert.delivery.failures").tag("target", target.kind())
                .description("Alert updates given up after every attempt failed or the target refused them")
                .register(registry);
        this.dropped = Counter.builder("ntpguard.alert.delivery.dropped").tag("target", target.kind())
                .description("Alert updates dropped unsent: the oldest of a full queue, or left queued at the stop")
                .register(registry);
        this.thread = new Thread(this::run, "ntpguard-deliver-" + target.kind());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    DeliveryTarget target() {
        return target;
    }

    /** Queues the alert; never waits: a full queue drops its oldest alert instead. */
    void offer(final NtpAlert alert) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            if (queue.containsKey(alert.getId())) {
                queue.put(alert.getId(), alert); // the newer update, in the older one's place
            } else {
                if (queue.size() >= capacity) {
                    final Iterator<NtpAlert> oldest = queue.values().iterator();
                    oldest.next();
                    oldest.remove();
                    dropped.increment();
                }
                queue.put(alert.getId(), alert);
            }
            lock.notifyAll();
        }
    }

    /**
     * Waits until every queued alert is sent or given up, at most {@code bound}.
     *
     * @return the alerts still queued or being sent
     */
    int drain(final Duration bound) throws InterruptedException {
        final long deadline = System.nanoTime() + bound.toNanos();
        synchronized (lock) {
            while (!queue.isEmpty() || sending) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return queue.size() + (sending ? 1 : 0);
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return 0;
        }
    }

    long delivered() {
        return (long) delivered.count();
    }

    long failed() {
        return (long) failures.count();
    }

    long dropped() {
        return (long) dropped.count();
    }

    private void run() {
        while (true) {
            final NtpAlert alert;
            synchronized (lock) {
                while (queue.isEmpty() && !closing) {
                    try {
                        lock.wait();
                    } catch (final InterruptedException e) {
                        return;
                    }
                }
                if (closing) {
                    return;
                }
                final Iterator<Map.Entry<String, NtpAlert>> first = queue.entrySet().iterator();
                alert = first.next().getValue();
                first.remove();
                sending = true;
            }
            final boolean done = send(alert);
            synchronized (lock) {
                sending = false;
                lock.notifyAll();
            }
            if (!done) {
                return;
            }
        }
    }

    /** Tries the alert until it is delivered or given up; false when the worker was stopped meanwhile. */
    private boolean send(final NtpAlert alert) {
        for (int attempt = 1; ; attempt++) {
            try {
                target.deliver(alert);
                delivered.increment();
                if (lastError != null) {
                    log.accept(target.describe() + ": delivering again (" + failedSinceSaid
                            + " alert update(s) failed meanwhile)");
                    lastError = null;
                }
                return true;
            } catch (final DeliveryException e) {
                if (Thread.currentThread().isInterrupted()) {
                    dropped.increment();
                    return false;
                }
                if (!e.retry() || attempt >= retry.attempts()) {
                    gaveUp(alert, e.getMessage(), attempt);
                    return true;
                }
            }
            try {
                Thread.sleep(retry.backoff(attempt).toMillis());
            } catch (final InterruptedException e) {
                dropped.increment();
                return false;
            }
        }
    }

    private void gaveUp(final NtpAlert alert, final String error, final int attempts) {
        failures.increment();
        failedSinceSaid++;
        if (error.equals(lastError)) {
            return;
        }
        lastError = error;
        failedSinceSaid = 1;
        log.accept(target.describe() + ": alert " + alert.getId() + " (update " + alert.getUpdates()
                + ") not delivered after " + attempts + " attempt(s): " + error
                + "; further failures are counted (ntpguard_alert_delivery_failures_total), said again when the "
                + "error changes");
    }

    /** Stops the thread at once: what is still queued is counted as dropped. */
    @Override
    public void close() throws InterruptedException {
        synchronized (lock) {
            closing = true;
            dropped.increment(queue.size());
            queue.clear();
            lock.notifyAll();
        }
        thread.interrupt();
        thread.join();
        target.close();
    }
}
