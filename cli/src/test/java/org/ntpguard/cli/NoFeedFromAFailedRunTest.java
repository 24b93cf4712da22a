package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.cli.report.AnalysisReport;
import org.ntpguard.streams.export.FeedSettings;

/**
 * A run that failed writes no blocklist feed (loaded, an empty or truncated feed would empty a firewall's sets), and
 * a report folder that cannot be written still leaves the alerts on the console.
 */
class NoFeedFromAFailedRunTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteNoBlocklistFeedWhenNoFrameOfTheInputCouldBeRead() throws IOException {
        // A pcap header the pre-flight check accepts, then a first record claiming 2 GB: not one frame is read.
        final ByteBuffer pcap = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        pcap.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65_535)
                .putInt(1); // magic, version 2.4, thiszone, sigfigs, snaplen, LINKTYPE_ETHERNET
        pcap.putInt(1_700_000_000).putInt(0).putInt(0x7fff_ffff).putInt(0x7fff_ffff); // ts, caplen, len
        final Path broken = Files.write(dir.resolve("broken.pcap"), pcap.array());
        final Path out = dir.resolve("report");
        final CommandRun command = new CommandRun();

        final int status = command.run("analyze", "--out", out.toString(), broken.toString());

        assertThat(status).as(command.err.toString()).isEqualTo(ExitCodes.FAILED);
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("blocklist."));
        }
    }

    @Test
    void shouldPrintTheReportWhenItsFolderCannotBeWritten() throws IOException {
        final Path out = Files.createDirectories(dir.resolve("report"));
        Files.createDirectories(out.resolve("alerts.jsonl").resolve("in-the-way"));
        final StringWriter err = new StringWriter();
        final StringWriter stdout = new StringWriter();

        final boolean written = EmbeddedPipeline.write("analyze", new AnalysisReport(List.of(), List.of(),
                Map.of("frames", 1L)), null, List.of(), out, new FeedSettings(Duration.ofHours(1), 0), new PrintWriter(err),
                new PrintWriter(stdout));

        assertThat(written).isFalse();
        assertThat(err.toString()).startsWith("ntpguard analyze: cannot write the report into " + out + ": ")
                .doesNotContain("wrote");
        assertThat(stdout.toString()).contains("No alert.");
    }
}
