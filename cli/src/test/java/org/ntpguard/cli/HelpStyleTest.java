package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One help style in every command: a one-line summary above the usage, labels as {@code <lowercase>}, and each
 * description a sentence (capital first, full stop last, the default in brackets before it).
 */
class HelpStyleTest {

    /** {@code <file>}, {@code <file.pcap>}, {@code <host:port>}, {@code <events/s>}, {@code <cidr>[,<cidr>...]}. */
    private static final Pattern LABEL =
            Pattern.compile("<[a-z][a-z0-9:./-]*>(\\[,<[a-z][a-z0-9:./-]*>\\.\\.\\.])?");
    /** picocli's own subcommands, whose texts are its own. */
    private static final List<String> PICOCLI_COMMANDS = List.of("help", "generate-completion");

    @Test
    void shouldSummariseEveryCommandInOneSentenceAboveItsUsage() {
        final List<String> problems = new ArrayList<>();
        for (final CommandLine command : commands()) {
            final String[] header = command.getCommandSpec().usageMessage().header();
            final String name = command.getCommandName();
            if (header.length == 0) {
                problems.add(name + ": no one-line summary above the usage");
            } else if (!isSentence(String.join(" ", header))) {
                problems.add(name + ": summary not a sentence: " + String.join(" ", header));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldLabelAndDescribeEveryOptionAndParameterAlike() {
        final List<String> problems = new ArrayList<>();
        for (final CommandLine command : commands()) {
            final CommandSpec spec = command.getCommandSpec();
            for (final ArgSpec arg : spec.args()) {
                final String name = spec.name() + " " + (arg instanceof OptionSpec option ? option.longestName()
                        : arg.paramLabel());
                if (arg.arity().max() > 0 && !LABEL.matcher(arg.paramLabel()).matches()) {
                    problems.add(name + ": label " + arg.paramLabel() + " (expected <lowercase>)");
                }
                final String description = String.join(" ", arg.description());
                if (!isSentence(description)) {
                    problems.add(name + ": description not a sentence: " + description);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static boolean isSentence(final String text) {
        final String trimmed = text.strip();
        return !trimmed.isEmpty() && !Character.isLowerCase(trimmed.codePointAt(0)) && trimmed.endsWith(".");
    }

    private static List<CommandLine> commands() {
        final List<CommandLine> commands = new ArrayList<>();
        collect(NtpGuardCommand.commandLine(), commands);
        assertThat(commands).hasSizeGreaterThan(5);
        return commands;
    }

    private static void collect(final CommandLine command, final List<CommandLine> into) {
        if (PICOCLI_COMMANDS.contains(command.getCommandName())) {
            return;
        }
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }
}
