package org.ntpguard.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.ntpguard.capture.simulate.Scenario;
import org.ntpguard.capture.simulate.TrafficSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ntpguard simulate}: writes realistic NTP traffic, normal and abusive, to a pcap file. */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Write simulated NTP traffic (normal polling and attacks) to a pcap file.",
        description = {
            "Writes byte-exact NTP as ntpd, chrony, ntpq and ntpdc send it, over Ethernet, IPv4 and IPv6, with "
                    + "documentation addresses only. Scenarios: NORMAL polling; MONLIST amplification of a spoofed "
                    + "victim (198.51.100.7) by a reflector (203.0.113.50); KOD, a client (192.0.2.99) polling "
                    + "through RATE kisses; SCAN, a mode 6 sweep by 192.0.2.66; UNSOLICITED responses to "
                    + "198.51.100.9 from 120 reflectors; MIX, all of them. Real networks (flag nothing abusive): "
                    + "NAT, 400 hosts behind 192.0.2.200; MONLIST_PROBE, 198.51.100.66 asking monlist; "
                    + "SPOOFED_FLOOD, mode 3 'from' 198.51.100.8 to 150 servers from random ports; ADMIN_MRULIST, "
                    + "ntpq mrulist with the server's nonce from 198.51.100.20 to 192.0.2.1; FLEET_MONITORING, "
                    + "192.0.2.5 polling the status of 50 site servers (home: 192.0.2.0/24); LOCAL_NTPQ, ntpq over "
                    + "127.0.0.1. The same arguments write the same bytes."
        })
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--scenario"}, paramLabel = "<name>", split = ",", defaultValue = "MIX",
            description = "Scenarios, comma-separated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<Scenario> scenarios;

    @Option(names = {"-o", "--out"}, paramLabel = "<file.pcap>", required = true, description = "The pcap file.")
    Path out;

    @Option(names = {"-d", "--duration"}, paramLabel = "<seconds>", defaultValue = "60",
            description = "Capture time covered, seconds (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = {"-r", "--rate"}, paramLabel = "<events/s>",
            description = "Abuse events a second (probes, responses, ...); each scenario has its own default.")
    Double rate;

    @Option(names = "--seed", paramLabel = "<n>", defaultValue = "60", description = "Random seed (default: 60).")
    long seed;

    @Option(names = "--start", paramLabel = "<epoch-seconds>",
            description = "Capture time of the first second (default: 2026-11-22T10:00:00Z).")
    Long startSeconds;

    @Override
    public Integer call() throws IOException {
        if (durationSeconds < 10) {
            throw new ParameterException(spec.commandLine(), "--duration: " + durationSeconds
                    + " (expected: 10 or more seconds)");
        }
        if (rate != null && !(rate > 0)) {
            throw new ParameterException(spec.commandLine(), "--rate: " + rate + " (expected: more than 0)");
        }
        final long duration = Duration.ofSeconds(durationSeconds).toNanos();
        final long start = startSeconds == null ? TrafficSimulator.DEFAULT_START_NANOS
                : Duration.ofSeconds(startSeconds).toNanos();
        final TrafficSimulator simulator = new TrafficSimulator(seed, start, duration);
        for (final Scenario scenario : scenarios) {
            scenario.addTo(simulator, duration, rate == null ? scenario.defaultRate() : rate);
        }
        simulator.write(out);
        spec.commandLine().getErr().println("ntpguard simulate: wrote " + simulator.frames() + " frames to " + out);
        return ExitCodes.OK;
    }
}
