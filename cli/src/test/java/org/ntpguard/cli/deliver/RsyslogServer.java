package org.ntpguard.cli.deliver;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real rsyslogd (Debian's rsyslog) on loopback with a configuration of the test's own: imtcp and imudp on free
 * ports, every message written to a file as the fields rsyslog parsed out of it, tab-separated: PRI, APP-NAME,
 * PROCID, MSGID, STRUCTURED-DATA, MSG.
 */
public final class RsyslogServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/rsyslogd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ServerProcess process;
    private final Path received;
    private final int tcpPort;
    private final int udpPort;

    private RsyslogServer(final ServerProcess process, final Path received, final int tcpPort, final int udpPort) {
        this.process = process;
        this.received = received;
        this.tcpPort = tcpPort;
        this.udpPort = udpPort;
    }

    public static RsyslogServer start(final Path dir) throws IOException, InterruptedException {
        DebianTool.require(BINARY, "rsyslog");
        final int tcpPort = DebianTool.freeTcpPort();
        final int udpPort;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpPort = socket.getLocalPort();
        }
        final Path received = dir.resolve("received.log");
        final Path config = Files.writeString(dir.resolve("rsyslog.conf"), String.join("\n",
                "global(workDirectory=\"" + dir + "\")",
                "module(load=\"imtcp\")",
                "module(load=\"imudp\")",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\")",
                "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + udpPort + "\")",
                "template(name=\"fields\" type=\"string\" string=\"%pri%\\t%app-name%\\t%procid%\\t%msgid%\\t"
                        + "%structured-data%\\t%msg%\\n\")",
                "action(type=\"omfile\" file=\"" + received + "\" template=\"fields\")", ""));
        final Path log = dir.resolve("rsyslogd.log");
        final ServerProcess process = ServerProcess.start(log, BINARY.toString(), "-n", "-f", config.toString(),
                "-i", dir.resolve("rsyslogd.pid").toString());
        final boolean listening = process.awaitReady(START_TIMEOUT, () -> {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort), 1_000);
                return true;
            }
        });
        if (!listening) {
            process.close();
            throw new IllegalStateException("rsyslogd did not start: " + process.log());
        }
        return new RsyslogServer(process, received, tcpPort, udpPort);
    }

    public String tcpUrl() {
        return "tcp://127.0.0.1:" + tcpPort;
    }

    String udpUrl() {
        return "udp://127.0.0.1:" + udpPort;
    }

    /** The messages received so far, once there are at least {@code count} (or what there is after 30 s). */
    public List<String> awaitMessages(final int count) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            final List<String> lines = Files.exists(received) ? Files.readAllLines(received) : List.of();
            if (lines.size() >= count || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
