package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;

/** One run at a time in a report folder: a second one on the same {@code --out} is refused before anything starts. */
class ReportFolderLockTest {

    @TempDir
    Path dir;

    private final CommandRun command = new CommandRun();

    @Test
    void shouldRefuseAnAnalysisIntoAFolderInUseNamingTheProcessBeforeTheBrokerStarts() throws IOException {
        final Path out = Files.createDirectories(dir.resolve("report"));
        try (ReportFolderLock other = ReportFolderLock.tryAcquire(out)) {
            assertThat(other).as("the other run's lock").isNotNull();

            final int status = command.run("analyze", "--out", out.toString(),
                    SharedMaterial.scenarios().resolve("c_kod_storm.pcap").toString());

            assertThat(status).isEqualTo(ExitCodes.FAILED);
            assertThat(command.err.toString()).isEqualTo("ntpguard analyze: --out " + out + ": in use by another "
                    + "ntpguard run (process " + ProcessHandle.current().pid() + "); wait for it to end or choose "
                    + "another folder" + System.lineSeparator());
        }
    }

    @Test
    void shouldRefuseALiveRunIntoAFolderInUseBeforeOpeningTheInterface() throws IOException {
        // An interface that does not exist either: the folder is checked first.
        final Path out = Files.createDirectories(dir.resolve("report"));
        try (ReportFolderLock other = ReportFolderLock.tryAcquire(out)) {
            final int status = command.run("run", "-i", "no-such-interface0", "--out", out.toString());

            assertThat(status).isEqualTo(ExitCodes.FAILED);
            assertThat(command.err.toString())
                    .contains("ntpguard run: --out " + out + ": in use by another ntpguard run")
                    .doesNotContain("no-such-interface0");
        }
    }

    @Test
    void shouldLetTheNextRunHaveTheFolderOnceTheFirstEnded() throws IOException {
        final Path out = Files.createDirectories(dir.resolve("report"));
        ReportFolderLock.tryAcquire(out).close();

        try (ReportFolderLock next = ReportFolderLock.tryAcquire(out)) {
            assertThat(next).isNotNull();
        }
    }
}
