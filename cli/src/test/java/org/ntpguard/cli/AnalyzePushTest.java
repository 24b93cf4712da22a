package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.cli.deliver.RsyslogServer;

/**
 * {@code analyze --syslog --webhook} end to end on the embedded broker: every alert reaches a real rsyslogd while the
 * webhook's server accepts connections and never answers; the analysis and its report do not wait on it.
 */
class AnalyzePushTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldPushEveryAlertToSyslogWhileAWebhookThatNeverAnswersHoldsNothingBack() throws Exception {
        try (RsyslogServer rsyslog = RsyslogServer.start(Files.createDirectory(dir.resolve("rsyslog")));
             // bound, never accepting: connections complete in the backlog, requests are never answered
             ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // given
            final String webhook = "http://127.0.0.1:" + hung.getLocalPort() + "/ntp";
            final Path out = dir.resolve("report");
            final CommandRun command = new CommandRun();

            // when
            final int status = command.run("analyze", "--quiet", "--out-dir", out.toString(),
                    "--syslog", rsyslog.tcpUrl(), "--webhook", webhook,
                    SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap").toString());

            // then: the report is whole, syslog has every alert, the webhook's alerts are dropped and counted
            assertThat(status).as(command.err.toString()).isEqualTo(ExitCodes.OK);
            final List<String> alertIds = Files.readAllLines(out.resolve("alerts.jsonl")).stream()
                    .map(line -> readId(line)).toList();
            assertThat(alertIds).isNotEmpty();
            final List<String> received = rsyslog.awaitMessages(alertIds.size());
            assertThat(received).hasSameSizeAs(alertIds);
            // The message is the alert's ECS document, which names the alert under ntpguard.alert.
            assertThat(received.stream().map(line -> readEcsAlertId(line.split("\t", 6)[5])))
                    .containsExactlyInAnyOrderElementsOf(alertIds);
            final String err = command.err.toString();
            assertThat(err).contains("ntpguard analyze: syslog " + rsyslog.tcpUrl() + ": " + alertIds.size()
                    + " alert update(s) delivered, 0 failed, 0 dropped");
            assertThat(err).contains("ntpguard analyze: webhook " + webhook + ": " + alertIds.size()
                    + " alert update(s) still unsent after 10 s, dropped");
            assertThat(err).contains("ntpguard analyze: webhook " + webhook + ": 0 alert update(s) delivered, "
                    + "0 failed, " + alertIds.size() + " dropped");
            assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    private static String readEcsAlertId(final String json) {
        try {
            return JSON.readTree(json).path("ntpguard").path("alert").path("id").asText();
        } catch (final java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String readId(final String json) {
        try {
            return JSON.readTree(json).path("id").asText();
        } catch (final java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
