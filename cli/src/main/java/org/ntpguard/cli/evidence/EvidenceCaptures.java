package org.ntpguard.cli.evidence;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.pcap.MergedCaptureReader;
import org.ntpguard.schema.NtpAlert;

/**
 * {@code analyze --evidence}: after the detector has finished, one more pass over the input files writes, for each
 * alert, a capture of its subject's NTP packets (the subject the source or the destination, IP fragments included)
 * over the alert's whole span, from its first window's start to its last update's window end: what an analyst
 * attaches to an abuse report.
 *
 * <p>The inputs are read together in capture-time order ({@link MergedCaptureReader}, as the replay reads them), so a subject seen in several
 * files gets their frames in the order they were captured. Each frame is decoded as in the first pass and its
 * addresses looked up in a {@link SubjectIndex}; a frame that matches no alert costs two lookups and no allocation.
 */
public final class EvidenceCaptures {

    /** The folder, inside the report folder, holding one capture per alert. */
    public static final String FOLDER = "evidence";
    /** The most packets an alert's capture holds, unless told otherwise. */
    public static final int DEFAULT_LIMIT = 10_000;

    private EvidenceCaptures() {
    }

    /**
     * Writes the evidence of {@code alerts} read from {@code inputs} into {@code reportDir}/{@value #FOLDER}, which
     * loses the captures of an earlier run first.
     *
     * @param limit the most packets in one alert's capture (1 or more); the rest are counted
     * @return each alert's evidence by alert id, in the order of {@code alerts}
     */
    public static Map<String, AlertEvidence> write(final List<Path> inputs, final List<NtpAlert> alerts,
                                                   final Path reportDir, final int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit=" + limit + " (expected: 1 or more)");
        }
        final Path dir = Files.createDirectories(reportDir.resolve(FOLDER));
        deleteEarlierCaptures(dir);
        final List<AlertSpan> spans = alerts.stream().map(AlertSpan::of).toList();
        final EvidenceFile[] files = new EvidenceFile[spans.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = new EvidenceFile(dir, fileName(spans.get(i).alertId()), limit);
        }
        try {
            copyFrames(inputs, spans, files);
        } finally {
            for (final EvidenceFile file : files) {
                file.close();
            }
        }
        final Map<String, AlertEvidence> evidence = new LinkedHashMap<>();
        for (int i = 0; i < files.length; i++) {
            evidence.put(spans.get(i).alertId(), files[i].evidence(FOLDER, inputs));
        }
        return evidence;
    }

    /** One line for the terminal: how many captures and packets, and how many alerts reached the limit. */
    public static String summary(final Map<String, AlertEvidence> evidence, final Path reportDir) {
        final long captures = evidence.values().stream().filter(e -> e.file() != null).count();
        final long packets = evidence.values().stream().mapToLong(AlertEvidence::packets).sum();
        final long limited = evidence.values().stream().filter(e -> e.beyondLimit() > 0).count();
        return "evidence: " + captures + " capture(s) of " + evidence.size() + " alert(s), " + packets
                + " packet(s), in " + reportDir.resolve(FOLDER)
                + (limited == 0 ? "" : "; " + limited + " alert(s) had more packets than the limit, counted in "
                + "alerts.jsonl (beyondLimit)");
    }

    private static void copyFrames(final List<Path> inputs, final List<AlertSpan> spans, final EvidenceFile[] files)
            throws IOException {
        final SubjectIndex index = new SubjectIndex(spans);
        final PacketDecoder decoder = new PacketDecoder();
        final DecodedPacket packet = new DecodedPacket();
        // The inputs were read once already: what cannot be opened, and damage inside, was reported then, so here it is
        // passed over in silence.
        final List<CaptureReader> readers = new ArrayList<>();
        final int[] inputOf = new int[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            try {
                readers.add(CaptureFiles.open(inputs.get(i), problem -> { }));
                inputOf[readers.size() - 1] = i;
            } catch (IOException e) {
                // reported by the first pass
            }
        }
        final CapturedFrame frame = new CapturedFrame();
        try (MergedCaptureReader frames = new MergedCaptureReader(readers, (input, e) -> { })) {
            while (frames.next(frame)) {
                final int input = inputOf[frames.currentIndex()];
                final DecodeResult result = decoder.decode(frame, packet);
                if (result != DecodeResult.NTP && result != DecodeResult.NTP_FRAGMENT) {
                    continue;
                }
                final int[] bySource = index.alertsOf(packet, true);
                final int[] byDestination = index.alertsOf(packet, false);
                add(frame, input, bySource, spans, files);
                if (byDestination != bySource) { // the same array when source and destination are one address
                    add(frame, input, byDestination, spans, files);
                }
            }
        }
    }

    private static void add(final CapturedFrame frame, final int input, final int[] alerts,
                            final List<AlertSpan> spans, final EvidenceFile[] files) throws IOException {
        for (final int alert : alerts) {
            if (spans.get(alert).covers(frame.timestampNanos())) {
                files[alert].add(frame, input);
            }
        }
    }

    /** The alert id (a UUID) as a file name; anything outside [A-Za-z0-9._-] would become '_'. */
    static String fileName(final String alertId) {
        return alertId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void deleteEarlierCaptures(final Path dir) throws IOException {
        try (DirectoryStream<Path> earlier = Files.newDirectoryStream(dir, "*.{pcap,pcapng}")) {
            for (final Path file : earlier) {
                Files.delete(file);
            }
        }
    }
}
