package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** -V and --version answer on every command, with the version the top-level command prints. */
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
}
