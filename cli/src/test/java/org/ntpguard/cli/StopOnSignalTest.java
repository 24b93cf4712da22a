package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.TestBroker;

/**
 * Ctrl-C (SIGINT) and SIGTERM sent to {@code ntpguard} in a JVM of its own, as a shell or a service manager sends
 * them: a live command (run, detect, sensor) stopped on request exits 0; an interrupted {@code analyze} exits 130
 * with a report marked partial and its temporary folder gone; a stop whose detector cannot finish keeps its bound
 * and says what it left. Live capture needs root (CI runs as root); only loopback is a target.
 */
class StopOnSignalTest {

    /**
     * Kafka Streams settings (through ntpguard.streams.*) under which the detector's consumer never receives a record:
     * a fetch waits for more bytes than any test publishes, for longer than the test runs.
     */
    private static final List<String> DETECTOR_NEVER_FETCHES = List.of(
            "-Dntpguard.streams.main.consumer.fetch.min.bytes=2000000000",
            "-Dntpguard.streams.main.consumer.fetch.max.wait.ms=600000",
            "-Dntpguard.streams.main.consumer.request.timeout.ms=700000");

    @TempDir
    Path dir;

    @Test
    void shouldExit130WithAPartialReportAndNoTemporaryDataWhenAnalyzeIsInterrupted() throws Exception {
        final Path report = dir.resolve("report");
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        final ChildCli analyze = ChildCli.start(dir, List.of(), DETECTOR_NEVER_FETCHES, tmp, "analyze", "--out", report.toString(),
                SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString());
        analyze.await("waiting for the detector to process every record");

        analyze.signal("INT");

        assertThat(analyze.exitStatus()).as(analyze.log()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(analyze.log()).containsPattern("ntpguard analyze: partial report: stopped by Ctrl-C or SIGTERM; "
                + "the detector had not processed [1-9][0-9]* of [1-9][0-9]* flow records within 20 s of the stop");
        assertThat(Files.readString(report.resolve("summary.json"))).contains("\"partial\":true",
                "\"partialReason\":\"stopped by Ctrl-C or SIGTERM; the detector had not processed");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("temporary data").isEmpty();
        }
    }

    @Test
    void shouldExit0WhenRunIsStoppedWithCtrlC() throws Exception {
        final Path report = dir.resolve("report");
        final ChildCli run = ChildCli.start(dir, List.of(), List.of(), null, "run", "-i", "lo", "--out", report.toString(), "--filter",
                "udp port 9");
        run.await("stop with Ctrl-C");

        run.signal("INT");

        assertThat(run.exitStatus()).as(run.log()).isEqualTo(ExitCodes.OK);
        assertThat(run.log()).contains("ntpguard run: wrote ");
        assertThat(Files.readString(report.resolve("summary.json"))).doesNotContain("\"partial\"");
    }

    @Test
    void shouldKeepTheStopBoundAndSayWhatTheDetectorLeftWhenRunIsStopped() throws Exception {
        final Path report = dir.resolve("report");
        try (LoopbackNtp ntp = new LoopbackNtp()) {
            final ChildCli run = ChildCli.start(dir, List.of(), DETECTOR_NEVER_FETCHES, null, "run", "-i", "lo", "--out",
                    report.toString(), "--filter", ntp.filter(), "--immediate");
            run.await("stop with Ctrl-C");
            for (int i = 0; i < 10; i++) {
                ntp.send(LoopbackNtp.MONLIST_REQUEST);
            }
            // Captured (the report folder's figures say so) before the stop, so that there is something to process.
            run.awaitFile(report.resolve("summary.json"), "\"ntpDatagrams\":10,");

            run.signal("TERM");

            assertThat(run.exitStatus()).as(run.log()).isEqualTo(ExitCodes.PARTIAL);
            assertThat(run.log()).containsPattern("ntpguard run: partial report: the detector had not processed "
                    + "[1-9][0-9]* of [1-9][0-9]* flow records within 20 s of the stop");
            assertThat(Files.readString(report.resolve("summary.json"))).contains("\"partial\":true",
                    "\"unprocessedFlowRecords\":");
        }
    }

    @Test
    void shouldExit0WhenSensorIsStoppedWithSigterm() throws Exception {
        final ChildCli sensor = ChildCli.start(dir, List.of(), List.of(), null, "sensor", "-i", "lo", "--filter", "udp port 9",
                "--bootstrap-servers", TestBroker.bootstrapServers(), "--no-http",
                "--flows-topic", TestBroker.uniqueTopic("ntp.flows"),
                "--heartbeats-topic", TestBroker.uniqueTopic("ntp.heartbeats"));
        sensor.await("stop with Ctrl-C");

        sensor.signal("TERM");

        assertThat(sensor.exitStatus()).as(sensor.log()).isEqualTo(ExitCodes.OK);
        assertThat(sensor.log()).contains("ntpguard sensor: libpcap received");
    }

    @Test
    void shouldExit0WhenDetectIsStoppedWithCtrlC() throws Exception {
        final String namespace = TestBroker.uniqueTopic("stop");
        final ChildCli detect = ChildCli.start(dir, List.of(), List.of(), null, "detect", "--bootstrap-servers",
                TestBroker.bootstrapServers(), "--namespace", namespace, "--partitions", "1", "--no-http",
                "--state-dir", dir.resolve("state").toString());
        detect.await("ntpguard detect: running as");

        detect.signal("INT");

        assertThat(detect.exitStatus()).as(detect.log()).isEqualTo(ExitCodes.OK);
        assertThat(detect.log()).contains("ntpguard detect: stopped;");
    }
}
