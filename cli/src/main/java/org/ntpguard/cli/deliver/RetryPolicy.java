package org.ntpguard.cli.deliver;

import java.time.Duration;

/**
 * How often and how patiently one alert update is tried: {@code attempts} in all, waiting {@code firstBackoff}
 * after the first failure, twice as long after each next one, never more than {@code maxBackoff}.
 */
public record RetryPolicy(int attempts, Duration firstBackoff, Duration maxBackoff) {

    /** 5 attempts over about 15 s (1, 2, 4, 8 s between them): a receiver restarting is waited for. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: 1 or more)");
        }
        if (firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoff: " + firstBackoff + " to " + maxBackoff
                    + " (expected: 0 <= first <= max)");
        }
    }

    /** The wait after failed attempt {@code attempt} (1 for the first). */
    Duration backoff(final int attempt) {
        Duration wait = firstBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
