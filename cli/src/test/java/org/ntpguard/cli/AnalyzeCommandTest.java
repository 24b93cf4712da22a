package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.cli.evidence.CaptureContents;
import org.ntpguard.cli.evidence.CaptureContents.Frame;

/**
 * {@code ntpguard analyze} end to end: an embedded KRaft broker, the sensor's publisher, the detector with
 * exactly-once, and the report, on a labelled scenario.
 */
class AnalyzeCommandTest {

    @TempDir
    Path dir;

    private final CommandRun command = new CommandRun();
    private final java.io.StringWriter out = command.out;
    private final java.io.StringWriter err = command.err;

    private int run(final String... args) {
        return command.run(args);
    }

    @Test
    void shouldFindTheMonlistVictimAndReflectorsOfScenarioB() throws IOException {
        final Path report = dir.resolve("report");

        final int status = run("analyze", "--out", report.toString(),
                SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap").toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(err.toString()).contains("broker at 127.0.0.1:", "published 6974", "send errors 0")
                .containsPattern("time: broker and detector start [0-9.]+ s, replay [0-9.]+ s \\([0-9,]+ frames/s\\), "
                        + "detector after the replay [0-9.]+ s, report [0-9.]+ s; [0-9.]+ s in all");
        final List<String> alerts = Files.readAllLines(report.resolve("alerts.jsonl"));
        assertThat(alerts).anySatisfy(line -> assertThat(line)
                .contains("\"type\":\"AMPLIFICATION_VICTIM\"", "\"subject\":\"203.0.113.66\"", "\"role\":\"VICTIM\""));
        assertThat(alerts.stream().filter(line -> line.contains("\"type\":\"REFLECTOR\"")).count()).isEqualTo(50);
        assertThat(alerts).noneMatch(line -> line.contains("\"subject\":\"198.51.100.10\""))
                .noneMatch(line -> line.contains("\"subject\":\"192.0.2.5"));
        assertThat(Files.readString(report.resolve("blocklist.txt"))).doesNotContain("203.0.113.66");
        assertThat(Files.readString(report.resolve("summary.json"))).startsWith("{\"frames\":6974,")
                .contains("\"REFLECTOR\":50");
        assertThat(out.toString()).contains("Alerts by type:", "AMPLIFICATION_VICTIM", "203.0.113.66");
        assertEcsLogHoldsEveryUpdateOf(report);
        assertThat(err.toString()).contains("home networks 127.0.0.0/8, 10.0.0.0/8", "(the default private ranges",
                "mode 6/7 datagram(s) were judged against the default home networks: give the site's own with "
                        + "--home-net");
    }

    /**
     * alerts.ecs.jsonl holds one ECS line per alert update: every alert of alerts.jsonl, its updates 0 to the
     * latest in order, the latest with the same evidence.
     */
    private static void assertEcsLogHoldsEveryUpdateOf(final Path report) throws IOException {
        final ObjectMapper json = new ObjectMapper();
        final java.util.Map<String, JsonNode> latest = new java.util.LinkedHashMap<>();
        for (final String line : Files.readAllLines(report.resolve("alerts.jsonl"))) {
            final JsonNode alert = json.readTree(line);
            latest.put(alert.get("id").asText(), alert);
        }
        final java.util.Map<String, List<JsonNode>> updates = new java.util.LinkedHashMap<>();
        for (final String line : Files.readAllLines(report.resolve("alerts.ecs.jsonl"))) {
            final JsonNode doc = json.readTree(line);
            updates.computeIfAbsent(doc.at("/ntpguard/alert/id").asText(), id -> new java.util.ArrayList<>())
                    .add(doc);
        }
        assertThat(updates.keySet()).containsExactlyInAnyOrderElementsOf(latest.keySet());
        updates.forEach((id, docs) -> {
            final JsonNode alert = latest.get(id);
            assertThat(docs).extracting(doc -> doc.at("/ntpguard/alert/update").asInt())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(0, alert.get("updates").asInt()).boxed()
                            .toList());
            final JsonNode last = docs.get(docs.size() - 1);
            assertThat(last.at("/rule/id").asText()).isEqualTo(alert.get("type").asText());
            assertThat(last.at("/ntpguard/subject").asText()).isEqualTo(alert.get("subject").asText());
            assertThat(last.at("/ntpguard/response_bytes").asLong()).isEqualTo(alert.get("responseBytes").asLong());
            assertThat(last.get("@timestamp").asText()).isEqualTo(alert.get("lastSeen").asText());
            assertThat(last.get("message").asText()).isEqualTo(alert.get("summary").asText());
        });
    }

