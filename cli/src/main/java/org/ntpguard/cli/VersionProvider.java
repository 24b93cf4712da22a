package org.ntpguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version and git commit the build wrote into {@code version.properties}: "ntpguard 0.1.0 (commit 6c790ba,
 * 2026-12-03T15:35:12Z)", with "modified" when the working tree had changes. A build without git (a source archive,
 * the Docker build context) says "commit unknown".
 */
final class VersionProvider implements CommandLine.IVersionProvider {

    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {describe(load())};
    }

    /** The version alone ("0.1.0 (commit 6c790ba, ...)"), as reports record it. */
    static String version() {
        return describe(load()).substring("ntpguard ".length());
    }

    static Properties load() {
        final Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // A damaged jar: the description below says "unknown" for whatever could not be read.
        }
        return properties;
    }

    static String describe(final Properties build) {
        final String version = known(build.getProperty("version"));
        final String commit = known(build.getProperty("commit"));
        final StringBuilder text = new StringBuilder("ntpguard ").append(version == null ? "unknown" : version)
                .append(" (commit ").append(commit == null ? "unknown" : commit);
        if (commit != null && "true".equals(build.getProperty("dirty"))) {
            text.append(", modified");
        }
        final String time = known(build.getProperty("commitTime"));
        if (commit != null && time != null) {
            text.append(", ").append(time);
        }
        return text.append(')').toString();
    }

    /** Null for a missing value or a placeholder the build could not fill. */
    private static String known(final String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? null : value.trim();
    }
}
