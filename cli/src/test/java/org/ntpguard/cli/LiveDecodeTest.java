package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ntpguard decode --interface lo} with real libpcap: real UDP datagrams sent to 127.0.0.1 port 123 come out
 * decoded. Needs root (CI runs as root) and libpcap; only loopback is ever a target.
 */
class LiveDecodeTest {

    private static final byte[] CLIENT_REQUEST = new byte[48];
    private static final byte[] MONLIST_PROBE = {0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00};

    static {
        CLIENT_REQUEST[0] = 0x23;          // LI 0, VN 4, mode 3
        CLIENT_REQUEST[2] = 6;             // poll 2^6 s
        CLIENT_REQUEST[3] = (byte) 0xE9;   // precision -23
        for (int i = 40; i < 48; i++) {
            CLIENT_REQUEST[i] = (byte) (0x11 * (i - 39)); // transmit timestamp 1122334455667788
        }
    }

    @Test
    void shouldDecodeDatagramsSentToLoopbackPort123() throws Exception {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            final int sourcePort = socket.getLocalPort();
            final CommandLine commandLine = NtpGuardCommand.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            // The filter keeps only this test's datagrams, whatever else crosses loopback.
            final CompletableFuture<Integer> decoding = CompletableFuture.supplyAsync(() -> commandLine.execute(
                    "decode", "-i", "lo", "-c", "2", "--sensor", "lo-test",
                    "--filter", "udp dst port 123 and udp src port " + sourcePort));
            awaitCapturing(err, decoding);

            final InetSocketAddress ntp = new InetSocketAddress(InetAddress.getLoopbackAddress(), 123);
            socket.send(new DatagramPacket(CLIENT_REQUEST, CLIENT_REQUEST.length, ntp));
            socket.send(new DatagramPacket(MONLIST_PROBE, MONLIST_PROBE.length, ntp));

            assertThat(decoding.get(10, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
            final List<String> lines = out.toString().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"sensor\":\"lo-test\"", "\"frame\":1", "\"src\":\"127.0.0.1\"",
                    "\"dst\":\"127.0.0.1\"", "\"sport\":" + sourcePort, "\"dport\":123", "\"ipVersion\":4",
                    "\"ipLen\":76", "\"ntpLen\":48", "\"version\":4", "\"mode\":3", "\"poll\":6",
                    "\"precision\":-23", "\"xmtTime\":" + Long.parseUnsignedLong("1122334455667788", 16),
                    "\"role\":\"REQUEST\"", "\"malformed\":null");
            assertThat(lines.get(1)).contains("\"frame\":2", "\"ntpLen\":8", "\"version\":2", "\"mode\":7",
                    "\"privateHeader\":{\"response\":false,\"more\":false,\"auth\":false,\"sequence\":0,"
                            + "\"implementation\":3,\"requestCode\":42", "\"role\":\"REQUEST\"");
            assertThat(err.toString()).contains("NTP datagrams 2 (malformed 0)");
        }
    }

    private static void awaitCapturing(final StringWriter err, final CompletableFuture<Integer> decoding)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!err.toString().contains("capturing on lo")) {
            if (decoding.isDone() || System.nanoTime() > deadline) {
                throw new AssertionError("capture did not start: " + err);
            }
            Thread.sleep(20);
        }
    }
}