    @Test
    void shouldTellTheSitesAdministratorFromTheScannerWhenGivenOnlyTheHomeNetworks() throws IOException {
        final Path report = dir.resolve("report");

        final int status = run("analyze", "--home-net", "192.0.2.0/24,198.51.100.0/24", "--out", report.toString(),
                SharedMaterial.scenarios().resolve("d_mode6_scan.pcap").toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        final List<String> alerts = Files.readAllLines(report.resolve("alerts.jsonl"));
        assertThat(alerts).anySatisfy(line -> assertThat(line)
                .contains("\"type\":\"SCANNER\"", "\"subject\":\"203.0.113.200\""));
        assertThat(alerts).noneMatch(line -> line.contains("\"subject\":\"198.51.100.10\""))
                .noneMatch(line -> line.contains("\"subject\":\"192.0.2.5\""));
        assertThat(err.toString()).contains("home networks 192.0.2.0/24, 198.51.100.0/24")
                .doesNotContain("default private ranges", "--home-net CIDR");
    }

    @Test
    void shouldWriteEachAlertsEvidenceCaptureAndNameItsFirstAndLastInputFrames() throws IOException {
        final Path report = dir.resolve("report");
        final Path input = SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap");

        final int status = run("analyze", "--out", report.toString(), "--evidence", "--evidence-limit", "100",
                input.toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        final List<String> alerts = Files.readAllLines(report.resolve("alerts.jsonl"));
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(51); // the victim and 50 reflectors
        assertThat(err.toString()).contains("evidence: " + alerts.size() + " capture(s) of " + alerts.size()
                + " alert(s)", "alert(s) had more packets than the limit");
        final List<Frame> frames = CaptureContents.read(input);
        final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        for (final String line : alerts) {
            final JsonNode alert = json.readTree(line);
            final JsonNode evidence = alert.path("evidence");
            assertThat(evidence.path("file").asText()).isEqualTo("evidence/" + alert.path("id").asText() + ".pcap");
            final List<Frame> written = CaptureContents.read(report.resolve(evidence.path("file").asText()));
            assertThat(written).hasSize(evidence.path("packets").asInt()).hasSizeLessThanOrEqualTo(100);
            final byte[] subject = InetAddress.getByName(alert.path("subject").asText()).getAddress();
            final long from = epochNanos(alert.path("windowStart"));
            final long to = epochNanos(alert.path("windowEnd"));
            assertThat(written).allSatisfy(frame -> {
                assertThat(frame.addresses()).anySatisfy(address -> assertThat(address).isEqualTo(subject));
                assertThat(frame.timestampNanos()).isBetween(from, to - 1);
            });
            assertThat(evidence.path("first").path("input").asText()).isEqualTo(input.toString());
            assertThat(written.get(0).sameAs(frames.get(evidence.path("first").path("frame").asInt() - 1)))
                    .isTrue();
            assertThat(written.get(written.size() - 1)
                    .sameAs(frames.get(evidence.path("last").path("frame").asInt() - 1))).isTrue();
            if (alert.path("type").asText().equals("AMPLIFICATION_VICTIM")) {
                assertThat(evidence.path("packets").asInt()).isEqualTo(100);
                assertThat(evidence.path("beyondLimit").asInt()).isGreaterThan(6_000); // 6,450 responses
            }
        }
    }

    /** A time of alerts.jsonl, in epoch nanoseconds: decimal epoch seconds, or ISO 8601 text. */
    private static long epochNanos(final JsonNode time) {
        if (time.isTextual()) {
            final Instant instant = Instant.parse(time.asText());
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        }
        return time.decimalValue().movePointRight(9).longValueExact();
    }

    @Test
    void shouldRefuseAnEvidenceLimitWithoutEvidenceOrBelowOneBeforeStartingAnything() {
        final String input = SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString();
        final Path report = dir.resolve("report");

        final int withoutEvidence = run("analyze", "--out", report.toString(), "--evidence-limit", "5", input);
        final int zero = run("analyze", "--out", report.toString(), "--evidence", "--evidence-limit", "0", input);

        assertThat(withoutEvidence).isEqualTo(ExitCodes.FAILED);
        assertThat(zero).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("--evidence-limit goes with --evidence",
                "--evidence-limit: 0 (expected: 1 or more)").doesNotContain("embedded Kafka broker");
        assertThat(report).doesNotExist();
    }

    @Test
    void shouldFindInRotatedPartsGivenInReverseWhatItFindsInTheWholeCaptureWithNoLateEvent() throws IOException {
        final Path whole = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final List<Path> parts = SplitCapture.split(whole, dir.resolve("cap1.pcap"), dir.resolve("cap2.pcap"));
        final Path wholeReport = dir.resolve("whole");
        final Path partsReport = dir.resolve("parts");
        assertThat(run("analyze", "--out", wholeReport.toString(), whole.toString())).as(err.toString())
                .isEqualTo(ExitCodes.OK);
        err.getBuffer().setLength(0);

        final int status = run("analyze", "--out", partsReport.toString(), parts.get(1).toString(),
                parts.get(0).toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(err.toString()).doesNotContain("after their window", "after their client's window");
        assertThat(Files.readAllLines(partsReport.resolve("alerts.jsonl"))).isNotEmpty()
                .containsExactlyElementsOf(Files.readAllLines(wholeReport.resolve("alerts.jsonl")));
        assertThat(Files.readString(partsReport.resolve("blocklist.txt"))).isNotEmpty()
                .isEqualTo(Files.readString(wholeReport.resolve("blocklist.txt")));
        final JsonNode summary = new ObjectMapper().readTree(partsReport.resolve("summary.json").toFile());
        assertThat(summary.get("lateFlows").asLong()).isZero();
        assertThat(summary.get("lateServerFlows").asLong()).isZero();
        assertThat(summary.get("exitStatus").asInt()).isEqualTo(ExitCodes.OK);
        assertThat(summary.get("inputs")).extracting(input -> input.get("path").asText())
                .containsExactly(parts.get(1).toString(), parts.get(0).toString());
        final JsonNode second = summary.get("inputs").get(1);
        assertThat(second.get("sha256").asText()).hasSize(64);
        assertThat(second.get("sizeBytes").asLong()).isEqualTo(Files.size(parts.get(0)));
        assertThat(second.get("lastFrame").asText())
                .isLessThan(summary.get("inputs").get(0).get("firstFrame").asText());
        assertThat(summary.get("settings").get("ntpguard.home.networks").asText()).contains("10.0.0.0/8");
        assertThat(summary.get("stageSeconds").fieldNames()).toIterable()
                .containsExactly("start", "replay", "detectorAfterReplay", "report");
    }

    @Test
    void shouldCountShowAndExitOneForEventsThatCameAfterTheirWindowClosed() throws IOException {
        final Path whole = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final List<Path> parts = SplitCapture.split(whole, dir.resolve("cap1.pcap"), dir.resolve("cap2.pcap"));
        // One file whose second half was captured first: no merge can put it in order.
        final Path outOfOrder = SplitCapture.concatenate(List.of(parts.get(1), parts.get(0)),
                dir.resolve("out-of-order.pcap"));
        final Path report = dir.resolve("report");

        final int status = run("analyze", "--out", report.toString(), outOfOrder.toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.PARTIAL);
        final JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        assertThat(summary.get("lateFlows").asLong()).isPositive();
        assertThat(summary.get("exitStatus").asInt()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(err.toString()).contains(summary.get("lateFlows").asLong() + " flow(s) with ",
                "came after their client's window had closed");
    }

    @Test
    void shouldListOnlyTheTopAlertsOnTheConsoleAndKeepThemAllInTheReportWhenTopIsGiven() throws IOException {
        final Path report = dir.resolve("report");

        final int status = run("analyze", "--top", "3", "--out", report.toString(),
                SharedMaterial.scenarios().resolve("e_unsolicited_responses.pcap").toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        final long alerts = Files.readAllLines(report.resolve("alerts.jsonl")).size();
        final long entries = Files.readAllLines(report.resolve("blocklist.txt")).size();
        assertThat(alerts).isGreaterThan(3);
        final List<String> lines = out.toString().lines().toList();
        assertThat(lines.stream().filter(line -> line.matches("  [A-Z]+ +[A-Z_]+ +[0-9a-f.:]+ +[a-z]+ *"))).hasSize(3);
        assertThat(lines).contains("  ... and " + (alerts - 3) + " more in alerts.jsonl",
                "Blocklist: " + entries + " entries");
        if (entries > 3) {
            assertThat(lines).contains("  ... and " + (entries - 3) + " more in blocklist.txt");
        }
        assertThat(lines).hasSizeLessThan(40);
    }

    @Test
    void shouldPrintOnlyTheCountsTheFinalLinesAndProblemsWhenQuiet() throws IOException {
        final Path report = dir.resolve("report");

        final int status = run("analyze", "--quiet", "--out", report.toString(),
                SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("Alerts by type:", "KOD_IGNORED", "Blocklist: 1 entry")
                .doesNotContain("Subjects", "192.0.2.77", "more in");
        assertThat(err.toString()).contains("ntpguard analyze: frames ", "ntpguard analyze: wrote ")
                .doesNotContain("broker at", "waiting for the detector", "time: broker", "replay: ");
        assertThat(err.toString().lines()).hasSize(2);
        assertThat(Files.readString(report.resolve("alerts.jsonl"))).contains("\"subject\":\"192.0.2.77\"");
    }

    @Test
    void shouldNotBlocklistTheVictimOfASimulatedSpoofedFlood() throws IOException {
        // Mode 3 requests "from" 198.51.100.8 to 150 servers, each from a random source port (issue 11).
        final Path pcap = dir.resolve("spoofed.pcap");
        assertThat(run("simulate", "--scenario", "spoofed_flood", "--out", pcap.toString(), "--duration", "60"))
                .as(err.toString()).isEqualTo(ExitCodes.OK);
        final Path report = dir.resolve("report");

        final int status = run("analyze", "--out", report.toString(), pcap.toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.OK);
        final List<String> alerts = Files.readAllLines(report.resolve("alerts.jsonl"));
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("\"type\":\"SPOOFED_SOURCE\"",
                "\"subject\":\"198.51.100.8\"", "\"role\":\"VICTIM\""));
        assertThat(alerts).noneMatch(line -> line.contains("\"type\":\"SCANNER\""));
        assertThat(Files.readString(report.resolve("blocklist.txt"))).doesNotContain("198.51.100.8");
    }

    @Test
    void shouldSayWhereTheTimeWentStageByStage() {
        final AnalyzeCommand.StageTimes stages = new AnalyzeCommand.StageTimes(1_500_000_000L, 2_000_000_000L,
                3_000_000_000L, 250_000_000L);

        assertThat(stages.summary(1_000_000)).isEqualTo("time: broker and detector start 1.5 s, replay 2.0 s "
                + "(500,000 frames/s), detector after the replay 3.0 s, report 0.3 s; 6.8 s in all");
        assertThat(new AnalyzeCommand.StageTimes(0, 0, 0, 0).summary(0)).contains("replay 0.0 s (0 frames/s)");
    }

    @Test
    void shouldRefuseAnUnknownDetectionSettingInOneLine() throws IOException {
        final Path config = Files.writeString(dir.resolve("detect.properties"), "ntpguard.victim.min.ratoi=5\n");

        final int status = run("analyze", "--config", config.toString(), "--out", dir.resolve("r").toString(),
                SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("ntpguard.victim.min.ratoi").doesNotContain("\tat ");
        assertThat(dir.resolve("r")).doesNotExist();
    }

    @Test
    void shouldRefuseAReportFolderThatIsAFileBeforeStartingAnything() throws IOException {
        final Path notAFolder = Files.writeString(dir.resolve("report"), "an existing file\n");

        final int status = run("analyze", "--out", notAFolder.toString(),
                SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("--out " + notAFolder + ": exists and is not a folder")
                .doesNotContain("embedded Kafka broker").doesNotContain("\tat ");
        assertThat(Files.readString(notAFolder)).isEqualTo("an existing file\n");
    }

    @Test
    void shouldTakeTheReportFolderAsOutDirKeepOutAsItsOlderNameAndLeaveDashOToFiles() throws IOException {
        final Path notAFolder = Files.writeString(dir.resolve("report"), "an existing file\n");
        final String input = SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString();

        assertThat(run("analyze", "--out-dir", notAFolder.toString(), input)).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains(notAFolder + ": exists and is not a folder");
        assertThat(run("analyze", "-o", notAFolder.toString(), input)).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("Unknown option: '-o'").doesNotContain("embedded Kafka broker");
    }

    @Test
    void shouldRefuseInputsOfWhichNoneIsACaptureBeforeStartingAnythingAndLeaveAnOldReportAlone() throws IOException {
        final Path report = Files.createDirectories(dir.resolve("report"));
        final Path oldFeed = Files.writeString(report.resolve("blocklist.nft"), "old feed\n");
        final Path empty = Files.createFile(dir.resolve("empty.pcap"));
        final Path text = Files.writeString(dir.resolve("notes.pcap"), "not a capture at all\n");
        final Path folder = Files.createDirectories(dir.resolve("folder.pcap"));
        final Path missing = dir.resolve("missing.pcap");

        final int status = run("analyze", "--out", report.toString(), empty.toString(), text.toString(),
                folder.toString(), missing.toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString())
                .contains(empty + ": offset 0: truncated file header")
                .contains(text + ": offset 0: magic: 0x6e6f7420 (expected: pcap")
                .contains(folder + ": cannot read")
                .contains(missing + ": no such file")
                .contains("nothing was analysed, no report written")
                .doesNotContain("embedded Kafka broker").doesNotContain("\tat ");
        assertThat(report.resolve("alerts.jsonl")).doesNotExist();
        assertThat(Files.readString(oldFeed)).isEqualTo("old feed\n");
    }
}
