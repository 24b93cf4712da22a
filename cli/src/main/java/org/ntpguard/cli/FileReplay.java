package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;

/**
 * Reads capture files one after the other through a capture session, the same way for every command that takes
 * files: a missing or unreadable file is one line and the next file is read; damage inside a file is reported by
 * the reader and the file counts as damaged (or unreadable, when not one frame could be read from it).
 */
final class FileReplay {

    /** Thrown by a sink to stop the replay early (Ctrl-C): the files not yet read are skipped. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("replay stopped", null, false, false);
        }
    }

    private FileReplay() {
    }

    /**
     * @return the NTP datagrams handed to the sink, at most {@code limit}
     */
    static long read(final List<Path> files, final CaptureSession session, final PacketSink sink, final long limit,
                     final DecodeStats stats, final ProblemLog problems, final PrintWriter err) {
        long remaining = limit;
        for (final Path file : files) {
            if (remaining <= 0) {
                break;
            }
            final long damageBefore = problems.inputDamage();
            final long framesBefore = stats.frames();
            try (CaptureReader reader = CaptureFiles.open(file, problems)) {
                remaining -= session.run(reader, sink, remaining);
            } catch (Stopped e) {
                break;
            } catch (IOException e) {
                err.println(openProblem(file, e));
                stats.unreadableInput();
                continue;
            } finally {
                problems.flush();
            }
            if (problems.inputDamage() > damageBefore) {
                if (stats.frames() == framesBefore) {
                    stats.unreadableInput(); // not a capture, or cut inside its header
                } else {
                    stats.damagedInput();
                }
            }
        }
        return limit - remaining;
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
