package org.ntpguard.schema;

/**
 * Avro 1.12 refuses to instantiate classes from packages it has not been told to trust
 * ({@code org.apache.avro.SERIALIZABLE_PACKAGES}). The generated records live here, so this package is declared
 * trusted before any of them is decoded.
 */
final class TrustedPackages {

    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";

    private TrustedPackages() {
    }

    static synchronized void declare() {
        final String ours = TrustedPackages.class.getPackageName();
        final String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, ours);
        } else if (!current.contains(ours)) {
            System.setProperty(PROPERTY, current + "," + ours);
        }
    }
}
