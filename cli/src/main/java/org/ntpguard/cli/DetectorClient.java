package org.ntpguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/** The options and the one request of the commands that change a running detector: allow, unblock. */
final class DetectorClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--detector", required = true, paramLabel = "<url>",
            description = "The running detector's HTTP endpoints, e.g. https://detector:8443.")
    URI detector;

    @Option(names = "--reason", required = true, paramLabel = "<text>",
            description = "Why, for the audit trail (GET /audit).")
    String reason;

    @Option(names = "--by", paramLabel = "<name>",
            description = "Who makes the change (default: the user the detector authenticated).")
    String by;

    @Option(names = "--http-token-file", paramLabel = "<file>",
            description = "The detector's token, from this file, sent as 'Authorization: Bearer <token>'.")
    Path tokenFile;

    @Option(names = "--cacert", paramLabel = "<file>",
            description = "Trust the detector's certificate(s) in this PEM file (a self-signed one, your CA's).")
    Path caCertificate;

    /** The detector's answer: its status and body. */
    record Answer(int status, String body) {
    }

    /**
     * Sends {@code reason} and {@code by} as query parameters.
     *
     * @throws IllegalArgumentException an option that cannot be used (file, URL), with a one-line message
     * @throws IOException              the detector could not be reached
     */
    Answer send(final String method, final String path) throws IOException, InterruptedException {
        final StringJoiner query = new StringJoiner("&", "?", "");
        query.add("reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8));
        if (by != null) {
            query.add("by=" + URLEncoder.encode(by, StandardCharsets.UTF_8));
        }
        final String base = detector.toString().replaceFirst("/+$", "");
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new IllegalArgumentException("--detector " + detector + " (expected: http://host:port or "
                    + "https://host:port)");
        }
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query))
                .timeout(TIMEOUT).method(method, HttpRequest.BodyPublishers.noBody());
        if (tokenFile != null) {
            request.header("Authorization", "Bearer " + HttpSecurityOptions.readSecret(tokenFile, "--http-token-file"));
        }
        final HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (caCertificate != null) {
            client.sslContext(trusting(caCertificate));
        }
        final HttpResponse<String> response = client.build().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private static SSLContext trusting(final Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (final Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("--cacert " + pem + ": no certificate (expected: PEM)");
            }
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (final IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--cacert " + pem + ": " + OneLineErrors.describe(e));
        }
    }

    /**
     * Sends the change and reports it: the recorded change on stdout, status 0; or one line on stderr naming the
     * detector's answer, status 2.
     */
    static int change(final String command, final DetectorClient client, final String method, final String path,
                      final java.io.PrintWriter out, final java.io.PrintWriter err) throws InterruptedException {
        try {
            final Answer answer = client.send(method, path);
            if (answer.status() == 200) {
                out.print(answer.body());
                out.flush();
                return ExitCodes.OK;
            }
            err.println("ntpguard " + command + ": " + client.detector + " answered " + answer.status()
                    + (answer.body().isBlank() ? "" : ": " + answer.body().strip().lines().findFirst().orElse("")));
        } catch (final IllegalArgumentException e) {
            err.println("ntpguard " + command + ": " + e.getMessage());
        } catch (final java.net.ConnectException e) {
            err.println("ntpguard " + command + ": cannot reach " + client.detector + ": connection refused or "
                    + "unreachable (is the detector running with HTTP there?)");
        } catch (final IOException e) {
            err.println("ntpguard " + command + ": cannot reach " + client.detector + ": "
                    + OneLineErrors.describe(e));
        }
        err.flush();
        return ExitCodes.FAILED;
    }

    /** The path segment of an address or prefix, kept readable: {@code 192.0.2.0/24} stays as it is. */
    static String segment(final String addressOrPrefix) {
        final String encoded = URLEncoder.encode(addressOrPrefix.strip(), StandardCharsets.UTF_8);
        return encoded.replace("%2F", "/").replace("%3A", ":");
    }
}
