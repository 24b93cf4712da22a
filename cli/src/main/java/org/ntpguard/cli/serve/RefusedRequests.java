package org.ntpguard.cli.serve;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests a protected endpoint refused with 401, by why: {@code ntpguard_http_refused_requests_total{reason}}.
 * Registered whether or not a token is configured, so that a dashboard or rule finds the series either way.
 */
public final class RefusedRequests implements MeterBinder {

    /** Why a request was refused: the metric's {@code reason} label. */
    public enum Reason {
        /** No Authorization header, or one of another scheme. */
        NO_CREDENTIALS,
        /** A Bearer or Basic header whose token is not the configured one. */
        WRONG_CREDENTIALS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final LongAdder[] counts = {new LongAdder(), new LongAdder()};

    void refuse(final Reason reason) {
        counts[reason.ordinal()].increment();
    }

    public long count(final Reason reason) {
        return counts[reason.ordinal()].sum();
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        for (final Reason reason : Reason.values()) {
            FunctionCounter.builder("ntpguard.http.refused.requests", this, refused -> refused.count(reason))
                    .description("HTTP requests refused with 401 by the endpoints that need the token "
                            + "(--http-token-file): no credentials, or a token that is not the configured one")
                    .tag("reason", reason.label())
                    .register(registry);
        }
    }
}
