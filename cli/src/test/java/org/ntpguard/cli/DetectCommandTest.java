package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DetectCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnUnknownDetectionKeyInOneLineBeforeConnecting() throws Exception {
        final Path config = Files.writeString(dir.resolve("detect.properties"), "ntpguard.window.sise=30s\n");
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = NtpGuardCommand.commandLine();
        commandLine.setErr(new PrintWriter(err));

        final int status = commandLine.execute("detect", "--bootstrap-servers", "127.0.0.1:1",
                "--config", config.toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).startsWith("ntpguard detect: " + config + ": ").contains("ntpguard.window.sise")
                .hasLineCount(1);
    }

    @Test
    void shouldSayInOneLineThatItsHttpPortIsTakenBeforeConnecting() throws Exception {
        final CommandRun command = new CommandRun();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--http-port",
                    String.valueOf(taken.getLocalPort()), "--state-dir", dir.toString());

            assertThat(status).isEqualTo(ExitCodes.FAILED);
            assertThat(command.err.toString()).startsWith("ntpguard detect: cannot serve HTTP on 127.0.0.1:"
                    + taken.getLocalPort() + ": ").hasLineCount(1);
        }
    }

    @Test
    void shouldRefuseAPortOutOfRange() {
        final CommandRun command = new CommandRun();

        final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "65536");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).contains("--http-port: 65536 (expected: 0 to 65535)");
    }
}
