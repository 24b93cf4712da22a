package org.ntpguard.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.Severity;
import org.ntpguard.streams.export.BlocklistFormat;
import org.ntpguard.streams.export.BlocklistSnapshot;
import org.ntpguard.streams.export.FeedSettings;
import org.ntpguard.streams.topology.AlertRecords;

class AnalysisReportTest {

    @TempDir
    Path dir;

    private static ByteBuffer ip(final int a, final int b, final int c, final int d) {
        return ByteBuffer.wrap(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    private static NtpAlert alert(final String id, final AlertType type, final Severity severity,
                                  final ByteBuffer subject, final AlertRole role, final int updates) {
        return NtpAlert.newBuilder().setId(id).setType(type).setSeverity(severity).setSubject(subject).setRole(role)
                .setUnsolicited(false).setWindowStart(1_000L).setWindowEnd(31_000L).setFirstSeen(1_500L)
                .setLastSeen(29_000L).setRequests(10L).setRequestBytes(80L).setResponses(100L + updates)
                .setResponseBytes(44_000L).setByteRatio(550.0).setDistinctPeers(1L)
                .setTopPeers(List.of(new PeerTraffic(ip(198, 18, 0, 1), 10L, 80L, 100L, 44_000L)))
                .setKissCodes(Map.of()).setSensors(List.of("s1")).setSummary(type + " summary " + updates)
                .setUpdates(updates).build();
    }

    private final List<NtpAlert> updates = List.of(
            alert("a", AlertType.SCANNER, Severity.MEDIUM, ip(203, 0, 113, 200), AlertRole.SCANNER, 0),
            alert("b", AlertType.AMPLIFICATION_VICTIM, Severity.HIGH, ip(203, 0, 113, 66), AlertRole.VICTIM, 0),
            alert("b", AlertType.AMPLIFICATION_VICTIM, Severity.HIGH, ip(203, 0, 113, 66), AlertRole.VICTIM, 1));
    private final List<BlocklistEntry> blocklist = List.of(new BlocklistEntry(ip(203, 0, 113, 200), 32,
            "SCANNER: mode 6 to 250 servers", List.of("a"), 1_500L, 29_000L, 3_629_000L, Severity.MEDIUM));
    private final FeedSettings feeds = new FeedSettings(Duration.ofHours(1), 0);

    @Test
    void shouldKeepTheLatestVersionOfEachAlertMostSevereFirst() {
        final AnalysisReport report = new AnalysisReport(updates, blocklist, Map.of());

        assertThat(report.alerts()).extracting(NtpAlert::getId, NtpAlert::getUpdates)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", 1), org.assertj.core.groups.Tuple.tuple("a", 0));
    }

    @Test
    void shouldPutTheAlertWithTheMostResponseBytesFirstAmongThoseOfOneSeverityAndType() {
        final NtpAlert small = alert("s", AlertType.REFLECTOR, Severity.HIGH, ip(198, 18, 0, 1), AlertRole.REFLECTOR, 0);
        final NtpAlert large = alert("l", AlertType.REFLECTOR, Severity.HIGH, ip(198, 18, 0, 2), AlertRole.REFLECTOR, 0);
        large.setResponseBytes(small.getResponseBytes() + 1);

        assertThat(new AnalysisReport(List.of(small, large), List.of(), Map.of()).alerts())
                .extracting(NtpAlert::getId).containsExactly("l", "s");
    }

    @Test
    void shouldWriteAlertsSummaryAndTheBlocklistInEveryFeedFormat() throws IOException {
        final Map<String, Long> counters = new java.util.LinkedHashMap<>();
        counters.put("frames", 6974L);
        counters.put("ntpDatagrams", 6974L);

        new AnalysisReport(updates, blocklist, counters).writeTo(dir, feeds);

        assertThat(Files.readAllLines(dir.resolve("alerts.jsonl"))).hasSize(2)
                .first().asString().startsWith("{\"id\":\"b\",\"type\":\"AMPLIFICATION_VICTIM\"")
                .contains("\"subject\":\"203.0.113.66\"", "\"updates\":1",
                        "\"windowStart\":\"1970-01-01T00:00:01.000Z\",\"windowStartNanos\":\"1000000000\"",
                        "\"lastSeen\":\"1970-01-01T00:00:29.000Z\",\"lastSeenNanos\":\"29000000000\"");
        assertThat(Files.readString(dir.resolve("blocklist.txt"))).isEqualTo("203.0.113.200\n");
        // The entry expired long ago by the wall clock, so the timeouts do not depend on when the files were written.
        final BlocklistSnapshot snapshot = BlocklistSnapshot.of(List.of(AlertRecords.toBlockEntry(blocklist.get(0))));
        for (final BlocklistFormat format : BlocklistFormat.values()) {
            assertThat(Files.readString(dir.resolve(format.fileName()))).as(format.fileName())
                    .isEqualTo(format.render(snapshot, Instant.now(), feeds));
        }
        assertThat(Files.readString(dir.resolve("blocklist.ipset")))
                .contains("add ntpguard-v4-next 203.0.113.200 timeout 3600 ");
        assertThat(Files.readString(dir.resolve("summary.json"))).isEqualTo("{\"frames\":6974,\"ntpDatagrams\":6974,"
                + "\"alerts\":2,\"alertsByType\":{\"AMPLIFICATION_VICTIM\":1,\"SCANNER\":1},\"blocklisted\":1}\n");
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void shouldRecordInSummaryJsonTheInputsSettingsStagesAndExitStatusOfTheRun() throws IOException {
        final Map<String, Long> counters = new java.util.LinkedHashMap<>();
        counters.put("frames", 2L);
        counters.put("lateFlows", 16L);
        final Map<String, Duration> stages = new java.util.LinkedHashMap<>();
        stages.put("start", Duration.ofMillis(1_500));
        stages.put("replay", Duration.ofMillis(250));
        final RunDescription run = new RunDescription("1.2.3", List.of(
                new InputFile("cap \"2\".pcap", 4096, "ab".repeat(32), List.of(1, 0), 2,
                        Instant.parse("2026-12-03T10:00:00Z"), Instant.parse("2026-12-03T10:00:30.000123456Z"), 0),
                new InputFile("empty.pcap", 24, null, List.of(), 0, null, null, 1)),
                Map.of("TRUNCATED_RECORD", 1L), Map.of("ntpguard.trusted.networks", "10.0.0.0/8, 192.0.2.0/24"),
                stages, 1);

        new AnalysisReport(updates, blocklist, counters).describing(run).writeTo(dir, feeds);

        final com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("frames").asLong()).isEqualTo(2);
        assertThat(summary.get("lateFlows").asLong()).isEqualTo(16);
        assertThat(summary.get("alerts").asInt()).isEqualTo(2);
        assertThat(summary.get("exitStatus").asInt()).isEqualTo(1);
        assertThat(summary.get("ntpguardVersion").asText()).isEqualTo("1.2.3");
        final com.fasterxml.jackson.databind.JsonNode first = summary.get("inputs").get(0);
        assertThat(first.get("path").asText()).isEqualTo("cap \"2\".pcap");
        assertThat(first.get("sizeBytes").asLong()).isEqualTo(4096);
        assertThat(first.get("sha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(first.get("linkTypes").toString()).isEqualTo("[1,0]");
        assertThat(first.get("frames").asLong()).isEqualTo(2);
        assertThat(first.get("firstFrame").asText()).isEqualTo("2026-12-03T10:00:00Z");
        assertThat(first.get("lastFrame").asText()).isEqualTo("2026-12-03T10:00:30.000123456Z");
        final com.fasterxml.jackson.databind.JsonNode empty = summary.get("inputs").get(1);
        assertThat(empty.get("sha256").isNull()).isTrue();
        assertThat(empty.get("firstFrame").isNull()).isTrue();
        assertThat(empty.get("damage").asLong()).isEqualTo(1);
        assertThat(summary.get("problems").get("TRUNCATED_RECORD").asLong()).isEqualTo(1);
        assertThat(summary.get("settings").get("ntpguard.trusted.networks").asText())
                .isEqualTo("10.0.0.0/8, 192.0.2.0/24");
        assertThat(summary.get("stageSeconds").get("start").asDouble()).isEqualTo(1.5);
        assertThat(summary.get("stageSeconds").get("replay").asDouble()).isEqualTo(0.25);
    }

    @Test
    void shouldNestLibpcapCountersInSummaryJsonAndPrintThemWhenALiveCaptureGivesThem() throws IOException {
        // given
        final Map<String, Long> counters = new java.util.LinkedHashMap<>();
        counters.put("frames", 635_347L);
        counters.put("dropped", 364_653L);
        counters.put("droppedQueueFull", 0L);
        counters.put("capture.received", 1_000_000L);
        counters.put("capture.droppedByKernel", 364_653L);
        counters.put("capture.droppedByInterface", 0L);
        final StringWriter out = new StringWriter();

        // when
        final AnalysisReport report = new AnalysisReport(List.of(), List.of(), counters);
        report.writeTo(dir, feeds);
        report.print(new PrintWriter(out));

        // then
        assertThat(Files.readString(dir.resolve("summary.json"))).isEqualTo("{\"frames\":635347,\"dropped\":364653,"
                + "\"droppedQueueFull\":0,\"capture\":{\"received\":1000000,\"droppedByKernel\":364653,"
                + "\"droppedByInterface\":0},\"alerts\":0,\"alertsByType\":{},\"blocklisted\":0}\n");
        assertThat(out.toString()).contains("Capture: libpcap received 1000000, dropped by kernel 364653, dropped by "
                + "interface 0; dropped (queue full) 0; dropped in all 364653");
    }

    @Test
    void shouldPrintTypesThenSubjectsWithTheirEvidence() {
        final StringWriter out = new StringWriter();

        new AnalysisReport(updates, blocklist, Map.of()).print(new PrintWriter(out));

        assertThat(out.toString()).contains("Alerts by type:", "AMPLIFICATION_VICTIM        1", "SCANNER                     1",
                "HIGH     AMPLIFICATION_VICTIM   203.0.113.66", "victim", "AMPLIFICATION_VICTIM summary 1",
                "first seen 1970-01-01T00:00:01.500Z, last seen 1970-01-01T00:00:29.000Z",
                "top peer 198.18.0.1: 10 requests (80 B), 100 responses (44000 B)", "Blocklist: 1 entry",
                "203.0.113.200/32  last seen 1970-01-01T00:00:29.000Z, expires 1970-01-01T01:00:29.000Z  "
                        + "SCANNER: mode 6 to 250 servers")
                .doesNotContain("more in");
        assertThat(out.toString().indexOf("HIGH     AMPLIFICATION_VICTIM"))
                .isLessThan(out.toString().indexOf("MEDIUM   SCANNER"));
    }

    @Test
    void shouldSaySoWhenNothingWasFound() {
        final StringWriter out = new StringWriter();

        new AnalysisReport(List.of(), List.of(), Map.of()).print(new PrintWriter(out));

        assertThat(out.toString()).startsWith("No alert.").contains("Blocklist: 0 entries").doesNotContain("Capture:");
    }

    @Test
    void shouldPutOneAlertRecordInOneLineSayingWhichUpdateItIs() {
        assertThat(AnalysisReport.line(updates.get(2))).isEqualTo("1970-01-01T00:00:29.000Z HIGH     "
                + "AMPLIFICATION_VICTIM   203.0.113.66 victim: AMPLIFICATION_VICTIM summary 1 (update 1)");
        assertThat(AnalysisReport.line(updates.get(0))).isEqualTo("1970-01-01T00:00:29.000Z MEDIUM   "
                + "SCANNER                203.0.113.200 scanner: SCANNER summary 0");
    }

    @Test
    void shouldListOnlyTheMostSevereAndCountTheRestWhenListingIsCut() {
        // given: three alerts, two blocklist entries, the MEDIUM one listed first in the table
        final List<NtpAlert> three = List.of(updates.get(0), updates.get(2),
                alert("c", AlertType.KOD_IGNORED, Severity.INFO, ip(198, 51, 100, 123), AlertRole.SERVER, 0));
        final List<BlocklistEntry> two = List.of(blocklist.get(0), new BlocklistEntry(ip(198, 18, 0, 9), 32,
                "REFLECTOR: unsolicited", List.of("d"), 1_500L, 29_000L, 3_629_000L, Severity.HIGH));
        final StringWriter top1 = new StringWriter();
        final StringWriter none = new StringWriter();

        // when
        new AnalysisReport(three, two, Map.of()).listing(1).print(new PrintWriter(top1));
        new AnalysisReport(three, two, Map.of()).listing(0).print(new PrintWriter(none));

        // then: the most severe of each list, and how many more the files hold
        assertThat(top1.toString()).contains("Alerts by type:", "KOD_IGNORED", "HIGH     AMPLIFICATION_VICTIM",
                        "  ... and 2 more in alerts.jsonl", "Blocklist: 2 entries", "198.18.0.9/32",
                        "  ... and 1 more in blocklist.txt")
                .doesNotContain("MEDIUM   SCANNER", "198.51.100.123 ", "203.0.113.200/32");
        assertThat(none.toString()).contains("Alerts by type:", "SCANNER                     1", "Blocklist: 2 entries")
                .doesNotContain("Subjects", "AMPLIFICATION_VICTIM   203.0.113.66", "/32", "more in");
    }
}
