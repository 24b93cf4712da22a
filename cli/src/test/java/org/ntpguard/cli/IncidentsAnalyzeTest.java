package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;

/**
 * Incidents end to end on the embedded broker: scenarios b and e analysed as one capture (three hours apart) give
 * one incident each, read back from {@code ntp.incidents}, listed first on the console and in report.html, and
 * written to incidents.jsonl; the first one is closed by the time the second attack comes.
 */
class IncidentsAnalyzeTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeOneIncidentOfEachAttackWhenScenariosBAndEAreAnalysed() throws IOException {
        final Path report = dir.resolve("report");
        final CommandRun command = new CommandRun();

        final int status = command.run("analyze", "--out", report.toString(),
                SharedMaterial.scenarios().resolve("e_unsolicited_responses.pcap").toString(),
                SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap").toString());

        assertThat(status).as(command.err.toString()).isEqualTo(ExitCodes.OK);
        final Map<String, JsonNode> byVictim = new LinkedHashMap<>();
        final ObjectMapper json = new ObjectMapper();
        final List<String> lines = Files.readAllLines(report.resolve("incidents.jsonl"));
        for (final String line : lines) {
            final JsonNode incident = json.readTree(line);
            byVictim.put(incident.get("victim").asText(), incident);
        }
        assertThat(lines).hasSize(2);
        assertThat(byVictim.keySet()).containsExactlyInAnyOrder("203.0.113.99", "203.0.113.66");

        final JsonNode e = byVictim.get("203.0.113.99");
        assertThat(e.get("reflectors")).hasSize(500);
        assertThat(e.get("reflectorCount").asLong()).isEqualTo(500);
        assertThat(e.get("alerts").asLong()).isEqualTo(501);
        assertThat(e.get("status").asText()).isEqualTo("OPEN"); // the capture ends 62 s after the attack
        assertThat(e.get("start").asText()).startsWith("2025-03-01T16:00:");

        final JsonNode b = byVictim.get("203.0.113.66");
        assertThat(b.get("reflectors")).hasSize(50);
        assertThat(b.get("monlistServers")).hasSize(50);
        assertThat(b.get("status").asText()).as("quiet for three hours before e").isEqualTo("CLOSED");
        assertThat(b.get("bytes").asLong()).isGreaterThanOrEqualTo(2_751_024L);

        final String console = command.out.toString();
        assertThat(console).startsWith("Incidents (the alerts of one attack grouped): 2")
                .contains("203.0.113.99 attacked by 500 reflectors", "203.0.113.66 attacked by 50 reflectors and 50"
                        + " monlist servers");
        assertThat(console.indexOf("Incidents")).isLessThan(console.indexOf("Alerts by type:"));
        final String page = Files.readString(report.resolve("report.html"));
        assertThat(page.indexOf("id=\"incidents\"")).isPositive().isLessThan(page.indexOf("id=\"alerts\""));
        assertThat(page).contains("data-incident-id=\"" + e.get("id").asText() + "\"");
        assertThat(Files.readString(report.resolve("summary.json"))).contains("\"incidents\":2,");
    }
}
