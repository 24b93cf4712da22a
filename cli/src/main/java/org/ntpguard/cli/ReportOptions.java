package org.ntpguard.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the commands that run the detector in the process and write its report: analyze and run. */
final class ReportOptions {

    // Folders are --out-dir; -o and --out name files elsewhere (decode, simulate). --out stays for the scripts
    // written before, -o went (it was a folder here and a file there).
    @Option(names = {"--out-dir", "--out"}, paramLabel = "<dir>", defaultValue = "ntpguard-report",
            description = "Folder for the report: alerts.jsonl, the blocklist feeds, summary.json, report.html "
                    + "(default: ${DEFAULT-VALUE}). --out is the older name.")
    Path out;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Detection settings: a properties file of ntpguard.* keys (home networks, thresholds, "
                    + "window size, allowlist; see the README and samples/detection.properties); other keys are named "
                    + "on stderr as ignored.")
    Path config;

    @Option(names = "--home-net", paramLabel = "<cidr>[,<cidr>...]",
            description = "The site's own networks (replaces the default private ranges; loopback and link-local are "
                    + "always local): mode 6/7 from them is not exposure, traffic between them is never abuse, and "
                    + "they are not blocklisted. The same setting as ntpguard.home.networks, which it overrides.")
    String homeNet;

    @Mixin
    FeedModeOption feeds;
}
