package org.ntpguard.cli.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The deployment files at the project root (docker-compose.yml, Dockerfile, dashboards/), read as the tools that use
 * them would, and the external tools that check them (promtool, docker-compose).
 */
final class DeploymentFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private DeploymentFiles() {
    }

    /** The project root: Maven passes it to the tests; from an IDE, the nearest ancestor holding dashboards/. */
    static Path root() {
        final String start = System.getProperty("ntpguard.root", System.getProperty("user.dir"));
        for (Path dir = Path.of(start).toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("dashboards").resolve("metrics-catalogue.txt"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no dashboards/metrics-catalogue.txt in " + start + " or above");
    }

    static Path file(final String relativePath) {
        return root().resolve(relativePath);
    }

    static JsonNode json(final Path path) {
        try {
            return JSON.readTree(path.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    static JsonNode yaml(final Path path) {
        try {
            return YAML.readTree(path.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The elements of a JSON or YAML array (none for a missing node). */
    static List<JsonNode> elements(final JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    static List<Path> filesEndingWith(final String folder, final String suffix) {
        try (Stream<Path> files = Files.list(file(folder))) {
            return files.filter(path -> path.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MetricsCatalogue catalogue() {
        return MetricsCatalogue.read(file("dashboards/metrics-catalogue.txt"));
    }

    /** The executable on the PATH; the calling test is skipped when it is missing (.ci/run installs both tools). */
    static Path requireTool(final String name, final String debianPackage) {
        final Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(found.isPresent(), name + " is not installed (Debian package " + debianPackage + ")");
        return found.orElseThrow();
    }

    record ToolRun(int exitCode, String output) {
    }

    /** Runs a command in the project root, stdout and stderr together. */
    static ToolRun run(final String... command) {
        try {
            final Process process = new ProcessBuilder(command).directory(root().toFile())
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish: " + output);
            }
            return new ToolRun(process.exitValue(), output);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
