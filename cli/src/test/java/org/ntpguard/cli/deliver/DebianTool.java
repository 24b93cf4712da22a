package org.ntpguard.cli.deliver;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A program from a Debian package that a test starts: skipped without it, except under CI (.ci/run installs it). */
final class DebianTool {

    private DebianTool() {
    }

    static Path require(final Path binary, final String debianPackage) {
        if (Files.isExecutable(binary)) {
            return binary;
        }
        final String missing = binary + " is missing: apt-get install " + debianPackage + " (.ci/run installs it)";
        if (System.getenv("CI") != null) {
            fail(missing);
        }
        Assumptions.abort(missing);
        return binary;
    }

    /** A loopback port free a moment ago, for a program that takes its port on its command line. */
    static int freeTcpPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
