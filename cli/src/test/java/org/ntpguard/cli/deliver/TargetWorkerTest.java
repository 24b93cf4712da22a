package org.ntpguard.cli.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.NtpAlert;

/** A target's queue in front of a target that does not answer: offering never waits, a full queue drops its oldest. */
class TargetWorkerTest {

    /** A target that holds every delivery until it is let go, as one that accepts a connection and never answers. */
    private static final class StuckTarget implements DeliveryTarget {

        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);
        final List<String> delivered = new CopyOnWriteArrayList<>();

        @Override
        public String kind() {
            return "stuck";
        }

        @Override
        public String describe() {
            return "stuck";
        }

        @Override
        public void deliver(final NtpAlert alert) throws DeliveryException {
            entered.countDown();
            try {
                letGo.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException("interrupted", false);
            }
            delivered.add(alert.getId() + "/" + alert.getUpdates());
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<String> log = new CopyOnWriteArrayList<>();

    private static NtpAlert alert(final int n, final int update) {
        return TestAlerts.victim("a" + n, "192.0.2." + n, 1_740_837_600_000L, update);
    }

    @Test
    void shouldQueueWithoutWaitingWhileTheTargetHangsAndDropTheOldestWhenFull() throws Exception {
        // given: the first alert stuck in the target, a queue of 10 behind it
        final StuckTarget target = new StuckTarget();
        try (TargetWorker worker = new TargetWorker(target, 10, RetryPolicy.DEFAULT, registry, log::add)) {
            worker.offer(alert(0, 0));
            target.entered.await();

            // when: 15 more offered on this thread while the target hangs
            for (int n = 1; n <= 15; n++) {
                worker.offer(alert(n, 0));
            }
            final long droppedWhileStuck = worker.dropped();
            target.letGo.countDown();
            final int left = worker.drain(Duration.ofMinutes(1));

            // then: 1 to 5 dropped, the newest 10 delivered after the stuck one
            assertThat(droppedWhileStuck).isEqualTo(5);
            assertThat(left).isZero();
            assertThat(target.delivered).containsExactly("a0/0", "a6/0", "a7/0", "a8/0", "a9/0", "a10/0", "a11/0",
                    "a12/0", "a13/0", "a14/0", "a15/0");
            assertThat(registry.scrape())
                    .contains("# HELP ntpguard_alert_delivery_dropped_total Alert updates dropped unsent")
                    .contains("ntpguard_alert_delivery_dropped_total{target=\"stuck\"} 5.0")
                    .contains("# HELP ntpguard_alert_delivery_failures_total ")
                    .contains("ntpguard_alert_deliveries_total{target=\"stuck\"} 11.0");
        }
    }

    @Test
    void shouldReplaceAQueuedAlertByItsNewerUpdateInItsPlace() throws Exception {
        // given
        final StuckTarget target = new StuckTarget();
        try (TargetWorker worker = new TargetWorker(target, 10, RetryPolicy.DEFAULT, registry, log::add)) {
            worker.offer(alert(0, 0));
            target.entered.await();

            // when
            worker.offer(alert(1, 0));
            worker.offer(alert(2, 0));
            worker.offer(alert(1, 1));
            target.letGo.countDown();
            worker.drain(Duration.ofMinutes(1));

            // then
            assertThat(target.delivered).containsExactly("a0/0", "a1/1", "a2/0");
            assertThat(worker.dropped()).isZero();
        }
    }

    @Test
    void shouldCountWhatIsStillQueuedAtTheStopAsDropped() throws Exception {
        // given
        final StuckTarget target = new StuckTarget();
        final TargetWorker worker = new TargetWorker(target, 10, RetryPolicy.DEFAULT, registry, log::add);
        worker.offer(alert(0, 0));
        target.entered.await();
        worker.offer(alert(1, 0));
        worker.offer(alert(2, 0));

        // when: the stop does not wait for the stuck delivery
        final int left = worker.drain(Duration.ZERO);
        worker.close();

        // then: the two queued and the one being sent
        assertThat(left).isEqualTo(3);
        assertThat(worker.dropped()).isEqualTo(3);
        assertThat(target.delivered).isEmpty();
    }
}
