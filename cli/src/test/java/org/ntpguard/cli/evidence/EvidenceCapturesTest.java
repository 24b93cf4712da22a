package org.ntpguard.cli.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.cli.evidence.CaptureContents.Frame;
import org.ntpguard.capture.pcap.PcapReader;
import org.ntpguard.capture.pcap.PcapWriter;
import org.ntpguard.capture.proto.LinkType;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.Severity;

/**
 * The evidence captures of {@code analyze --evidence}, on scenario b (spoofed monlist: a victim and 50 reflectors),
 * checked against the frames {@code decode} finds for the subject in the span and the input's own bytes, with no
 * broker: alerts are built as the detector would publish them.
 */
class EvidenceCapturesTest {

    private static final String VICTIM = "203.0.113.66";
    private static final String REFLECTOR = "198.18.213.214";
    /** Three seconds inside the ten-second attack: the span must cut the victim's traffic on both sides. */
    private static final long VICTIM_FROM_MILLIS = 1_740_834_003_000L;
    private static final long VICTIM_TO_MILLIS = 1_740_834_006_000L;
    private static final long WHOLE_FROM_MILLIS = 1_740_833_940_000L;
    private static final long WHOLE_TO_MILLIS = 1_740_834_080_000L;

    @TempDir
    Path dir;

    private final Path scenario = SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap");

    private static NtpAlert alert(final String id, final String subject, final AlertType type, final AlertRole role,
                                  final long fromMillis, final long toMillis) throws IOException {
        return NtpAlert.newBuilder().setId(id).setType(type).setSeverity(Severity.HIGH)
                .setSubject(ByteBuffer.wrap(InetAddress.getByName(subject).getAddress())).setRole(role)
                .setWindowStart(fromMillis).setWindowEnd(toMillis).setFirstSeen(fromMillis).setLastSeen(toMillis - 1)
                .setRequests(1L).setRequestBytes(1L).setResponses(1L).setResponseBytes(1L).setDistinctPeers(1L)
                .setSummary(type + " " + subject).build();
    }

    /** The input's frames that decode finds to or from {@code subject} in the span, in capture order. */
    private List<Frame> expected(final String subject, final long fromMillis, final long toMillis)
            throws IOException {
        final ByteBuffer address = ByteBuffer.wrap(InetAddress.getByName(subject).getAddress());
        final List<Long> numbers = SharedMaterial.decode(scenario).packets().stream()
                .filter(p -> p.getSrc().equals(address) || p.getDst().equals(address))
                .filter(p -> p.getTs() >= fromMillis * 1_000_000L && p.getTs() < toMillis * 1_000_000L)
                .map(NtpPacket::getFrame).toList();
        final List<Frame> input = CaptureContents.read(scenario);
        return numbers.stream().map(number -> input.get((int) (number - 1))).toList();
    }

