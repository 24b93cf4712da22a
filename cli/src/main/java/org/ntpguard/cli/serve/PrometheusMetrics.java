package org.ntpguard.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus registry of a running sensor or detector, with the JVM's and the process's meters
 * (jvm_memory_used_bytes, jvm_gc_pause_seconds, jvm_threads_live_threads, process_cpu_usage ...), and the handler
 * that serves it as {@value #PATH} in Prometheus' text format.
 */
public final class PrometheusMetrics implements AutoCloseable {

    public static final String PATH = "/metrics";
    /** Prometheus' text exposition format, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeable = new ArrayList<>();

    public PrometheusMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        bind(new JvmGcMetrics());
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Binds a binder that holds a thread or listener of its own (GC notifications, Kafka's): closed with this. */
    public <B extends MeterBinder & AutoCloseable> B bind(final B binder) {
        binder.bindTo(registry);
        closeable.add(binder);
        return binder;
    }

    /** Routes {@value #PATH} on {@code http} and starts it; returns the URL it is served at. */
    public String serveOn(final HttpEndpoints http) {
        http.refusedRequests().bindTo(registry);
        http.route(PATH, handler()).start();
        return http.url(PATH);
    }

    /** GET (or HEAD) {@value #PATH}: the scrape. Any other path under it is 404, any other method 405. */
    public HttpHandler handler() {
        return this::scrape;
    }

    private void scrape(final HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            final String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        for (final AutoCloseable binder : closeable) {
            try {
                binder.close();
            } catch (final Exception e) {
                // Only threads and listeners of meters nobody reads any more.
            }
        }
        registry.close();
    }
}
