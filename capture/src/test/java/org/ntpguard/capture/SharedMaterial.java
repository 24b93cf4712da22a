package org.ntpguard.capture;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpPacket;

/**
 * The shared test material beside the project root ({@code ../shared}: real captures with tshark oracles, labelled
 * scenarios), and the production pipeline that decodes it. Under CI the material must be there; on a developer's
 * machine without it, tests that need it are skipped.
 */
public final class SharedMaterial {

    private SharedMaterial() {
    }

    /** The {@code shared/} folder: beside the project root, or beside one of its ancestors (git worktrees). */
    public static Path root() {
        final String start = System.getProperty("ntpguard.root", System.getProperty("user.dir"));
        for (Path dir = Path.of(start).toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            final Path shared = dir.resolveSibling("shared");
            if (Files.isRegularFile(shared.resolve("captures").resolve("MANIFEST.tsv"))) {
                return shared;
            }
        }
        if (System.getenv("CI") != null) {
            throw new IllegalStateException("shared/ test material not found beside " + start);
        }
        assumeTrue(false, "shared/ test material not found beside " + start);
        return null;
    }

    public static Path captures() {
        return root().resolve("captures");
    }

    public static Path scenarios() {
        return root().resolve("scenarios");
    }

    /** tshark's {@code frame.time_epoch} ("1497881530.230949000") in nanoseconds, exactly. */
    public static long epochNanos(final String epoch) {
        final int dot = epoch.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(epoch) * 1_000_000_000L;
        }
        final String fraction = (epoch.substring(dot + 1) + "000000000").substring(0, 9);
        return Long.parseLong(epoch.substring(0, dot)) * 1_000_000_000L + Long.parseLong(fraction);
    }

    /** What decoding one file produced. */
    public record Decoded(List<NtpPacket> packets, DecodeStats stats, String problems) {
    }

    /** Decodes a capture file exactly as {@code ntpguard decode} does. */
    public static Decoded decode(final Path file) throws IOException {
        final List<NtpPacket> packets = new ArrayList<>();
        final DecodeStats stats = new DecodeStats();
        final StringWriter problems = new StringWriter();
        final ProblemLog log = new ProblemLog(new PrintWriter(problems, true));
        final NtpPacketMapper mapper = new NtpPacketMapper("test");
        try (CaptureReader reader = CaptureFiles.open(file, log)) {
            new CaptureSession(stats, log).run(reader, packet -> packets.add(mapper.map(packet)), Long.MAX_VALUE);
        }
        log.flush();
        return new Decoded(packets, stats, problems.toString());
    }
}
