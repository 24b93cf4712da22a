package org.ntpguard.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.serve.TestKeystore;

/**
 * {@code ntpguard detect} in a child JVM on the test broker, in a namespace of its own, serving HTTPS with a test
 * keystore and a token; asked with Debian's curl, which trusts that keystore's certificate only.
 *
 * @param base  {@code https://127.0.0.1:PORT}
 * @param token the file holding the token
 */
record TlsDetector(ChildCli detect, Path dir, TestKeystore keystore, Path token, String namespace, String base) {

    private static final Pattern FEEDS_URL = Pattern.compile("blocklist feeds at (https://127\\.0\\.0\\.1:\\d+)/");

    /** Starts it and waits until it serves. */
    static TlsDetector start(final Path dir, final String token, final String namespacePrefix) throws Exception {
        final TestKeystore keystore = TestKeystore.create(dir);
        final Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
        final String namespace = TestBroker.uniqueTopic(namespacePrefix).replace('.', '-');
        final List<String> args = new ArrayList<>(List.of("detect", "--bootstrap-servers",
                TestBroker.bootstrapServers(), "--namespace", namespace, "--partitions", "1", "--state-dir",
                dir.resolve("state").toString(), "--http-port", "0", "--http-token-file", tokenFile.toString()));
        args.addAll(keystore.options());
        final ChildCli detect = ChildCli.start(dir, List.of(), List.of(), null, args.toArray(String[]::new));
        detect.await("blocklist feeds at https://");
        final Matcher url = FEEDS_URL.matcher(detect.log());
        if (!url.find()) {
            detect.signal("TERM");
            throw new AssertionError("no feeds URL in: " + detect.log());
        }
        return new TlsDetector(detect, dir, keystore, tokenFile, namespace, url.group(1));
    }

    /** "status body" of curl; curl's own message when no answer came. */
    String curl(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert",
                keystore.certificate().toString(), "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        final Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        curl.waitFor();
        final int status = output.lastIndexOf('\n');
        return output.substring(status + 1) + " " + output.substring(0, status);
    }
}
