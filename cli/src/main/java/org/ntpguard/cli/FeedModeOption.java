package org.ntpguard.cli;

import org.ntpguard.streams.export.FeedMode;
import picocli.CommandLine.Option;

/** {@code --feeds enforce|monitor}: of every command that serves or writes the blocklist feeds. */
final class FeedModeOption {

    @Option(names = "--feeds", defaultValue = "enforce", paramLabel = "<mode>",
            description = "Enforce, or monitor: the firewall feeds list nothing but a comment counting what they would list, and "
                    + "blocklist.json lists those entries with \"enforced\":false, to watch the detector before "
                    + "trusting it (default: ${DEFAULT-VALUE}).")
    FeedMode mode = FeedMode.ENFORCE;
}
