package org.ntpguard.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS from a PKCS#12 keystore, as {@code keytool -genkeypair -storetype PKCS12} writes one.
 *
 * @param server what the HTTPS server presents: the keystore's key and certificate
 * @param peers  what asks the other instances of a deployment (/hosts forwarding): trusts the keystore's own
 *               certificate (one keystore for every instance) and what the JDK trusts (a certificate of a CA)
 */
public record TlsKeystore(SSLContext server, SSLContext peers) {

    /**
     * @throws IllegalArgumentException in one line saying what is wrong with the file or the password
     */
    public static TlsKeystore load(final Path file, final char[] password) {
        final KeyStore keystore;
        try (InputStream in = Files.newInputStream(file)) {
            keystore = KeyStore.getInstance("PKCS12");
            keystore.load(in, password);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (final IOException e) {
            throw new IllegalArgumentException(file + ": " + (e.getCause() instanceof UnrecoverableKeyException
                    ? "wrong password" : "not a PKCS#12 keystore, or a wrong password (" + e.getMessage() + ")"));
        } catch (final GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
        try {
            if (Collections.list(keystore.aliases()).stream().noneMatch(alias -> isKey(keystore, alias))) {
                throw new IllegalArgumentException(file + ": holds no private key (expected: a key and its "
                        + "certificate, e.g. from keytool -genkeypair)");
            }
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keystore, password);
            final SSLContext server = SSLContext.getInstance("TLS");
            server.init(keys.getKeyManagers(), null, null);
            final SSLContext peers = SSLContext.getInstance("TLS");
            // The JDK's trust managers take a key entry's own certificate as an anchor.
            peers.init(null, new TrustManager[] {new EitherTrust(trust(keystore), trust(null))}, null);
            return new TlsKeystore(server, peers);
        } catch (final UnrecoverableKeyException e) {
            throw new IllegalArgumentException(file + ": the key's password is not the keystore's (expected: one "
                    + "password for both, as PKCS#12 keystores have)");
        } catch (final GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static boolean isKey(final KeyStore keystore, final String alias) {
        try {
            return keystore.isKeyEntry(alias);
        } catch (final GeneralSecurityException e) {
            return false;
        }
    }

    /** The X.509 trust manager of {@code anchors}; null: the JDK's own (cacerts, or -Djavax.net.ssl.trustStore). */
    private static X509TrustManager trust(final KeyStore anchors) throws GeneralSecurityException {
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        for (final TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts a server that either trust manager trusts. */
    private record EitherTrust(X509TrustManager first, X509TrustManager second) implements X509TrustManager {

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
                throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (final CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
                throws CertificateException {
            throw new CertificateException("client certificates are not asked for");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
