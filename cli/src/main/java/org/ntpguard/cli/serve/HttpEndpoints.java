package org.ntpguard.cli.serve;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one small HTTP server of a running sensor or detector: {@code /metrics} for Prometheus, the blocklist feeds and
 * the host drill-down for the detector. The JDK's server is enough: a handful of pollers, small answers.
 *
 * <p>What a route needs is said where it is routed: {@link #route} for what monitoring asks ({@code /metrics},
 * {@code /health/*}: open unless {@link HttpAccess#protectMonitoring()}), {@link #routeProtected} for the rest
 * (the feeds, {@code /hosts}, anything that changes state), which needs the token whenever one is configured.
 */
public final class HttpEndpoints implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpAccess access;
    private final RefusedRequests refused = new RefusedRequests();
    /** Null without a token. */
    private final TokenAuthenticator authenticator;
    private boolean started;

    private HttpEndpoints(final HttpServer server, final ExecutorService workers, final HttpAccess access) {
        this.server = server;
        this.workers = workers;
        this.access = access;
        this.authenticator = access.token().map(token -> new TokenAuthenticator(token, refused)).orElse(null);
    }

    /** Plain HTTP with no token: {@link #bind(String, int, HttpAccess)} with {@link HttpAccess#PLAIN}. */
    public static HttpEndpoints bind(final String host, final int port) {
        return bind(host, port, HttpAccess.PLAIN);
    }

    /** Binds (port 0: any free port) but serves nothing until {@link #start()}; HTTPS when {@code access} has TLS. */
    public static HttpEndpoints bind(final String host, final int port, final HttpAccess access) {
        try {
            final InetSocketAddress address = new InetSocketAddress(host, port);
            final HttpServer server;
            if (access.tls().isPresent()) {
                final HttpsServer https = HttpsServer.create(address, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(access.tls().get().server()));
                server = https;
            } else {
                server = HttpServer.create(address, 64);
            }
            final ExecutorService workers = Executors.newFixedThreadPool(2, runnable -> {
                final Thread thread = new Thread(runnable, "ntpguard-http");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(workers);
            return new HttpEndpoints(server, workers, access);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Routes a path prefix (the JDK's rule: the longest matching prefix wins) to a handler that monitoring asks:
     * open, unless {@link HttpAccess#protectMonitoring()} makes it need the token too.
     */
    public HttpEndpoints route(final String pathPrefix, final HttpHandler handler) {
        final HttpContext context = server.createContext(pathPrefix, handler);
        if (access.protectMonitoring()) {
            context.setAuthenticator(authenticator);
        }
        return this;
    }

    /**
     * Routes a path prefix to a handler that only holders of the token may use, when a token is configured: the
     * handler runs after the token was checked ({@code exchange.getPrincipal()} names the Basic user, or
     * "bearer"), and a request without it is answered 401 and counted.
     *
     * @throws IllegalStateException bound beyond loopback without a token and without {@code --insecure-http}: the
     *                               command should have refused to start ({@link HttpAccess#exposesUnauthenticated})
     */
    public HttpEndpoints routeProtected(final String pathPrefix, final HttpHandler handler) {
        if (access.exposesUnauthenticated(server.getAddress().getAddress())) {
            throw new IllegalStateException(pathPrefix + " would be served on " + address()
                    + " without authentication");
        }
        final HttpContext context = server.createContext(pathPrefix, handler);
        if (authenticator != null) {
            context.setAuthenticator(authenticator);
        }
        return this;
    }

    /** What it was bound with. */
    public HttpAccess access() {
        return access;
    }

    /** The requests refused for want of the token, for {@code /metrics}. */
    public RefusedRequests refusedRequests() {
        return refused;
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

    /** The URL of {@code path} here: {@code https://127.0.0.1:8080/metrics}, {@code http://...} without TLS. */
    public String url(final String path) {
        return access.scheme() + "://" + address() + path;
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
