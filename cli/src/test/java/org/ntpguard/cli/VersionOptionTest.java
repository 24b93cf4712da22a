package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** -V and --version answer on every command, with the version and git commit the build wrote. */
class VersionOptionTest {

    @Test
    void shouldPrintTheVersionOnEverySubcommand() {
        final CommandRun top = new CommandRun();
        assertThat(top.run("--version")).isZero();
        final String version = top.out.toString();
        assertThat(version).startsWith("ntpguard ");

        for (final String command : new String[] {"decode", "sensor", "detect", "analyze", "run", "simulate"}) {
            final CommandRun run = new CommandRun();
            assertThat(run.run(command, "-V")).as(command).isZero();
            assertThat(run.out.toString()).as(command + " -V").isEqualTo(version);
        }
    }

    @Test
    void shouldNameTheBuildsVersionAndTheCommitItWasBuiltFrom() throws Exception {
        final CommandRun top = new CommandRun();
        assertThat(top.run("--version")).isZero();
        final String version = top.out.toString().trim();

        assertThat(version).startsWith("ntpguard " + System.getProperty("ntpguard.version") + " (commit ");
        final Path root = Path.of(System.getProperty("ntpguard.root"));
        if (Files.exists(root.resolve(".git"))) {
            final String head = git(root, "rev-parse", "HEAD");
            final String commit = version.replaceFirst("^.*\\(commit ([0-9a-f]+).*$", "$1");
            assertThat(commit).hasSizeGreaterThanOrEqualTo(7);
            assertThat(head).startsWith(commit);
        }
    }

    @Test
    void shouldSayUnknownForWhatABuildWithoutGitCouldNotFillIn() {
        final Properties noGit = new Properties();
        noGit.setProperty("version", "1.2.3");
        noGit.setProperty("commit", "${git.commit.id.abbrev}");
        noGit.setProperty("dirty", "${git.dirty}");
        noGit.setProperty("commitTime", "${git.commit.time}");
        assertThat(VersionProvider.describe(noGit)).isEqualTo("ntpguard 1.2.3 (commit unknown)");

        final Properties modified = new Properties();
        modified.setProperty("version", "1.2.3");
        modified.setProperty("commit", "abc1234");
        modified.setProperty("dirty", "true");
        modified.setProperty("commitTime", "2026-12-03T15:00:00Z");
        assertThat(VersionProvider.describe(modified))
                .isEqualTo("ntpguard 1.2.3 (commit abc1234, modified, 2026-12-03T15:00:00Z)");
    }

    private static String git(final Path root, final String... args) throws IOException, InterruptedException {
        final String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = root.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        final Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
