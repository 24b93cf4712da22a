package org.ntpguard.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * One record per Avro topic, filled in, with the serde ntpguard writes it with, and the topic's schema files: the
 * one shipped in the jar, the checked-in copy in {@code schemas/topics/}, and the one before timestamps had logical
 * types (a test resource).
 */
record TopicRecords<T extends SpecificRecordBase>(String topic, T record, SingleObjectSerde<T> serde) {

    static final String SHIPPED = "topics/";
    static final String BEFORE_LOGICAL_TYPES = "before-logical-types/";

    static List<TopicRecords<?>> all() {
        return List.of(
                new TopicRecords<>("ntp.flows", flowBatch(), SingleObjectSerde.ntpFlowBatch()),
                new TopicRecords<>("ntp.packets", NtpPackets.monlistResponse(), SingleObjectSerde.ntpPacket()),
                new TopicRecords<>("ntp.heartbeats", heartbeat(), SingleObjectSerde.sensorHeartbeat()),
                new TopicRecords<>("ntp.alerts", alert(), SingleObjectSerde.ntpAlert()),
                new TopicRecords<>("ntp.blocklist", blocklistEntry(), SingleObjectSerde.blocklistEntry()),
                new TopicRecords<>("ntp.incidents", incident(), SingleObjectSerde.ntpIncident()));
    }

    /** The value as ntpguard puts it on the topic. */
    byte[] written() {
        return serde.serializer().serialize(topic, record);
    }

    String fileName() {
        return topic + ".avsc";
    }

    static Schema parse(final String resource) {
        try (InputStream in = TopicRecords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource + " beside " + TopicRecords.class);
            }
            return new Schema.Parser().parse(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checked-in folder, {@code schemas/topics/} of the project's root. */
    static Path checkedIn() {
        final Path folder = Path.of(System.getProperty("ntpguard.root", ".."), "schemas", "topics");
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("no folder " + folder.toAbsolutePath());
        }
        return folder;
    }

    private static ByteBuffer address(final int... bytes) {
        final byte[] address = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            address[i] = (byte) bytes[i];
        }
        return ByteBuffer.wrap(address);
    }

    static NtpFlowBatch flowBatch() {
        final NtpFlow flow = NtpFlow.newBuilder()
                .setClient(address(203, 0, 113, 66)).setServer(address(198, 18, 0, 1))
                .setFirstSeen(1_740_834_000_029L).setLastSeen(1_740_834_000_912L)
                .setRequests(3).setRequestBytes(24).setResponses(300).setResponseBytes(140_400)
                .setMode7Requests(3).setMode7Responses(300).setRequestCodesLow(1L << 42)
                .setMonlistRequests(3).setMonlistRequestBytes(24).setMonlistResponses(300)
                .setMonlistResponseBytes(140_400).setMonlistEntries(1_800)
                .setKissCodes(List.of(KissCount.newBuilder().setCode("RATE").setCount(1).build()))
                .setRateKods(1).setFirstRateKod(1_740_834_000_500L).setPendingRequestTimes(List.of(1_740_834_000_029L))
                .setClientPorts(List.of(40005)).setClientPortRequests(List.of(3L)).setRateKodPorts(List.of(40005))
                .build();
        return NtpFlowBatch.newBuilder().setSensor("s1").setIntervalStart(1_740_834_000_000L)
                .setIntervalMillis(1_000).setFlows(List.of(flow)).build();
    }

    static SensorHeartbeat heartbeat() {
        return SensorHeartbeat.newBuilder().setSensor("s1").setTs(1_740_834_001_000_000_123L)
                .setPacketOffsets(List.of(41L, -1L)).setFlowOffsets(List.of(7L)).build();
    }

    static NtpAlert alert() {
        return NtpAlert.newBuilder().setId("5b0f1f0e-4ad2-3c55-9a43-0d7a1e0c6f11")
                .setType(AlertType.AMPLIFICATION_VICTIM).setSeverity(Severity.HIGH)
                .setSubject(address(203, 0, 113, 66)).setRole(AlertRole.VICTIM).setUnsolicited(true)
                .setWindowStart(1_740_834_000_000L).setWindowEnd(1_740_834_060_000L)
                .setFirstSeen(1_740_834_000_029L).setLastSeen(1_740_834_000_912L)
                .setRequests(0).setRequestBytes(0).setResponses(300).setResponseBytes(140_400).setByteRatio(null)
                .setDistinctPeers(1)
                .setTopPeers(List.of(PeerTraffic.newBuilder().setPeer(address(198, 18, 0, 1)).setRequests(0)
                        .setRequestBytes(0).setResponses(300).setResponseBytes(140_400).build()))
                .setKissCodes(Map.of()).setSensors(List.of("s1"))
                .setSummary("203.0.113.66 received 140400 bytes of NTP responses it never asked for")
                .build();
    }

    static BlocklistEntry blocklistEntry() {
        return BlocklistEntry.newBuilder().setAddress(address(198, 18, 0, 1)).setPrefixLength(32)
                .setReason("REFLECTOR (REFLECTOR): monlist answers to 1 victim").setAlertIds(List.of("a1"))
                .setFirstSeen(1_740_834_000_029L).setLastSeen(1_740_834_000_912L)
                .setExpiresAt(1_740_837_600_912L).setSeverity(Severity.HIGH).build();
    }

    static NtpIncident incident() {
        final IncidentServer reflector = IncidentServer.newBuilder().setAddress(address(198, 18, 0, 1))
                .setPackets(300).setBytes(140_400).build();
        return NtpIncident.newBuilder().setId("0c6e5a8e-3f1d-3b7a-8f0e-1a2b3c4d5e6f").setStatus(IncidentStatus.OPEN)
                .setVictim(address(203, 0, 113, 66)).setSeverity(Severity.HIGH)
                .setStart(1_740_834_000_029L).setEnd(1_740_834_000_912L).setPackets(300).setBytes(140_400)
                .setPeakWindowStart(1_740_834_000_000L).setPeakWindowPackets(300).setPeakWindowBytes(140_400)
                .setPeakPacketsPerSecond(10.0).setPeakBytesPerSecond(4_680.0).setReflectors(List.of(reflector))
                .setReflectorCount(1).setMonlistServers(List.of()).setScanners(List.of())
                .setAlertIds(List.of("5b0f1f0e-4ad2-3c55-9a43-0d7a1e0c6f11")).setAlerts(1).setVictimPackets(300)
                .setVictimBytes(140_400).setLatestWindowStart(1_740_834_000_000L).setLatestWindowPackets(300)
                .setLatestWindowBytes(140_400).setSummary("203.0.113.66 attacked by 1 reflector").setUpdates(0)
                .build();
    }
}
