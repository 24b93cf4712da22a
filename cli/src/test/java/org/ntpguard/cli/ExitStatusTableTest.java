package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One exit-status table, the same in every command's {@code --help}. */
class ExitStatusTableTest {

    @ParameterizedTest
    @ValueSource(strings = {"analyze", "run", "detect", "sensor", "decode", "simulate", "allow", "unblock"})
    void shouldListEveryExitStatusInTheHelpOfEachCommand(final String name) {
        final CommandRun command = new CommandRun();

        assertThat(command.run(name, "--help")).isZero();

        assertThat(command.out.toString()).contains("Exit status:")
                .containsPattern("\\n +0 +clean; for run, detect and sensor also a stop asked for")
                .containsPattern("\\n +1 +results produced, but some input was damaged")
                .containsPattern("\\n +2 +nothing useful produced")
                .containsPattern("\\n +3 +the JVM ran out of memory")
                .containsPattern("\\n +130 +analyze stopped by Ctrl-C or SIGTERM");
    }
}
