package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.streams.detect.DetectionConfig;

/** The --config file: ntpguard.* keys read, any other key named in a warning rather than silently dropped. */
class DetectionFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheNtpguardKeysAndNameEveryOtherKeyAsIgnored() throws IOException {
        final Path file = Files.writeString(dir.resolve("detect.properties"),
                "ntpguard.window.size=60s\nntpgard.window.grace=2s\nlog.level=debug\n");
        final StringWriter err = new StringWriter();

        final DetectionConfig config = DetectionFile.read("analyze", file, new PrintWriter(err));

        assertThat(config).isNotNull();
        assertThat(config.windowSize()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.grace()).isEqualTo(DetectionConfig.defaults().grace());
        assertThat(err.toString().lines()).containsExactly(
                "ntpguard analyze: " + file + ": 'log.level' ignored (only ntpguard.* keys are read)",
                "ntpguard analyze: " + file + ": 'ntpgard.window.grace' ignored (only ntpguard.* keys are read)");
    }
}
