package org.ntpguard.cli.serve;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one small HTTP server of a running sensor or detector: {@code /metrics} for Prometheus, the blocklist feeds and
 * the host drill-down for the detector. The JDK's server is enough: a handful of pollers, small answers.
 */
public final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService workers;
    private boolean started;

    private HttpEndpoints(final HttpServer server, final ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Binds (port 0: any free port) but serves nothing until {@link #start()}. */
    public static HttpEndpoints bind(final String host, final int port) {
        try {
            final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
            final ExecutorService workers = Executors.newFixedThreadPool(2, runnable -> {
                final Thread thread = new Thread(runnable, "ntpguard-http");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(workers);
            return new HttpEndpoints(server, workers);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Routes a path prefix (the JDK's rule: the longest matching prefix wins) to a handler. */
    public HttpEndpoints route(final String pathPrefix, final HttpHandler handler) {
        server.createContext(pathPrefix, handler);
        return this;
    }

    /** Starts serving; once only, whoever calls it first (routes may still be added afterwards). */
    public synchronized HttpEndpoints start() {
        if (!started) {
            server.start();
            started = true;
        }
        return this;
    }

    /** The bound address, e.g. {@code 127.0.0.1:8080}, with the real port when bound to port 0. */
    public String address() {
        final InetSocketAddress bound = server.getAddress();
        return bound.getHostString() + ":" + bound.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
