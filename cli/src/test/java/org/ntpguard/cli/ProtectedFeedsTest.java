package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.cli.serve.HttpAccess;
import org.ntpguard.cli.serve.TestKeystore;

/**
 * {@code ntpguard detect} with TLS and a token, asked with Debian's curl over a real TLS handshake: a keystore made
 * by the JDK's keytool, its certificate the only one curl trusts.
 */
class ProtectedFeedsTest {

    private static final String TOKEN = "4f1c9a7e2b8d06a3c5e1f7b9d2a4c6e8";

    @TempDir
    Path dir;

    @Test
    void shouldServeTheFeedsOverTlsOnlyToHoldersOfTheTokenAndCountTheRefusals() throws Exception {
        // given: a self-signed key for 127.0.0.1, its certificate for curl, the token and the password in files
        final TlsDetector server = TlsDetector.start(dir, TOKEN, "protected");
        final ChildCli detect = server.detect();
        try {
            final String base = server.base();

            // when
            final String noToken = server.curl(base + "/blocklist.txt");
            final String wrongBearer = server.curl("-H", "Authorization: Bearer " + TOKEN.replace('4', '5'),
                    base + "/blocklist.txt");
            final String wrongBasic = server.curl("-u", "firewall:" + TOKEN.substring(1), base + "/blocklist.json");
            final String hostsNoToken = server.curl(base + "/hosts/192.0.2.1");
            final String bearer = awaitLoaded(() -> server.curl("-H", "Authorization: Bearer " + TOKEN,
                    base + "/blocklist.txt"));
            final String basic = server.curl("-u", "firewall:" + TOKEN, base + "/blocklist.json");
            final String plainHttp = server.curl(base.replace("https://", "http://") + "/blocklist.txt");
            final String live = server.curl(base + "/health/live");
            final String metrics = server.curl(base + "/metrics");

            // then
            assertThat(noToken).startsWith("401 ");
            assertThat(wrongBearer).startsWith("401 ");
            assertThat(wrongBasic).startsWith("401 ");
            assertThat(hostsNoToken).startsWith("401 ");
            assertThat(bearer).isEqualTo("200 ");
            assertThat(basic).isEqualTo("200 []\n");
            assertThat(plainHttp).doesNotStartWith("200");
            assertThat(live).isEqualTo("200 live\n");
            assertThat(metrics).startsWith("200 ")
                    .contains("# HELP ntpguard_http_refused_requests_total HTTP requests refused with 401")
                    .contains("ntpguard_http_refused_requests_total{reason=\"no_credentials\"} 2.0")
                    .contains("ntpguard_http_refused_requests_total{reason=\"wrong_credentials\"} 2.0");
        } finally {
            detect.signal("TERM");
        }
        assertThat(detect.exitStatus()).as(detect.log()).isZero();
    }

    @Test
    void shouldRefuseToServeTheFeedsBeyondLoopbackWithoutATokenInOneLine() {
        final CommandRun command = new CommandRun();

        final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--http-bind", "0.0.0.0");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).isEqualTo("ntpguard detect: --http-bind 0.0.0.0 would serve the blocklist "
                + "feeds and /hosts beyond this host to anyone: give --http-token-file <file> (and --tls-keystore "
                + "<file>), or --insecure-http" + System.lineSeparator());
    }

    @Test
    void shouldRefuseAKeystoreWithTheWrongPasswordInOneLine() throws Exception {
        final Path keystore = TestKeystore.create(dir).keystore();
        final Path password = Files.writeString(dir.resolve("password"), "not-the-password\n");
        final CommandRun command = new CommandRun();

        final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--tls-keystore",
                keystore.toString(), "--tls-keystore-password-file", password.toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).isEqualTo("ntpguard detect: " + keystore + ": wrong password"
                + System.lineSeparator());
    }

    @Test
    void shouldServeTheFeedsBeyondLoopbackOnlyWithATokenOrInsecureHttp() throws IOException {
        // given
        final Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        final StringWriter err = new StringWriter();
        final HttpSecurityOptions withToken = new HttpSecurityOptions();
        withToken.tokenFile = token;
        final HttpSecurityOptions insecure = new HttpSecurityOptions();
        insecure.insecureHttp = true;

        // when
        final HttpAccess open = new HttpSecurityOptions().access("detect", "0.0.0.0", "the feeds", new PrintWriter(
                new StringWriter(), true));
        final HttpAccess tokenOnAll = withToken.access("detect", "0.0.0.0", "the feeds", new PrintWriter(err, true));
        final HttpAccess insecureOnAll = insecure.access("detect", "0.0.0.0", "the feeds", new PrintWriter(
                new StringWriter(), true));
        final HttpAccess openOnLoopback = new HttpSecurityOptions().access("detect", "127.0.0.1", "the feeds",
                new PrintWriter(new StringWriter(), true));

        // then
        assertThat(open).isNull();
        assertThat(tokenOnAll).isNotNull();
        assertThat(tokenOnAll.token()).isPresent();
        assertThat(err.toString()).isEqualTo("ntpguard detect: the token crosses the network in clear text from "
                + "--http-bind 0.0.0.0: add --tls-keystore unless the network is trusted" + System.lineSeparator());
        assertThat(insecureOnAll).isNotNull();
        assertThat(openOnLoopback).isEqualTo(HttpAccess.PLAIN);
    }

    /** The feeds answer 503 until the blocklist topic is read to its end after the start. */
    private static String awaitLoaded(final Curl request) throws Exception {
        final long deadline = System.nanoTime() + ChildCli.START_LIMIT.toNanos();
        String answer = request.run();
        while (answer.startsWith("503 ") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            answer = request.run();
        }
        return answer;
    }

    private interface Curl {
        String run() throws IOException, InterruptedException;
    }
}
