package org.ntpguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ntpguard unblock}: take an address off a running detector's blocklist for the unblock hold. */
@Command(name = "unblock", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Take an address off a running detector's blocklist, and keep it off for ntpguard.unblock.hold.",
        description = "Sends DELETE /blocklist/<address> to the detector, which records it on ntp.allowlist, applied "
                + "by every instance, and on ntp.audit; its alerts still show. Prints the change recorded.")
final class UnblockCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<address>", description = "The blocked address, e.g. 192.0.2.7.")
    String address;

    @Mixin
    DetectorClient client;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        return DetectorClient.change("unblock", client, "DELETE", "/blocklist/" + DetectorClient.segment(address),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