    private static void assertSameFrames(final List<Frame> actual, final List<Frame> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).sameAs(expected.get(i))).as("frame %d of %d", i + 1, actual.size()).isTrue();
        }
    }

    /**
     * Where tshark is installed, it opens the capture and finds {@code frames} frames, every one to or from
     * {@code subject}.
     */
    private static void assertOpensInTshark(final Path capture, final int frames, final String subject)
            throws IOException, InterruptedException {
        final boolean installed = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, "tshark")));
        if (!installed) {
            return;
        }
        final Path errors = capture.resolveSibling(capture.getFileName() + ".tshark-errors");
        final Process tshark = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-Y", "ip.addr == " + subject,
                "-T", "fields", "-e", "frame.number").redirectError(errors.toFile()).start();
        final String output = new String(tshark.getInputStream().readAllBytes());
        assertThat(tshark.waitFor()).as(Files.readString(errors)).isZero();
        assertThat(output.lines().count()).as(output).isEqualTo(frames);
    }

    @Test
    void shouldWriteOnlyTheSubjectsPacketsInTheSpanAndNameTheFirstAndLastInputFrames() throws Exception {
        final List<NtpAlert> alerts = List.of(
                alert("victim-alert", VICTIM, AlertType.AMPLIFICATION_VICTIM, AlertRole.VICTIM, VICTIM_FROM_MILLIS,
                        VICTIM_TO_MILLIS),
                alert("reflector-alert", REFLECTOR, AlertType.REFLECTOR, AlertRole.REFLECTOR, WHOLE_FROM_MILLIS,
                        WHOLE_TO_MILLIS));

        final Map<String, AlertEvidence> evidence = EvidenceCaptures.write(List.of(scenario), alerts, dir, 10_000);

        final List<Frame> victimFrames = expected(VICTIM, VICTIM_FROM_MILLIS, VICTIM_TO_MILLIS);
        final List<Frame> reflectorFrames = expected(REFLECTOR, WHOLE_FROM_MILLIS, WHOLE_TO_MILLIS);
        assertThat(victimFrames).hasSizeGreaterThan(100); // the span holds packets, and cuts the 6,450 responses
        assertThat(victimFrames.size()).isLessThan(expected(VICTIM, WHOLE_FROM_MILLIS, WHOLE_TO_MILLIS).size());
        final AlertEvidence victim = evidence.get("victim-alert");
        assertThat(victim).isEqualTo(new AlertEvidence("evidence/victim-alert.pcap", victimFrames.size(), 0,
                10_000, new AlertEvidence.FramePosition(scenario.toString(), victimFrames.get(0).number()),
                new AlertEvidence.FramePosition(scenario.toString(), victimFrames.get(victimFrames.size() - 1)
                        .number())));
        assertSameFrames(CaptureContents.read(dir.resolve(victim.file())), victimFrames);
        assertOpensInTshark(dir.resolve(victim.file()), victimFrames.size(), VICTIM);
        final AlertEvidence reflector = evidence.get("reflector-alert");
        assertThat(reflector.first().frame()).isEqualTo(reflectorFrames.get(0).number());
        assertThat(reflector.last().frame()).isEqualTo(reflectorFrames.get(reflectorFrames.size() - 1).number());
        assertSameFrames(CaptureContents.read(dir.resolve(reflector.file())), reflectorFrames);
        assertThat(victim.json()).isEqualTo("{\"file\":\"evidence/victim-alert.pcap\",\"packets\":"
                + victimFrames.size() + ",\"beyondLimit\":0,\"limit\":10000,\"first\":{\"input\":\"" + scenario
                + "\",\"frame\":" + victim.first().frame() + "},\"last\":{\"input\":\"" + scenario + "\",\"frame\":"
                + victim.last().frame() + "}}");
    }

    @Test
    void shouldStopAtTheLimitAndCountThePacketsBeyondIt() throws Exception {
        final List<NtpAlert> alerts = List.of(alert("victim-alert", VICTIM, AlertType.AMPLIFICATION_VICTIM,
                AlertRole.VICTIM, VICTIM_FROM_MILLIS, VICTIM_TO_MILLIS));

        final AlertEvidence victim = EvidenceCaptures.write(List.of(scenario), alerts, dir, 7).get("victim-alert");

        final List<Frame> all = expected(VICTIM, VICTIM_FROM_MILLIS, VICTIM_TO_MILLIS);
        assertThat(victim.packets()).isEqualTo(7);
        assertThat(victim.beyondLimit()).isEqualTo(all.size() - 7);
        assertThat(victim.last().frame()).isEqualTo(all.get(6).number());
        assertSameFrames(CaptureContents.read(dir.resolve(victim.file())), all.subList(0, 7));
    }

    @Test
    void shouldTakeTheFramesOfSeveralInputsInCaptureTimeOrderWhateverTheOrderGiven() throws Exception {
        // Rotated captures interleaved in time: odd frames in one file, even ones in the other, given backwards.
        final List<Frame> input = CaptureContents.read(scenario);
        final Path odd = dir.resolve("odd.pcap");
        final Path even = dir.resolve("even.pcap");
        try (PcapWriter oddWriter = PcapWriter.create(odd, LinkType.ETHERNET, PcapReader.MAX_CAPTURED_LENGTH,
                PcapWriter.Precision.MICROSECONDS);
             PcapWriter evenWriter = PcapWriter.create(even, LinkType.ETHERNET, PcapReader.MAX_CAPTURED_LENGTH,
                     PcapWriter.Precision.MICROSECONDS)) {
            for (final Frame frame : input) {
                (frame.number() % 2 == 1 ? oddWriter : evenWriter).write(frame.timestampNanos(), frame.data(), 0,
                        frame.data().length);
            }
        }
        final List<NtpAlert> alerts = List.of(alert("reflector-alert", REFLECTOR, AlertType.REFLECTOR,
                AlertRole.REFLECTOR, WHOLE_FROM_MILLIS, WHOLE_TO_MILLIS));

        final AlertEvidence reflector = EvidenceCaptures.write(List.of(even, odd), alerts, dir.resolve("report"),
                10_000).get("reflector-alert");

        final List<Frame> expected = expected(REFLECTOR, WHOLE_FROM_MILLIS, WHOLE_TO_MILLIS);
        assertSameFrames(CaptureContents.read(dir.resolve("report").resolve(reflector.file())), expected);
        final long first = expected.get(0).number();
        final long last = expected.get(expected.size() - 1).number();
        assertThat(reflector.first()).isEqualTo(new AlertEvidence.FramePosition(
                (first % 2 == 1 ? odd : even).toString(), (first + 1) / 2));
        assertThat(reflector.last()).isEqualTo(new AlertEvidence.FramePosition(
                (last % 2 == 1 ? odd : even).toString(), (last + 1) / 2));
    }

    @Test
    void shouldWritePcapngWhenTheSubjectsFramesComeOnDifferentLinkTypes() throws Exception {
        // The same traffic, its second half captured as raw IP (no Ethernet header) in another file.
        final List<Frame> input = CaptureContents.read(scenario);
        final Path ethernet = dir.resolve("ethernet.pcap");
        final Path raw = dir.resolve("raw.pcap");
        final int half = input.size() / 2;
        try (PcapWriter ethernetWriter = PcapWriter.create(ethernet, LinkType.ETHERNET,
                PcapReader.MAX_CAPTURED_LENGTH, PcapWriter.Precision.MICROSECONDS);
             PcapWriter rawWriter = PcapWriter.create(raw, LinkType.RAW, PcapReader.MAX_CAPTURED_LENGTH,
                     PcapWriter.Precision.MICROSECONDS)) {
            for (final Frame frame : input) {
                if (frame.number() <= half) {
                    ethernetWriter.write(frame.timestampNanos(), frame.data(), 0, frame.data().length);
                } else {
                    rawWriter.write(frame.timestampNanos(), frame.data(), 14, frame.data().length - 14);
                }
            }
        }
        final List<NtpAlert> alerts = List.of(alert("reflector-alert", REFLECTOR, AlertType.REFLECTOR,
                AlertRole.REFLECTOR, WHOLE_FROM_MILLIS, WHOLE_TO_MILLIS));

        final AlertEvidence reflector = EvidenceCaptures.write(List.of(ethernet, raw), alerts, dir, 10_000)
                .get("reflector-alert");

        assertThat(reflector.file()).isEqualTo("evidence/reflector-alert.pcapng");
        assertThat(dir.resolve("evidence/reflector-alert.pcap")).doesNotExist();
        final List<Frame> expected = expected(REFLECTOR, WHOLE_FROM_MILLIS, WHOLE_TO_MILLIS).stream()
                .map(frame -> frame.number() <= half ? frame : new Frame(frame.number(), frame.timestampNanos(),
                        LinkType.RAW, Arrays.copyOfRange(frame.data(), 14, frame.data().length), List.of()))
                .toList();
        assertThat(expected).extracting(Frame::linkType).contains(LinkType.ETHERNET, LinkType.RAW);
        final List<Frame> written = CaptureContents.read(dir.resolve(reflector.file()));
        assertSameFrames(written, expected);
        assertOpensInTshark(dir.resolve(reflector.file()), written.size(), REFLECTOR);
        assertThat(reflector.last().input()).isEqualTo(raw.toString());
    }
}
