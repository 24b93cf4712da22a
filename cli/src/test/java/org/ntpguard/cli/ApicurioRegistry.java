package org.ntpguard.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Apicurio Registry (Maven Central's {@code apicurio-registry-app} distribution, which the build unpacks) in a
 * process of its own on a loopback port, storage in memory, stopped on close.
 */
final class ApicurioRegistry implements AutoCloseable {

    private static final Duration START = Duration.ofMinutes(5);

    private final Process process;
    private final String root;
    private final Path log;

    private ApicurioRegistry(final Process process, final String root, final Path log) {
        this.process = process;
        this.root = root;
        this.log = log;
    }

    static ApicurioRegistry start(final Path log) throws IOException, InterruptedException {
        final String jar = System.getProperty("apicurio.registry.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no Apicurio Registry at " + jar + " (apicurio.registry.jar, which "
                    + "cli/pom.xml sets and the build unpacks)");
        }
        final int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        final Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0", "-jar", jar)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final ApicurioRegistry registry = new ApicurioRegistry(process, "http://127.0.0.1:" + port, log);
        registry.awaitReady();
        return registry;
    }

    /** The root of its Confluent-compatible API: what {@code schema.registry.url} names. */
    String url() {
        return root + "/apis/ccompat/v7";
    }

    private void awaitReady() throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry ended with status " + process.exitValue()
                        + "; its log: " + Files.readString(log));
            }
            try {
                final HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(URI.create(url()
                        + "/subjects")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (subjects.statusCode() == 200) {
                    return;
                }
            } catch (final IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        close();
        throw new IllegalStateException("Apicurio Registry not ready after " + START + "; its log: " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
