package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ntpguard.capture.live.LiveCaptureOptions;
import picocli.CommandLine;

/** {@code --buffer-size} and {@code --immediate} of sensor, run and decode: parsed, applied, refused when wrong. */
class LiveCaptureTuningTest {

    private final CommandRun command = new CommandRun();

    @ParameterizedTest
    @CsvSource({"65536, 65536", "64k, 65536", "64K, 65536", "32m, 33554432", "1g, 1073741824",
            "2147483647, 2147483647"})
    void shouldReadBytesWithOptionalSuffixWhenGivenASize(final String text, final int bytes) {
        assertThat(new LiveCaptureTuning.ByteSize().convert(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "sensor", "decode"})
    void shouldApplyBufferSizeAndImmediateModeWhenGivenOnTheCommandLine(final String name) {
        // given
        final CommandLine commandLine = NtpGuardCommand.commandLine();

        // when
        final CommandLine.ParseResult parsed = commandLine.parseArgs(live(name, "--buffer-size", "64m",
                "--immediate")).subcommand();

        // then
        final LiveCaptureOptions options = tuning(parsed).applyTo(LiveCaptureOptions.of("lo"));
        assertThat(options.bufferSizeBytes()).isEqualTo(64 * 1024 * 1024);
        assertThat(options.immediateMode()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "sensor", "decode"})
    void shouldKeepTheDefaultsWhenNeitherOptionIsGiven(final String name) {
        final CommandLine.ParseResult parsed = NtpGuardCommand.commandLine().parseArgs(live(name)).subcommand();

        final LiveCaptureOptions options = tuning(parsed).applyTo(LiveCaptureOptions.of("lo"));

        assertThat(options.bufferSizeBytes()).isEqualTo(LiveCaptureOptions.DEFAULT_BUFFER_SIZE_BYTES)
                .isEqualTo(32 * 1024 * 1024);
        assertThat(options.immediateMode()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "64x", "k", "2g", "99999999999", "1.5m", ""})
    void shouldRefuseABadBufferSizeWithUsageAndExitTwo(final String size) {
        final int status = command.run("run", "-i", "lo", "--buffer-size", size);

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).contains("Invalid value for option '--buffer-size': '" + size
                        + "' (expected: 1 to 2147483647 bytes, or a number followed by k, m or g, e.g. 64m, below 2g)",
                "Usage: ntpguard run").doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseTheLiveOptionsWhenReadingFiles() {
        final int decode = command.run("decode", "--buffer-size", "64m", "x.pcap");
        final int sensor = command.run("sensor", "--read", "x.pcap", "-b", "127.0.0.1:9", "--immediate");

        assertThat(decode).isEqualTo(ExitCodes.FAILED);
        assertThat(sensor).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).contains(
                "--buffer-size and --immediate apply to live capture (--interface) only", "Usage: ntpguard decode",
                "Usage: ntpguard sensor").doesNotContain("\tat ");
    }

    /** {@code name -i lo} plus what that command requires, then {@code more}. */
    private static String[] live(final String name, final String... more) {
        final List<String> args = new ArrayList<>(List.of(name, "-i", "lo"));
        if (name.equals("sensor")) {
            args.addAll(List.of("-b", "127.0.0.1:9"));
        }
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static LiveCaptureTuning tuning(final CommandLine.ParseResult parsed) {
        final Object command = parsed.commandSpec().userObject();
        if (command instanceof RunCommand run) {
            return run.tuning;
        }
        return command instanceof SensorCommand sensor ? sensor.tuning : ((DecodeCommand) command).tuning;
    }
}
