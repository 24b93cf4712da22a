package org.ntpguard.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        final String version = NtpGuardCommand.class.getPackage().getImplementationVersion();
        return new String[] {"ntpguard " + (version == null ? "development" : version)};
    }
}
