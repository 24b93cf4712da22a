package org.ntpguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ntpguard allow}: allowlist a prefix on a running detector, or withdraw it. */
@Command(name = "allow", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Allowlist an address or prefix on a running detector: never blocked, and off the blocklist now.",
        description = "Sends POST /allowlist/<prefix> (DELETE with --remove) to the detector, which records it on "
                + "ntp.allowlist, applied by every instance, and on ntp.audit; prints the change recorded.")
final class AllowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<prefix>", description = "An address or CIDR prefix, e.g. 192.0.2.0/24.")
    String prefix;

    @Option(names = "--remove", description = "Withdraw the allowlisting instead.")
    boolean remove;

    @Mixin
    DetectorClient client;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        return DetectorClient.change("allow", client, remove ? "DELETE" : "POST",
                "/allowlist/" + DetectorClient.segment(prefix), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
