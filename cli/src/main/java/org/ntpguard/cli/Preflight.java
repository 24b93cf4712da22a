package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureProblem;
import org.ntpguard.capture.pcap.CaptureReader;

/**
 * What the report-writing commands ({@code analyze}, {@code run}) check before they start the broker and the
 * detector (seconds of start-up, then minutes of replay or capture): that the report folder can be written and is
 * not in use by another run, and for {@code analyze} that at least one input opens as a capture. A failure is one
 * line each, and nothing starts.
 */
final class Preflight {

    private Preflight() {
    }

    /**
     * Whether the report folder can be written; if not, says why in one line.
     *
     * @param command the command, for the line ("analyze", "run")
     */
    private static boolean reportFolderWritable(final String command, final Path out, final PrintWriter err) {
        final String problem = reportFolderProblem(out);
        if (problem != null) {
            err.println("ntpguard " + command + ": " + problem);
            err.flush();
        }
        return problem == null;
    }

    /**
     * Checks that the report folder can be written and locks it for this run ({@link ReportFolderLock}): two runs
     * on one folder would both say "wrote", and the last would silently win.
     *
     * @return the lock, to hold until the report is written; null after one line saying why the folder cannot be
     *         used (not writable, or in use by another run, named by its process id)
     */
    static ReportFolderLock lockReportFolder(final String command, final Path out, final PrintWriter err) {
        if (!reportFolderWritable(command, out, err)) {
            return null;
        }
        String problem;
        try {
            final ReportFolderLock lock = ReportFolderLock.tryAcquire(out);
            if (lock != null) {
                return lock;
            }
            final String holder = ReportFolderLock.holder(out);
            problem = "in use by another ntpguard run" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + "; wait for it to end or choose another folder";
        } catch (IOException e) {
            problem = "cannot lock " + out.resolve(ReportFolderLock.FILE_NAME) + ": " + OneLineErrors.describe(e);
        }
        err.println("ntpguard " + command + ": --out " + out + ": " + problem);
        err.flush();
        return null;
    }

    /**
     * Creates the report folder if needed and writes and deletes a file in it.
     *
     * @return why it cannot hold the report, or null when it can
     */
    private static String reportFolderProblem(final Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            return "--out " + out + ": exists and is not a folder";
        }
        try {
            Files.createDirectories(out);
            Files.delete(Files.createTempFile(out, ".ntpguard-write-check-", ""));
            return null;
        } catch (IOException e) {
            return "--out " + out + ": cannot write there: " + OneLineErrors.describe(e);
        }
    }

    /**
     * Opens each input as the replay will, up to its capture header.
     *
     * @return one line per input that cannot be read as a capture (missing, a folder, not a capture, a broken header)
     */
    static List<String> inputProblems(final List<Path> files) {
        final List<String> problems = new ArrayList<>();
        for (final Path file : files) {
            final List<CaptureProblem> found = new ArrayList<>();
            try (CaptureReader reader = CaptureFiles.open(file, found::add)) {
                found.stream().filter(p -> p.kind().fatal()).findFirst()
                        .ifPresent(p -> problems.add(p.describe()));
            } catch (IOException e) {
                problems.add(FileReplay.openProblem(file, e));
            }
        }
        return problems;
    }
}
