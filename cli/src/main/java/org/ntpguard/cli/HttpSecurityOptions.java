package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.ntpguard.cli.serve.AccessToken;
import org.ntpguard.cli.serve.HttpAccess;
import org.ntpguard.cli.serve.TlsKeystore;
import picocli.CommandLine.Option;

/**
 * TLS and the token of the HTTP endpoints, for every command that serves HTTP. Secrets come from files or the
 * environment, never from the command line, where {@code ps} and shell histories show them.
 */
final class HttpSecurityOptions {

    @Option(names = "--tls-keystore", paramLabel = "<file>",
            description = "Serve HTTPS with the key and certificate of this PKCS#12 keystore (keytool -genkeypair "
                    + "-storetype PKCS12 ...); its password from --tls-keystore-password-file or -env.")
    Path keystore;

    @Option(names = "--tls-keystore-password-file", paramLabel = "<file>",
            description = "The keystore's password: this file's content, without its final newline.")
    Path keystorePasswordFile;

    @Option(names = "--tls-keystore-password-env", paramLabel = "<name>",
            description = "The keystore's password: the value of this environment variable.")
    String keystorePasswordEnv;

    @Option(names = "--http-token-file", paramLabel = "<file>",
            description = "Require this file's token (32 or more characters, e.g. openssl rand -hex 32) for the "
                    + "blocklist feeds and /hosts, as 'Authorization: Bearer <token>' or as the password of basic "
                    + "authentication (any user name).")
    Path tokenFile;

    @Option(names = "--http-token-env", paramLabel = "<name>",
            description = "As --http-token-file, the token from this environment variable.")
    String tokenEnv;

    @Option(names = "--protect-metrics",
            description = "Require the token for /metrics and /health/* too (open by default, as Prometheus "
                    + "exporters are).")
    boolean protectMetrics;

    @Option(names = "--insecure-http",
            description = "Serve the blocklist feeds and /hosts beyond loopback (--http-bind) without a token.")
    boolean insecureHttp;

    /**
     * The access these options ask for on {@code bind}, or null after one line on stderr saying what is wrong: a
     * secret that cannot be read, or protected routes beyond loopback without a token or {@code --insecure-http}.
     *
     * @param protectedRoutes what the command serves that needs the token ("the blocklist feeds and /hosts"); null
     *                        when it serves only /metrics and /health/*
     */
    HttpAccess access(final String command, final String bind, final String protectedRoutes,
                      final PrintWriter err) {
        try {
            final HttpAccess access = resolve(protectedRoutes);
            final InetAddress address = addressOf(bind);
            if (address != null && protectedRoutes != null && access.exposesUnauthenticated(address)) {
                throw new IllegalArgumentException("--http-bind " + bind + " would serve " + protectedRoutes
                        + " beyond this host to anyone: give --http-token-file <file> (and --tls-keystore <file>), "
                        + "or --insecure-http");
            }
            if (address != null && access.sendsTokenInClear(address)) {
                err.println("ntpguard " + command + ": the token crosses the network in clear text from --http-bind "
                        + bind + ": add --tls-keystore unless the network is trusted");
                err.flush();
            }
            return access;
        } catch (final IllegalArgumentException e) {
            err.println("ntpguard " + command + ": " + e.getMessage());
            err.flush();
            return null;
        }
    }

    private HttpAccess resolve(final String protectedRoutes) {
        if (tokenFile != null && tokenEnv != null) {
            throw new IllegalArgumentException("--http-token-file and --http-token-env: one or the other");
        }
        if (keystorePasswordFile != null && keystorePasswordEnv != null) {
            throw new IllegalArgumentException("--tls-keystore-password-file and --tls-keystore-password-env: one "
                    + "or the other");
        }
        final Optional<AccessToken> token = tokenFile != null ? Optional.of(token("--http-token-file " + tokenFile,
                readSecret(tokenFile, "--http-token-file")))
                : tokenEnv != null ? Optional.of(token("--http-token-env " + tokenEnv, environment(tokenEnv,
                "--http-token-env"))) : Optional.empty();
        if (protectMetrics && token.isEmpty()) {
            throw new IllegalArgumentException("--protect-metrics needs the token: --http-token-file <file> or "
                    + "--http-token-env <name>");
        }
        if (token.isPresent() && protectedRoutes == null && !protectMetrics) {
            throw new IllegalArgumentException("the token would protect nothing: only /metrics and /health/* are "
                    + "served here (add --protect-metrics)");
        }
        return new HttpAccess(tls(), token, protectMetrics, insecureHttp);
    }

    private Optional<TlsKeystore> tls() {
        if (keystore == null) {
            if (keystorePasswordFile != null || keystorePasswordEnv != null) {
                throw new IllegalArgumentException("a keystore password without --tls-keystore");
            }
            return Optional.empty();
        }
        final String password = keystorePasswordFile != null
                ? readSecret(keystorePasswordFile, "--tls-keystore-password-file")
                : keystorePasswordEnv != null ? environment(keystorePasswordEnv, "--tls-keystore-password-env")
                : null;
        if (password == null) {
            throw new IllegalArgumentException("--tls-keystore " + keystore + " needs its password: "
                    + "--tls-keystore-password-file <file> or --tls-keystore-password-env <name>");
        }
        return Optional.of(TlsKeystore.load(keystore, password.toCharArray()));
    }

    private static AccessToken token(final String source, final String token) {
        try {
            return AccessToken.of(token);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** A file's content without its final newline (echo and editors add one; a secret never ends in one). */
    static String readSecret(final Path file, final String option) {
        try {
            return Files.readString(file).replaceFirst("\r?\n$", "");
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException(option + " " + file + ": no such file");
        } catch (final IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot read: " + OneLineErrors.describe(e));
        }
    }

    private static String environment(final String name, final String option) {
        final String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(option + " " + name + ": not set or empty");
        }
        return value;
    }

    /** Null when it does not resolve: binding says so then, in a line of its own. */
    private static InetAddress addressOf(final String bind) {
        try {
            return InetAddress.getByName(bind);
        } catch (final UnknownHostException e) {
            return null;
        }
    }
}
