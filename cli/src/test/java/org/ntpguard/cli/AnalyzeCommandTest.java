package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;

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
