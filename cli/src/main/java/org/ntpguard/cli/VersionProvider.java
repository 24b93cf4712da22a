package org.ntpguard.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"ntpguard " + version()};
    }

    /** The version alone, as reports record it. */
    static String version() {
        final String version = NtpGuardCommand.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
