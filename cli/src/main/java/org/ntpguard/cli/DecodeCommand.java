package org.ntpguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the decoder lands. */
@Command(name = "decode", mixinStandardHelpOptions = true, description = "Decodes NTP from captures.")
final class DecodeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ExitCodes.FAILED;
    }
}
