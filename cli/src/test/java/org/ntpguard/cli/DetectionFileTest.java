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
import org.ntpguard.streams.detect.Networks;

/** The --config file: ntpguard.* keys read, any other key named in a warning rather than silently dropped. */
class DetectionFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheNtpguardKeysAndNameEveryOtherKeyAsIgnored() throws IOException {
        final Path file = Files.writeString(dir.resolve("detect.properties"),
                "ntpguard.window.size=60s\nntpgard.window.grace=2s\nlog.level=debug\n");
        final StringWriter err = new StringWriter();

        final DetectionConfig config = DetectionFile.read("analyze", file, null, new PrintWriter(err));

        assertThat(config).isNotNull();
        assertThat(config.windowSize()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.grace()).isEqualTo(DetectionConfig.defaults().grace());
        assertThat(err.toString().lines()).containsExactly(
                "ntpguard analyze: " + file + ": 'log.level' ignored (only ntpguard.* keys are read)",
                "ntpguard analyze: " + file + ": 'ntpgard.window.grace' ignored (only ntpguard.* keys are read)");
    }

    @Test
    void shouldLetHomeNetOverrideTheFilesHomeNetworksUnderEitherName() throws IOException {
        final Path file = Files.writeString(dir.resolve("detect.properties"),
                "ntpguard.trusted.networks=10.0.0.0/8\n");
        final StringWriter err = new StringWriter();

        final DetectionConfig fromFile = DetectionFile.read("analyze", file, null, new PrintWriter(err));
        final DetectionConfig overridden = DetectionFile.read("analyze", file, "192.0.2.0/24", new PrintWriter(err));
        final DetectionConfig noFile = DetectionFile.read("analyze", null, "2001:db8::/32", new PrintWriter(err));

        assertThat(fromFile.trustedNetworks()).isEqualTo(Networks.parse("10.0.0.0/8"));
        assertThat(overridden.trustedNetworks()).isEqualTo(Networks.parse("192.0.2.0/24"));
        assertThat(noFile.trustedNetworks()).isEqualTo(Networks.parse("2001:db8::/32"));
        assertThat(noFile.homeNetworksConfigured()).isTrue();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldRefuseABadHomeNetInOneLine() {
        final StringWriter err = new StringWriter();

        assertThat(DetectionFile.read("run", null, "10.0.0.1/8", new PrintWriter(err))).isNull();
        assertThat(err.toString().trim()).startsWith("ntpguard run: --home-net: ").contains("bad value for "
                + "ntpguard.home.networks: '10.0.0.1/8'").doesNotContain("Exception");
    }
}
