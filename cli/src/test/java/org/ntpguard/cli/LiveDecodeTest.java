package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ntpguard decode --interface lo} with real libpcap: real UDP datagrams sent to 127.0.0.1 port 123 come out
 * decoded. Needs root (CI runs as root) and libpcap; only loopback is ever a target.
 */
class LiveDecodeTest {

    @Test
    void shouldDecodeDatagramsSentToLoopbackPort123() throws Exception {
        final CommandRun command = new CommandRun();
        try (LoopbackNtp ntp = new LoopbackNtp()) {
            final CompletableFuture<Integer> decoding = CompletableFuture.supplyAsync(() -> command.run(
                    "decode", "-i", "lo", "-c", "2", "--sensor", "lo-test", "--filter", ntp.filter()));
            LoopbackNtp.await("capture start", () -> command.err.toString().contains("capturing on lo"), decoding,
                    Duration.ofSeconds(10), command.err);

            ntp.send(LoopbackNtp.CLIENT_REQUEST);
            ntp.send(LoopbackNtp.MONLIST_REQUEST);

            assertThat(decoding.get(10, TimeUnit.SECONDS)).as(command.err.toString()).isEqualTo(ExitCodes.OK);
            final List<String> lines = command.out.toString().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"sensor\":\"lo-test\"", "\"frame\":1", "\"src\":\"127.0.0.1\"",
                    "\"dst\":\"127.0.0.1\"", "\"sport\":" + ntp.sourcePort(), "\"dport\":123", "\"ipVersion\":4",
                    "\"ipLen\":76", "\"ntpLen\":48", "\"version\":4", "\"mode\":3", "\"poll\":6",
                    "\"precision\":-23", "\"xmtTime\":\"11223344.55667788\"",
                    "\"role\":\"REQUEST\"", "\"malformed\":null");
            assertThat(lines.get(1)).contains("\"frame\":2", "\"ntpLen\":8", "\"version\":2", "\"mode\":7",
                    "\"privateHeader\":{\"response\":false,\"more\":false,\"auth\":false,\"sequence\":0,"
                            + "\"implementation\":3,\"requestCode\":42", "\"role\":\"REQUEST\"");
            assertThat(command.err.toString()).contains("NTP datagrams 2 (malformed 0)");
        }
    }
}
