package org.ntpguard.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed key for 127.0.0.1 in a PKCS#12 keystore, made by the JDK's keytool as a user would; its password in a
 * file, and its certificate in PEM for clients such as curl.
 */
public record TestKeystore(Path keystore, Path passwordFile, Path certificate) {

    private static final String PASSWORD = "keystore-secret";

    public static TestKeystore create(final Path dir) throws IOException, InterruptedException {
        final Path keystore = dir.resolve("detector.p12");
        final Path certificate = dir.resolve("detector.pem");
        keytool("-genkeypair", "-alias", "detector", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "detector", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        return new TestKeystore(keystore, Files.writeString(dir.resolve("keystore-password"), PASSWORD + "\n"),
                certificate);
    }

    /** The options of a command that serves HTTPS with it. */
    public List<String> options() {
        return List.of("--tls-keystore", keystore.toString(), "--tls-keystore-password-file", passwordFile.toString());
    }

    /** A client context that trusts this key's certificate and nothing else. */
    public SSLContext trustingIt() throws IOException, GeneralSecurityException {
        final KeyStore anchors = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            anchors.load(in, PASSWORD.toCharArray());
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void keytool(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString()));
        command.addAll(List.of(args));
        final Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
    }
}
