package org.ntpguard.cli.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The shared secret of the protected HTTP endpoints. Only its SHA-256 digest is kept, and a presented token is
 * compared digest to digest with {@link MessageDigest#isEqual}, in constant time: neither its content nor its length
 * leaks through the time a refusal takes.
 */
public final class AccessToken {

    /** 32 hex digits are 128 bits: {@code openssl rand -hex 32} gives 64. */
    public static final int MIN_LENGTH = 32;
    /** RFC 6750 §2.1's b64token: what a Bearer header can carry as it is. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private final byte[] digest;

    private AccessToken(final byte[] digest) {
        this.digest = digest;
    }

    /**
     * @param token the secret, surrounding white space (a file's final newline) already stripped
     * @throws IllegalArgumentException saying what is wrong with it, never quoting it
     */
    public static AccessToken of(final String token) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(token.length() + " characters (expected: " + MIN_LENGTH
                    + " or more, e.g. from openssl rand -hex 32)");
        }
        if (!B64TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("holds characters a bearer token cannot (expected: letters, digits "
                    + "and -._~+/ on one line, e.g. from openssl rand -hex 32)");
        }
        return new AccessToken(sha256(token));
    }

    /** Whether {@code presented} is this token, in time independent of where they differ. */
    public boolean matches(final String presented) {
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(final String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
