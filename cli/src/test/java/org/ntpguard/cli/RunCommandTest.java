package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ntpguard run --interface lo} end to end with real libpcap, the embedded broker and the detector: monlist
 * requests sent to 127.0.0.1 port 123 far faster than any NTP client polls come out as an alert line while it runs
 * and in alerts.jsonl; a stop as Ctrl-C gives exit 0 and the final report. Needs root (CI runs as root) and libpcap;
 * only loopback is ever a target.
 */
class RunCommandTest {

    /**
     * Over twice {@code ntpguard.fast.poll.min.requests} (20): wherever a window boundary cuts the burst, one window
     * holds more than 20 requests to one server.
     */
    private static final int REQUESTS = 45;

    @TempDir
    Path dir;

    private final CommandRun command = new CommandRun();

    @Test
    void shouldPrintAnAlertAsItComesKeepTheReportCurrentAndWriteTheFinalReportOnStop() throws Exception {
        // 2 s windows and 1 s grace: the live heartbeats close the burst's window seconds after it, not 35 s.
        // FAST_POLL (45 requests from one port, no KoD) is not blocklisted by default, nor is loopback, a home
        // address: both are blocked here to see the feed.
        final Path config = Files.writeString(dir.resolve("detect.properties"), "ntpguard.window.size=2s\n"
                + "ntpguard.window.grace=1s\nntpguard.blocklist.types=FAST_POLL\nntpguard.blocklist.home=true\n");
        final Path report = dir.resolve("report");
        try (LoopbackNtp ntp = new LoopbackNtp()) {
            final CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> command.run("run",
                    "-i", "lo", "--out", report.toString(), "--config", config.toString(), "--filter", ntp.filter()));
            LoopbackNtp.await("capture start", () -> command.err.toString().contains("capturing on lo"), running,
                    Duration.ofMinutes(2), command.err);

            for (int i = 0; i < REQUESTS; i++) {
                ntp.send(LoopbackNtp.MONLIST_REQUEST);
            }

            LoopbackNtp.await("an alert line", () -> command.out.toString().lines()
                    .anyMatch(line -> line.contains("FAST_POLL") && line.contains("127.0.0.1")), running,
                    Duration.ofMinutes(1), command.err);
            assertThat(command.out.toString().lines().filter(line -> line.contains("FAST_POLL")).findFirst())
                    .hasValueSatisfying(line -> assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"
                            + "\\.\\d{3}Z LOW +FAST_POLL +127\\.0\\.0\\.1 "
                            + "client: 127\\.0\\.0\\.1 sent \\d+ requests to 127\\.0\\.0\\.1 \\(\\d+ from its busiest "
                            + "source port\\) in .*"));
            LoopbackNtp.await("the alert in alerts.jsonl", () -> holdsTheAlert(report), running,
                    Duration.ofSeconds(30), command.err);
            assertThat(running).as("still running").isNotDone();

            command.<RunCommand>command("run").stop();

            assertThat(running.get(2, TimeUnit.MINUTES)).as(command.err.toString()).isEqualTo(ExitCodes.OK);
        }
        assertThat(command.err.toString()).contains("broker at 127.0.0.1:", "NTP datagrams " + REQUESTS,
                "published " + REQUESTS + " (", "dropped (queue full) 0, send errors 0");
        assertThat(holdsTheAlert(report)).as("final alerts.jsonl").isTrue();
        assertThat(Files.readAllLines(report.resolve("blocklist.txt"))).containsExactly("127.0.0.1"); // single addresses bare
        assertThat(Files.readString(report.resolve("summary.json")))
                .contains("\"ntpDatagrams\":" + REQUESTS, "\"published\":" + REQUESTS, "\"dropped\":0",
                        "\"alertsByType\":{\"FAST_POLL\":1}");
        assertThat(command.out.toString()).contains("Alerts by type:", "Blocklist: 1 entry");
    }

    @Test
    void shouldRefuseAnUnknownInterfaceInOneLine() {
        final int status = command.run("run", "-i", "no-such-interface0", "--out", dir.resolve("r").toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).contains("ntpguard run: Cannot capture on interface no-such-interface0")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseAReportFolderThatIsAFileBeforeOpeningTheInterface() throws IOException {
        // An interface that does not exist either: the folder is checked first, and without the check the run ends
        // on the interface (a real one would capture until stopped).
        final Path notAFolder = Files.writeString(dir.resolve("r"), "x");

        final int status = command.run("run", "-i", "no-such-interface0", "--out", notAFolder.toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).contains("ntpguard run: --out " + notAFolder + ": exists and is not a folder")
                .doesNotContain("embedded Kafka broker").doesNotContain("\tat ");
    }

    private static boolean holdsTheAlert(final Path report) {
        try {
            return Files.readAllLines(report.resolve("alerts.jsonl")).stream().anyMatch(line -> line.contains(
                    "\"type\":\"FAST_POLL\"") && line.contains("\"subject\":\"127.0.0.1\""));
        } catch (IOException e) {
            return false; // not written yet
        }
    }
}
