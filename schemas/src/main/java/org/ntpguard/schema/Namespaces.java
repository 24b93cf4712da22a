package org.ntpguard.schema;

import java.util.regex.Pattern;

/**
 * Names of namespaces: a prefix of every topic (and of the detector's application id) that keeps one deployment's
 * records apart from another's on a shared cluster, a replayed case from live traffic above all.
 */
public final class Namespaces {

    /** Kafka's legal topic characters; short enough that the prefixed internal topics stay under 249. */
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Namespaces() {
    }

    /**
     * @return {@code namespace}, checked
     * @throws IllegalArgumentException saying what is expected
     */
    public static String check(final String namespace) {
        if (namespace == null || !LEGAL.matcher(namespace).matches() || namespace.equals(".")
                || namespace.equals("..")) {
            throw new IllegalArgumentException("namespace: " + namespace + " (expected: 1 to 64 letters, digits, "
                    + "'.', '_' or '-', such as case-2024-05)");
        }
        return namespace;
    }
}
