package org.ntpguard.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.Severity;
import org.ntpguard.streams.ecs.EcsAlertWriter;
import org.ntpguard.streams.topology.AlertRecords;

/**
 * alerts.ecs.jsonl as a file shipper sees it: one ECS line per alert update, appended to the same file (same inode)
 * for the life of a run, never rewritten; a new run starts a file of its own.
 */
class EcsAlertLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = UUID.nameUUIDFromBytes(new byte[] {1}).toString();

    @TempDir
    Path dir;

    @Test
    void shouldAppendEachUpdateToTheSameFileWithoutRewritingWhatItHolds() throws Exception {
        final Path file = dir.resolve(EcsAlertLog.FILE);
        final List<Object> inodes = new ArrayList<>();
        final List<String> contents = new ArrayList<>();
        try (EcsAlertLog log = EcsAlertLog.in(dir)) {
            log.flush();
            inodes.add(inode(file));
            contents.add(Files.readString(file));
            for (int update = 0; update < 3; update++) {
                log.append(alert(update));
                inodes.add(inode(file));
                contents.add(Files.readString(file));
            }
        }

        assertThat(inodes).as("inode after each update").containsOnly(inodes.get(0));
        assertThat(contents.get(0)).isEmpty();
        for (int i = 1; i < contents.size(); i++) {
            assertThat(contents.get(i)).startsWith(contents.get(i - 1)).endsWith("\n");
        }
        final List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        for (int update = 0; update < 3; update++) {
            assertThat(JSON.readTree(lines.get(update))).isEqualTo(JSON.readTree(
                    EcsAlertWriter.json(AlertRecords.toAlert(alert(update)))));
        }
    }

    @Test
    void shouldStartEachRunInAFileOfItsOwnHoldingEveryUpdateOfThatRunInOrder() throws Exception {
        final Path file = dir.resolve(EcsAlertLog.FILE);
        Files.writeString(file, "{\"an earlier run\":true}\n");

        EcsAlertLog.write(dir, List.of(alert(0), alert(1)));

        final List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        final List<JsonNode> docs = new ArrayList<>();
        for (final String line : lines) {
            docs.add(JSON.readTree(line));
        }
        assertThat(docs).extracting(doc -> doc.at("/ntpguard/alert/update").asInt()).containsExactly(0, 1);
        assertThat(docs).extracting(doc -> doc.at("/ntpguard/alert/id").asText()).containsOnly(ID);
    }

    @Test
    void shouldWriteAnEmptyFileForARunWithoutAlerts() throws Exception {
        Files.writeString(dir.resolve(EcsAlertLog.FILE), "{\"an earlier run\":true}\n");

        EcsAlertLog.write(dir, List.of());

        assertThat(dir.resolve(EcsAlertLog.FILE)).isEmptyFile();
    }

    private static Object inode(final Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    private static NtpAlert alert(final int update) {
        return NtpAlert.newBuilder().setId(ID).setType(AlertType.AMPLIFICATION_VICTIM).setSeverity(Severity.HIGH)
                .setSubject(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 66})).setRole(AlertRole.VICTIM)
                .setUnsolicited(false).setWindowStart(1_000L).setWindowEnd(31_000L).setFirstSeen(1_500L)
                .setLastSeen(29_000L + update).setRequests(10L).setRequestBytes(80L).setResponses(100L + update)
                .setResponseBytes(44_000L).setByteRatio(550.0).setDistinctPeers(1L)
                .setTopPeers(List.of(new PeerTraffic(ByteBuffer.wrap(new byte[] {(byte) 198, 18, 0, 1}), 10L, 80L,
                        100L, 44_000L)))
                .setKissCodes(Map.of()).setSensors(List.of("s1")).setSummary("update " + update)
                .setUpdates(update).build();
    }
}
