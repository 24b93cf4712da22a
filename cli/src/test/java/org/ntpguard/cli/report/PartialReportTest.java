package org.ntpguard.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.Severity;
import org.ntpguard.streams.export.FeedSettings;

/** A report that does not hold the whole input says so, and a failed run's report holds no blocklist feed. */
class PartialReportTest {

    @TempDir
    Path dir;

    private final List<BlocklistEntry> blocklist = List.of(new BlocklistEntry(
            ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, (byte) 200}), 32, "SCANNER: mode 6 to 250 servers",
            List.of("a"), 1_500L, 29_000L, 3_629_000L, Severity.MEDIUM));

    @Test
    void shouldSayInSummaryJsonThatAndWhyAReportIsPartial() {
        final AnalysisReport report = new AnalysisReport(List.of(), blocklist, Map.of("frames", 10L))
                .markedPartial("stopped by Ctrl-C or SIGTERM");

        assertThat(report.summaryJson()).isEqualTo("{\"frames\":10,\"alerts\":0,\"alertsByType\":{},"
                + "\"blocklisted\":1,\"partial\":true,\"partialReason\":\"stopped by Ctrl-C or SIGTERM\"}\n");
        assertThat(new AnalysisReport(List.of(), blocklist, Map.of()).summaryJson()).doesNotContain("partial");
    }

    @Test
    void shouldWriteNoFeedForAFailedRunAndRemoveAnEarlierRunsFeeds() throws IOException {
        final AnalysisReport report = new AnalysisReport(List.of(), blocklist, Map.of("frames", 10L));
        report.writeTo(dir, new FeedSettings(Duration.ofHours(1), 0)); // an earlier, good run
        assertThat(dir.resolve("blocklist.nft")).exists();

        report.writeTo(dir, null);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("alerts.jsonl", "summary.json");
        }
    }
}
