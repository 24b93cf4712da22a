package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ntpguard run --interface IF} end to end with real libpcap, the embedded broker and the detector, inside
 * two network namespaces of the test's own ({@link TwoHosts}): monlist requests sent to the server's port 123 far
 * faster than any NTP client polls come out as an alert line while it runs and in alerts.jsonl; Ctrl-C gives exit 0
 * and the final report. Needs root (CI runs as root), iproute2 and libpcap; nothing outside the namespaces is a
 * target.
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
        // FAST_POLL (45 requests from one port, no KoD) is not blocklisted by default: blocked here to see the feed.
        final Path config = Files.writeString(dir.resolve("detect.properties"), "ntpguard.window.size=2s\n"
                + "ntpguard.window.grace=1s\nntpguard.blocklist.types=FAST_POLL\n");
        final Path report = dir.resolve("report");
        final Object ecsInode;
        final String ecsWhileRunning;
        // Loopback is always the site's own (traffic on it is never abuse): the client is a host of its own.
        try (TwoHosts hosts = new TwoHosts()) {
            final ChildCli run = ChildCli.start(dir, hosts.onServer(), List.of(), null, "run", "-i",
                    hosts.serverInterface(), "--out", report.toString(), "--config", config.toString(), "--immediate");
            run.await("capturing on " + hosts.serverInterface());

            hosts.sendFromClient(LoopbackNtp.MONLIST_REQUEST, REQUESTS);

            run.await("FAST_POLL              " + TwoHosts.CLIENT);
            assertThat(run.log().lines().filter(line -> line.contains("FAST_POLL")).findFirst())
                    .hasValueSatisfying(line -> assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"
                            + "\\.\\d{3}Z LOW +FAST_POLL +203\\.0\\.113\\.9 client: 203\\.0\\.113\\.9 sent \\d+ "
                            + "requests to 198\\.51\\.100\\.1 \\(\\d+ from its busiest source port\\) in .*"));
            run.awaitFile(report.resolve("alerts.jsonl"), "\"subject\":\"" + TwoHosts.CLIENT + "\"");
            run.awaitFile(report.resolve("alerts.ecs.jsonl"), "\"rule\":{\"id\":\"FAST_POLL\"");
            assertThat(run.process().isAlive()).as("still running").isTrue();
            ecsInode = Files.getAttribute(report.resolve("alerts.ecs.jsonl"), "unix:ino");
            ecsWhileRunning = Files.readString(report.resolve("alerts.ecs.jsonl"));

            run.signal("INT");

            assertThat(run.exitStatus()).as(run.log()).isEqualTo(ExitCodes.OK);
            assertThat(run.log()).contains("broker at 127.0.0.1:", "NTP datagrams " + REQUESTS,
                    "published " + REQUESTS + " (", "dropped (queue full) 0, send errors 0", "Alerts by type:",
                    "Blocklist: 1 entry");
        }
        assertThat(Files.readAllLines(report.resolve("alerts.jsonl"))).anySatisfy(line -> assertThat(line)
                .contains("\"type\":\"FAST_POLL\"", "\"subject\":\"" + TwoHosts.CLIENT + "\""));
        // Monlist requests from outside the home networks: a prober too, which is never blocked (it may be spoofed).
        assertThat(Files.readAllLines(report.resolve("alerts.jsonl"))).anySatisfy(line -> assertThat(line)
                .contains("\"type\":\"MONLIST_ABUSE\"", "\"role\":\"PROBER\""));
        assertThat(Files.readAllLines(report.resolve("blocklist.txt"))).containsExactly(TwoHosts.CLIENT);
        // alerts.ecs.jsonl, unlike alerts.jsonl, is only appended to: a tailer reads on in the same file.
        assertThat(Files.getAttribute(report.resolve("alerts.ecs.jsonl"), "unix:ino")).isEqualTo(ecsInode);
        assertThat(Files.readString(report.resolve("alerts.ecs.jsonl"))).startsWith(ecsWhileRunning);
        assertThat(Files.readAllLines(report.resolve("alerts.ecs.jsonl"))).anySatisfy(line -> assertThat(line)
                .contains("\"rule\":{\"id\":\"MONLIST_ABUSE\"",
                        "\"source\":{\"ip\":\"" + TwoHosts.CLIENT + "\"}"));
        assertThat(Files.readString(report.resolve("summary.json")))
                .contains("\"ntpDatagrams\":" + REQUESTS, "\"published\":" + REQUESTS, "\"dropped\":0",
                        "\"FAST_POLL\":1");
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
}
