package org.ntpguard.cli.serve;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.util.Optional;

/**
 * Who may use the HTTP endpoints, and over what: TLS or plain HTTP, and the token that the protected routes (the
 * blocklist feeds, {@code /hosts}) need, which {@code /metrics} and {@code /health/*} need only when
 * {@code protectMonitoring}.
 *
 * @param tls               HTTPS with this keystore; empty for plain HTTP
 * @param token             what protected routes need; empty for none
 * @param protectMonitoring the token guards {@code /metrics} and {@code /health/*} too
 * @param insecure          protected routes may be served beyond loopback without a token ({@code --insecure-http})
 */
public record HttpAccess(Optional<TlsKeystore> tls, Optional<AccessToken> token, boolean protectMonitoring,
                         boolean insecure) {

    /** Plain HTTP, no token: what serves loopback only. */
    public static final HttpAccess PLAIN = new HttpAccess(Optional.empty(), Optional.empty(), false, false);

    public HttpAccess {
        if (protectMonitoring && token.isEmpty()) {
            throw new IllegalArgumentException("protecting /metrics needs a token");
        }
    }

    /** Whether protected routes served on {@code address} would be open to others than this host. */
    public boolean exposesUnauthenticated(final InetAddress address) {
        return token.isEmpty() && !insecure && !address.isLoopbackAddress();
    }

    /** How other instances of a deployment serve, as this one does: "https" or "http". */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /** A client for the other instances of a deployment: with TLS, one that trusts their certificates. */
    public HttpClient.Builder peerClient() {
        final HttpClient.Builder client = HttpClient.newBuilder();
        tls.ifPresent(keystore -> client.sslContext(keystore.peers()));
        return client;
    }

    /** Whether a token would cross the network from {@code address} unencrypted. */
    public boolean sendsTokenInClear(final InetAddress address) {
        return token.isPresent() && tls.isEmpty() && !address.isLoopbackAddress();
    }
}
