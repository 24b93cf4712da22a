package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.cli.report.InputFile;

/** Files replayed as one capture in capture-time order, each still named and counted on its own. */
class FileReplayTest {

    @TempDir
    Path dir;

    private final StringWriter errText = new StringWriter();
    private final PrintWriter err = new PrintWriter(errText, true);
    private final DecodeStats stats = new DecodeStats();
    private final ProblemLog problems = new ProblemLog(err);

    /** One datagram as the sink saw it. */
    private record Seen(long timestampNanos, long frameNumber) {
    }

    @Test
    void shouldReplayRotatedPartsGivenInReverseInCaptureTimeOrderAsTheWholeCapture() throws IOException {
        final Path whole = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final List<Path> parts = SplitCapture.split(whole, dir.resolve("cap1.pcap"), dir.resolve("cap2.pcap"));

        final List<Seen> fromWhole = replay(List.of(whole), new DecodeStats());
        final List<Seen> fromParts = replay(List.of(parts.get(1), parts.get(0)), stats);

        assertThat(fromParts).extracting(Seen::timestampNanos)
                .containsExactlyElementsOf(fromWhole.stream().map(Seen::timestampNanos).toList());
        assertThat(fromParts.get(0).frameNumber()).isEqualTo(1); // of the first part, given second
        assertThat(stats.damagedInputs() + stats.unreadableInputs()).isZero();
        assertThat(errText.toString()).isEmpty();
    }

    @Test
    void shouldCountEachFilesDamageOnItsOwnAndNameTheFileOfEachProblem() throws IOException {
        final Path whole = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final List<Path> parts = SplitCapture.split(whole, dir.resolve("cap1.pcap"), dir.resolve("cap2.pcap"));
        final byte[] second = Files.readAllBytes(parts.get(1));
        final Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(second, second.length - 10));
        final Path missing = dir.resolve("missing.pcap");

        replay(List.of(cut, missing, parts.get(0)), stats);

        assertThat(stats.damagedInputs()).isEqualTo(1);
        assertThat(stats.unreadableInputs()).isEqualTo(1);
        assertThat(errText.toString()).contains(missing + ": no such file").contains(cut + ": frame ")
                .doesNotContain(parts.get(0) + ": frame");
    }

    @Test
    void shouldCountBytesReadOnDiskAndHashEachFileAsItIsRead() throws IOException {
        final Path whole = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");
        final Path gzip = dir.resolve("c_kod_storm.pcap.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            Files.copy(whole, out);
        }

        try (FileReplay replay = FileReplay.open(List.of(gzip, whole), true, stats, problems, err)) {
            replay.run(new CaptureSession(stats, problems), packet -> { }, Long.MAX_VALUE);

            // Compressed bytes for the gzip file: what its size on disk, and so the progress line's total, counts.
            assertThat(replay.bytesRead()).isEqualTo(Files.size(gzip) + Files.size(whole));
            final List<InputFile> inputs = replay.inputs();
            assertThat(inputs).extracting(InputFile::sizeBytes).containsExactly(Files.size(gzip), Files.size(whole));
            assertThat(inputs.get(0).sha256()).isEqualTo(sha256(gzip)).isNotEqualTo(inputs.get(1).sha256());
            assertThat(inputs.get(1).sha256()).isEqualTo(sha256(whole));
            assertThat(inputs.get(0).frames()).isEqualTo(inputs.get(1).frames()).isPositive();
            assertThat(inputs.get(0).linkTypes()).containsExactly(1);
            assertThat(inputs.get(0).firstFrame()).isBefore(inputs.get(0).lastFrame());
        }
    }

    @Test
    void shouldNotReadTheRestOfAStoppedReplaysFilesForTheirHashes() throws IOException {
        final Path whole = SharedMaterial.scenarios().resolve("c_kod_storm.pcap");

        try (FileReplay replay = FileReplay.open(List.of(whole), true, stats, problems, err)) {
            replay.run(new CaptureSession(stats, problems), packet -> {
                throw new FileReplay.Stopped();
            }, Long.MAX_VALUE);

            assertThat(replay.inputs()).singleElement().satisfies(input -> {
                assertThat(input.frames()).isEqualTo(1);
                assertThat(input.sha256()).isNull();
                assertThat(input.sizeBytes()).isEqualTo(Files.size(whole));
            });
        }
    }

    private List<Seen> replay(final List<Path> files, final DecodeStats counts) {
        final List<Seen> seen = new ArrayList<>();
        FileReplay.read(files, new CaptureSession(counts, problems),
                packet -> seen.add(new Seen(packet.timestampNanos(), packet.frameNumber())), Long.MAX_VALUE, counts,
                problems, err);
        return seen;
    }

    private static String sha256(final Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
