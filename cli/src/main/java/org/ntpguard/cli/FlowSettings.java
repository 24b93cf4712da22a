package org.ntpguard.cli;

import java.time.Duration;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.publish.FlowOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How the commands that publish (sensor, analyze, run) combine packets into flows. */
final class FlowSettings {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--flow-interval", paramLabel = "<duration>", defaultValue = "1s",
            description = "Capture time one NTP flow summary covers: 100ms, 500ms, 1s, 5s, ..., dividing a minute "
                    + "(default: ${DEFAULT-VALUE}). Detector windows must be whole multiples of it.")
    String interval;

    @Option(names = "--flow-table", paramLabel = "<n>", defaultValue = "" + FlowCombiner.DEFAULT_MAX_FLOWS,
            description = "Flows held at once; when a flood of distinct pairs fills the table, every flow is sent "
                    + "early and counted (default: ${DEFAULT-VALUE}, ~750 bytes each).")
    int maxFlows;

    @Option(names = "--publish-packets",
            description = "Also publish every NTP datagram as an NtpPacket record to the packets topic: a forensic "
                    + "feed for ad-hoc queries (one Kafka record per packet); detection never reads it.")
    boolean publishPackets;

    /** The options, checked: a bad value is a command-line error with usage. */
    FlowOptions options() {
        final Duration length = parse(interval);
        try {
            return FlowOptions.defaults().withInterval(length).withPublishPackets(publishPackets)
                    .withMaxFlows(maxFlows);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--flow-interval/--flow-table: " + e.getMessage());
        }
    }

    /** 1s, 500ms, 2m or an ISO-8601 duration (PT1S). */
    private Duration parse(final String text) {
        final String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1))
                        * 1000));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--flow-interval: " + text
                    + " (expected: a duration such as 500ms, 1s or 5s)");
        }
    }
}
