package org.ntpguard.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureProblem;
import org.ntpguard.capture.pcap.CaptureProblems;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.FileFingerprint;
import org.ntpguard.capture.pcap.MergedCaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.cli.report.InputFile;

/**
 * Reads capture files through a capture session, the same way for every command that takes files: all of them at
 * once, merged in capture-time order as {@code mergecap} merges them ({@link MergedCaptureReader}), whatever order
 * they were given in. A missing or unreadable file is one line and the others are read; damage inside a file is
 * reported by its reader and the file counts as damaged (or unreadable, when not one frame could be read from it).
 */
final class FileReplay implements Closeable {

    /** Thrown by a sink to stop the replay early (Ctrl-C): what is not yet read is skipped. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("replay stopped", null, false, false);
        }
    }

    /** One opened file: where its damage is counted, and its bytes read. */
    private record Opened(Path file, DamageCount damage, FileFingerprint fingerprint) {
    }

    /** Counts one file's damage (problems of its format) on the way to the shared problem log. */
    private static final class DamageCount implements CaptureProblems {

        private final CaptureProblems log;
        private long damage;

        DamageCount(final CaptureProblems log) {
            this.log = log;
        }

        @Override
        public void report(final CaptureProblem problem) {
            if (problem.kind().damagesInput()) {
                damage++;
            }
            log.report(problem);
        }
    }

    private final List<Opened> opened;
    private final boolean fingerprints;
    private final MergedCaptureReader merged;
    private final DecodeStats stats;
    private final ProblemLog problems;
    private final PrintWriter err;
    /** True once a sink stopped the replay: the files' unread rest is not read for their hashes. */
    private boolean stopped;

    private FileReplay(final List<Opened> opened, final boolean fingerprints, final MergedCaptureReader merged,
                       final DecodeStats stats, final ProblemLog problems, final PrintWriter err) {
        this.opened = opened;
        this.fingerprints = fingerprints;
        this.merged = merged;
        this.stats = stats;
        this.problems = problems;
        this.err = err;
    }

    /**
     * Opens every file; one that cannot be opened is a line on {@code err} and counts as unreadable.
     *
     * @param fingerprints true to count and hash every file's bytes as they are read ({@link #bytesRead()},
     *                     {@link #inputs()}), false for neither
     */
    static FileReplay open(final List<Path> files, final boolean fingerprints, final DecodeStats stats,
                           final ProblemLog problems, final PrintWriter err) {
        final List<Opened> opened = new ArrayList<>();
        final List<CaptureReader> readers = new ArrayList<>();
        for (final Path file : files) {
            final DamageCount damage = new DamageCount(problems);
            final FileFingerprint fingerprint = new FileFingerprint(file);
            try {
                readers.add(CaptureFiles.open(file, damage, fingerprints ? fingerprint : null));
                opened.add(new Opened(file, damage, fingerprint));
            } catch (IOException e) {
                err.println(openProblem(file, e));
                stats.unreadableInput();
            }
        }
        problems.flush();
        return new FileReplay(opened, fingerprints, new MergedCaptureReader(readers,
                (input, e) -> err.println(input.source() + ": cannot read: " + OneLineErrors.describe(e))), stats,
                problems, err);
    }

    /**
     * Reads every file, frames in capture-time order, until the end or until {@code limit} NTP datagrams went to the
     * sink; a sink that throws {@link Stopped} ends it early. Counts each file as damaged or unreadable where it is.
     *
     * @return the NTP datagrams handed to the sink
     */
    long run(final CaptureSession session, final PacketSink sink, final long limit) throws IOException {
        long emitted = 0;
        try {
            emitted = session.run(merged, sink, limit);
        } catch (Stopped e) {
            stopped = true; // what was read stays counted
        } finally {
            problems.flush();
        }
        for (int i = 0; i < opened.size(); i++) {
            final MergedCaptureReader.Input input = merged.inputs().get(i);
            final long damage = opened.get(i).damage().damage;
            if (input.failure() != null || input.frames() == 0 && damage > 0) {
                stats.unreadableInput(); // not a capture, cut inside its header, or the system failed to read it
            } else if (damage > 0) {
                stats.damagedInput();
            }
        }
        return emitted;
    }

    /**
     * Opens, reads and closes the files: for the commands that need nothing else from the replay.
     *
     * @return the NTP datagrams handed to the sink, at most {@code limit}
     */
    static long read(final List<Path> files, final CaptureSession session, final PacketSink sink, final long limit,
                     final DecodeStats stats, final ProblemLog problems, final PrintWriter err) {
        try (FileReplay replay = open(files, false, stats, problems, err)) {
            return replay.run(session, sink, limit);
        } catch (IOException e) {
            // A reader's failure is reported and counted by the merge; what is left is closing a file.
            err.println("cannot close a capture file: " + OneLineErrors.describe(e));
            return 0;
        }
    }

    /** Bytes read from the disk so far, over every file: compressed bytes for a gzip file, as its size on disk. */
    long bytesRead() {
        long read = 0;
        for (final Opened file : opened) {
            read += file.fingerprint().bytesRead();
        }
        return read;
    }

    /**
     * What was read of each file that could be opened, in the order given. Its SHA-256 when opened with
     * fingerprints (the part of a file left unread is read for it now), else null; null too after a stop, which
     * must not wait for the rest of a large file, and when the file cannot be read again (said on stderr).
     */
    List<InputFile> inputs() {
        final List<InputFile> inputs = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            final Opened file = opened.get(i);
            final MergedCaptureReader.Input input = merged.inputs().get(i);
            final List<Integer> linkTypes = new ArrayList<>();
            for (final int linkType : input.linkTypes()) {
                linkTypes.add(linkType);
            }
            long size = -1;
            String sha256 = null;
            try {
                size = Files.size(file.file());
                sha256 = fingerprints && !stopped ? file.fingerprint().sha256() : null;
            } catch (IOException e) {
                err.println(file.file() + ": cannot read for its SHA-256: " + OneLineErrors.describe(e));
            }
            inputs.add(new InputFile(file.file().toString(), size, sha256, linkTypes, input.frames(),
                    input.frames() == 0 ? null : Instant.ofEpochSecond(0, input.firstNanos()),
                    input.frames() == 0 ? null : Instant.ofEpochSecond(0, input.lastNanos()), file.damage().damage));
        }
        return inputs;
    }

    @Override
    public void close() throws IOException {
        merged.close();
    }

    /** One line on why {@code file} could not be opened: missing, not allowed, or what the system said. */
    static String openProblem(final Path file, final IOException e) {
        if (e instanceof NoSuchFileException) {
            return file + ": no such file";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied";
        }
        return file + ": cannot read: " + OneLineErrors.describe(e);
    }

    /** 0 when every file was read, 1 when some were damaged or unreadable, 2 when none could be read. */
    static int exitCode(final DecodeStats stats, final int files) {
        if (stats.unreadableInputs() == files) {
            return ExitCodes.FAILED;
        }
        return stats.unreadableInputs() > 0 || stats.damagedInputs() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }
}
