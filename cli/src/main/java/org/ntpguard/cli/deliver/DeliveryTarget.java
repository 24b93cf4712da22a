package org.ntpguard.cli.deliver;

import java.io.IOException;
import org.ntpguard.schema.NtpAlert;

/** Where alerts are pushed: one attempt per call; retries, queueing and counting are the {@link TargetWorker}'s. */
public interface DeliveryTarget extends AutoCloseable {

    /** The kind of target, the {@code target} tag of the delivery meters: {@code alertmanager}, {@code syslog}, ... */
    String kind();

    /** The target as the user gave it, for messages: {@code webhook http://siem.example:8088/ntp}. */
    String describe();

    /**
     * Sends one alert update once.
     *
     * @throws DeliveryException when the target refused it or could not be reached; {@link DeliveryException#retry()}
     *                           says whether another attempt may succeed
     */
    void deliver(NtpAlert alert) throws DeliveryException;

    /** Releases connections; called once, after the last delivery. */
    @Override
    default void close() {
    }

    /** A failed attempt, with a message fit for one line. */
    final class DeliveryException extends Exception {

        private final boolean retry;

        public DeliveryException(final String message, final boolean retry) {
            super(message, null, false, false);
            this.retry = retry;
        }

        /** An I/O failure: the target may be back at the next attempt. */
        static DeliveryException of(final IOException e) {
            final String message = e.getMessage();
            return new DeliveryException(message == null || message.isBlank() ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + message, true);
        }

        /** Whether another attempt may succeed (a network error, 5xx, 429), or not (a 4xx refusal). */
        public boolean retry() {
            return retry;
        }
    }
}
