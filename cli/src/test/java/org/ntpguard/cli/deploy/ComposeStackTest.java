package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.cli.deploy.DeploymentFiles.ToolRun;

class ComposeStackTest {

    private final JsonNode services = DeploymentFiles.yaml(DeploymentFiles.file("docker-compose.yml"))
            .path("services");

    private static List<String> texts(final JsonNode array) {
        return DeploymentFiles.elements(array).stream().map(JsonNode::asText).toList();
    }

    private String bootstrapServers(final String service) {
        final List<String> command = texts(services.path(service).path("command"));
        return command.get(command.indexOf("--bootstrap-servers") + 1);
    }

    @Test
    void shouldPassDockerComposeConfig() {
        final Path dockerCompose = DeploymentFiles.requireTool("docker-compose", "docker-compose");

        final ToolRun run = DeploymentFiles.run(dockerCompose.toString(), "-f", "docker-compose.yml", "config", "-q");

        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void shouldGiveTheDetectorTheTokenTheStackGeneratesThroughAFileNotItsCommandLine() {
        final JsonNode detector = services.path("detector");
        final JsonNode generator = services.path("feed-token");
        final List<String> command = texts(detector.path("command"));

        // The detector reads the token from a file in a volume that the generating service writes, once it is done.
        final String tokenFile = command.get(command.indexOf("--http-token-file") + 1);
        final String folder = tokenFile.substring(0, tokenFile.lastIndexOf('/'));
        assertThat(texts(detector.path("volumes"))).anyMatch(volume -> volume.matches("feed-token:" + folder + ":ro"));
        assertThat(texts(generator.path("volumes"))).contains("feed-token:" + folder);
        assertThat(detector.path("depends_on").path("feed-token").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(command).doesNotContain("--insecure-http", "--http-token-env");
    }

    /** The generating service's script, run here on a folder of the test's with the image's user left out. */
    @Test
    void shouldGenerateATokenOnceKeepItAndTakeTheOneGivenInstead(@TempDir final Path dir) throws Exception {
        final String script = texts(services.path("feed-token").path("command")).get(0)
                .replace("$$", "$") // compose's escape for a literal $
                .replace("/run/ntpguard", dir.toString())
                .replace("chown ntpguard:ntpguard", "true"); // no such user outside the image
        final Path token = dir.resolve("feed-token");

        assertThat(runScript(script, null)).isZero();
        final String generated = Files.readString(token);
        assertThat(generated).matches("[0-9a-f]{64}");
        assertThat(Files.getPosixFilePermissions(token)).hasToString("[OWNER_READ]");

        assertThat(runScript(script, null)).isZero();
        assertThat(Files.readString(token)).as("kept across restarts").isEqualTo(generated);

        final String given = "0123456789abcdef0123456789abcdef-given";
        assertThat(runScript(script, given)).isZero();
        assertThat(Files.readString(token)).isEqualTo(given);
    }

    private static int runScript(final String script, final String givenToken) throws Exception {
        final ProcessBuilder shell = new ProcessBuilder("sh", "-c", script).inheritIO();
        shell.environment().remove("NTPGUARD_FEED_TOKEN");
        if (givenToken != null) {
            shell.environment().put("NTPGUARD_FEED_TOKEN", givenToken);
        }
        return shell.start().waitFor();
    }

    @Test
    void shouldBindMountOnlyFilesOfTheProject() {
        int mounts = 0;
        for (final JsonNode service : services) {
            for (final String volume : texts(service.path("volumes"))) {
                if (volume.startsWith("./")) {
                    mounts++;
                    final String source = volume.substring(0, volume.indexOf(':'));
                    assertThat(DeploymentFiles.file(source)).as(volume).exists();
                }
            }
        }
        assertThat(mounts).isPositive();
    }

    @Test
    void shouldLetTheHostNetworkSensorReachKafkaThroughAPublishedAdvertisedListener() {
        // given: the sensor is on the host's network, so only a port published on the host reaches the broker
        final JsonNode kafka = services.path("kafka");
        final String bootstrap = bootstrapServers("sensor");
        final String port = bootstrap.substring(bootstrap.lastIndexOf(':') + 1);

        // then: the broker advertises that very address (clients reconnect to what it advertises) and publishes it
        assertThat(services.path("sensor").path("network_mode").asText()).isEqualTo("host");
        assertThat(bootstrap).startsWith("localhost:");
        assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .containsPattern("[A-Z_]+://" + Pattern.quote(bootstrap) + "(,|$)");
        assertThat(texts(kafka.path("ports"))).anyMatch(mapping -> mapping.endsWith(":" + port + ":" + port));
    }

    @Test
    void shouldLetTheDetectorReachKafkaByItsServiceName() {
        final String bootstrap = bootstrapServers("detector");

        assertThat(services.has(bootstrap.substring(0, bootstrap.indexOf(':')))).as(bootstrap).isTrue();
        assertThat(services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .containsPattern("[A-Z_]+://" + Pattern.quote(bootstrap) + "(,|$)");
    }

    @Test
    void shouldRunTheBrokerVersionOfTheKafkaClients() throws IOException {
        // given
        final Matcher clients = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                .matcher(Files.readString(DeploymentFiles.file("pom.xml")));
        assertThat(clients.find()).as("kafka.version in pom.xml").isTrue();

        // then
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + clients.group(1));
    }

    @Test
    void shouldCopyTheJarTheCliModuleBuildsAndRunIt() throws IOException {
        // given
        final Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>")
                .matcher(Files.readString(DeploymentFiles.file("cli/pom.xml")));
        assertThat(finalName.find()).isTrue();
        final String dockerfile = Files.readString(DeploymentFiles.file("Dockerfile"));

        // when
        final Matcher copy = Pattern.compile("COPY --from=build /src/(\\S+) (\\S+)").matcher(dockerfile);

        // then
        assertThat(copy.find()).as("COPY of the jar from the build stage").isTrue();
        assertThat(copy.group(1)).isEqualTo("cli/target/" + finalName.group(1) + ".jar");
        final Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[(.*?)]", Pattern.DOTALL).matcher(dockerfile);
        assertThat(entrypoint.find()).as("ENTRYPOINT").isTrue();
        final List<String> command = Pattern.compile("\"([^\"]*)\"").matcher(entrypoint.group(1)).results()
                .map(m -> m.group(1)).toList();
        assertThat(command).startsWith("java").endsWith("-jar", copy.group(2));
        // The JVM options between them are one argument file, the one ./ntpguard and the release's launcher read
        // (JIT thresholds, the out-of-memory exit with status 3), so that all three run alike.
        final Matcher options = Pattern.compile("COPY --from=build /src/(\\S+jvm\\.options) (\\S+)")
                .matcher(dockerfile);
        assertThat(options.find()).as("COPY of the JVM options").isTrue();
        assertThat(command.subList(1, command.size() - 2)).containsExactly("@" + options.group(2));
        assertThat(Files.readString(DeploymentFiles.file("ntpguard")))
                .contains("\"@$root/" + options.group(1) + "\"");
        assertThat(Files.readString(DeploymentFiles.file(options.group(1)))).contains("-XX:+ExitOnOutOfMemoryError")
                .containsPattern("(?m)^-XX:Tier4InvocationThreshold=\\d+$");
    }

    @Test
    void shouldCheckTheHealthOfSensorAndDetectorOnThePortEachServes() {
        for (final String service : List.of("sensor", "detector")) {
            // given
            final List<String> command = texts(services.path(service).path("command"));
            final String port = command.get(command.indexOf("--http-port") + 1);

            // when
            final List<String> check = texts(services.path(service).path("healthcheck").path("test"));

            // then: the readiness endpoint of that very process (the sensor is on the host's network, the detector
            // in its own container: localhost is the process's host either way)
            assertThat(check).as(service).startsWith("CMD", "curl", "-fsS")
                    .endsWith("http://localhost:" + port + "/health/ready");
        }
    }

    @Test
    void shouldKeepEveryMavenModuleInTheBuildContext() throws IOException {
        // given
        final Matcher module = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(DeploymentFiles.file("pom.xml")));
        final List<String> ignored = Files.readAllLines(DeploymentFiles.file(".dockerignore")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.replaceAll("^/|/$", "")).toList();

        // then: Maven reads every module's POM, even with -pl cli -am
        int modules = 0;
        while (module.find()) {
            modules++;
            assertThat(ignored).as(".dockerignore").doesNotContain(module.group(1));
        }
        assertThat(modules).isPositive();
        assertThat(ignored).doesNotContain("mvnw", ".mvn", "pom.xml");
    }
}
