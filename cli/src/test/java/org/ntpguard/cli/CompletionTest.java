package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ntpguard generate-completion} writes a bash completion script that bash really completes with. */
class CompletionTest {

    @Test
    void shouldCompleteSubcommandsAndOptionsInBash(@TempDir final Path dir) throws Exception {
        final CommandRun run = new CommandRun();
        assertThat(run.run("generate-completion")).isZero();
        final Path script = dir.resolve("ntpguard_completion");
        Files.writeString(script, run.out.toString());

        assertThat(complete(script, "ntpguard", "ana")).isEqualTo("analyze");
        assertThat(complete(script, "ntpguard", "analyze", "--flow-i")).isEqualTo("--flow-interval");
    }

    /** What bash offers for the last word, through the script's completion function. */
    private static String complete(final Path script, final String... words) throws Exception {
        final String line = String.join(" ", words);
        final String program = "source '" + script + "'\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
                + "COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1) + "\n"
                + "_complete_ntpguard ntpguard\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        final Process bash = new ProcessBuilder("bash", "-c", program)
                // compopt complains outside a real completion; what bash offers is on stdout.
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
