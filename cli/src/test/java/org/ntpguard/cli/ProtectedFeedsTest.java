package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.serve.HttpAccess;
import org.ntpguard.cli.serve.TestKeystore;

/**
 * {@code ntpguard detect} with TLS and a token, asked with Debian's curl over a real TLS handshake: a keystore made
 * by the JDK's keytool, its certificate the only one curl trusts.
 */
class ProtectedFeedsTest {

    private static final String TOKEN = "4f1c9a7e2b8d06a3c5e1f7b9d2a4c6e8";
    private static final Pattern FEEDS_URL = Pattern.compile("blocklist feeds at (https://127\\.0\\.0\\.1:\\d+)/");

    @TempDir
    Path dir;

    /** "status body" of curl, trusting only the test's certificate; curl's own message when no answer came. */
    private String curl(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert",
                dir.resolve("detector.pem").toString(), "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        final Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        curl.waitFor();
        final int status = output.lastIndexOf('\n');
        return output.substring(status + 1) + " " + output.substring(0, status);
    }

    @Test
    void shouldServeTheFeedsOverTlsOnlyToHoldersOfTheTokenAndCountTheRefusals() throws Exception {
        // given: a self-signed key for 127.0.0.1, its certificate for curl, the token and the password in files
        final TestKeystore keystore = TestKeystore.create(dir);
        final Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        final String namespace = TestBroker.uniqueTopic("protected").replace('.', '-');

        final List<String> args = new ArrayList<>(List.of("detect", "--bootstrap-servers",
                TestBroker.bootstrapServers(), "--namespace", namespace, "--partitions", "1", "--state-dir",
                dir.resolve("state").toString(), "--http-port", "0", "--http-token-file", token.toString()));
        args.addAll(keystore.options());
        final ChildCli detect = ChildCli.start(dir, List.of(), List.of(), null, args.toArray(String[]::new));
        try {
            detect.await("blocklist feeds at https://");
            final Matcher url = FEEDS_URL.matcher(detect.log());
            assertThat(url.find()).as(detect.log()).isTrue();
            final String base = url.group(1);

            // when
            final String noToken = curl(base + "/blocklist.txt");
            final String wrongBearer = curl("-H", "Authorization: Bearer " + TOKEN.replace('4', '5'),
                    base + "/blocklist.txt");
            final String wrongBasic = curl("-u", "firewall:" + TOKEN.substring(1), base + "/blocklist.json");
            final String hostsNoToken = curl(base + "/hosts/192.0.2.1");
            final String bearer = awaitLoaded(() -> curl("-H", "Authorization: Bearer " + TOKEN,
                    base + "/blocklist.txt"));
            final String basic = curl("-u", "firewall:" + TOKEN, base + "/blocklist.json");
            final String plainHttp = curl(base.replace("https://", "http://") + "/blocklist.txt");
            final String live = curl(base + "/health/live");
            final String metrics = curl(base + "/metrics");

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
