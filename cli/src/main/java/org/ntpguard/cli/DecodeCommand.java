package org.ntpguard.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.ntpguard.capture.live.CaptureStats;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.capture.text.PacketLineWriter;
import org.ntpguard.capture.text.PacketLines;
import org.ntpguard.capture.text.ParallelPacketLines;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ntpguard decode}: one line per NTP datagram, from capture files or a live interface. */
@Command(name = "decode",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Decode NTP from capture files or a live interface, one line per datagram.",
        description = {
            "Reads pcap and pcapng files (also gzip-compressed) or captures live with libpcap, follows every frame "
                    + "through VLAN tags, IPv4/IPv6, IP fragments and GRE/ERSPAN/VXLAN mirror tunnels down to UDP "
                    + "port 123, and writes one line per NTP datagram with the fields of the NtpPacket schema.",
            "Damaged input is reported on stderr with its file, frame number and byte offset; reading goes on "
                    + "wherever the format allows. A summary goes to stderr at the end.",
            ""
        })
final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Parameters(paramLabel = "<file>", arity = "1..*",
                description = "Capture files: pcap or pcapng, plain or gzip-compressed.")
        List<Path> files;

        @Option(names = {"-i", "--interface"}, paramLabel = "<interface>",
                description = "Capture live on this interface instead (needs root or CAP_NET_RAW); stop with Ctrl-C.")
        String interfaceName;
    }

    @Option(names = "--format", paramLabel = "<format>", defaultValue = "jsonl",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PacketLines.Format format;

    @Option(names = "--format-version", paramLabel = "<n>", defaultValue = "" + PacketLines.CURRENT_VERSION,
            description = "Output format version (default: ${DEFAULT-VALUE}): 2 writes NTP timestamps as hex "
                    + "strings (ntpd's seconds.fraction) with ISO 8601 times beside them; 1, the shape before, "
                    + "as 64-bit numbers, kept for one release.")
    int formatVersion;

    @Option(names = {"-o", "--output"}, paramLabel = "<file>",
            description = "Write the lines to this file instead of stdout.")
    Path output;

    @Option(names = "--sensor", paramLabel = "<name>", defaultValue = "decode",
            description = "Sensor name carried in every record (default: ${DEFAULT-VALUE}).")
    String sensor;

    @Option(names = {"-c", "--count"}, paramLabel = "<n>",
            description = "Stop after this many NTP datagrams.")
    Long count;

    @Option(names = {"-f", "--filter"}, paramLabel = "<bpf>",
            description = "Live only: BPF capture filter (default: UDP port 123, also in VLANs, plus IP fragments, "
                    + "GRE and VXLAN, which can carry NTP).")
    String filter;

    @Mixin
    LiveCaptureTuning tuning;

    /** Why writing the lines failed, once it has; decoding stops at the first failure. */
    private IOException writeFailure;

    @Override
    public Integer call() throws IOException {
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count: " + count + " (expected: 1 or more)");
        }
        if (filter != null && input.files != null) {
            throw new ParameterException(spec.commandLine(), "--filter applies to live capture (--interface) only");
        }
        if (tuning.given() && input.files != null) {
            throw new ParameterException(spec.commandLine(),
                    "--buffer-size and --immediate apply to live capture (--interface) only");
        }
        if (formatVersion < PacketLines.FIRST_VERSION || formatVersion > PacketLines.CURRENT_VERSION) {
            throw new ParameterException(spec.commandLine(), "--format-version: " + formatVersion + " (expected: "
                    + PacketLines.FIRST_VERSION + " or " + PacketLines.CURRENT_VERSION + ")");
        }
        final PrintWriter err = spec.commandLine().getErr();
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(err);
        final OutputStream out = openOutput();
        final boolean live = input.interfaceName != null;
        // Live, each line goes out as its packet comes; from files, formatting on every core keeps up with reading.
        final ParallelPacketLines parallel = live ? null : new ParallelPacketLines(out, format, formatVersion, sensor,
                ParallelPacketLines.defaultThreads());
        try {
            final PacketLineWriter lines = live ? new PacketLines(out, format, formatVersion, sensor) : parallel;
            final PacketSink sink = packet -> {
                try {
                    lines.write(packet);
                    if (live) {
                        lines.flush();
                    }
                } catch (IOException e) {
                    writeFailure = e;
                    throw new FileReplay.Stopped(); // nobody reads the rest: stop decoding now
                }
            };
            final CaptureSession session = new CaptureSession(stats, problems);
            final long limit = count == null ? Long.MAX_VALUE : count;
            final int status = live ? decodeLive(session, sink, limit, stats, err)
                    : decodeFiles(session, sink, limit, stats, problems, err);
            flush(lines);
            if (writeFailure != null) {
                return writeFailed(stats, err);
            }
            err.println("ntpguard decode: " + stats.summary());
            err.flush();
            return status;
        } finally {
            if (parallel != null) {
                parallel.close();
            }
            if (output != null) {
                out.close();
            }
        }
    }

    private void flush(final PacketLineWriter lines) {
        if (writeFailure == null) {
            try {
                lines.flush();
            } catch (IOException e) {
                writeFailure = e;
            }
        }
    }

    /**
     * A closed stdout pipe ({@code decode big.pcap | head -1}) is a reader that has seen enough: exit 0, as Unix
     * tools do on EPIPE, saying how far decoding went. Any other write error is a failure.
     */
    private int writeFailed(final DecodeStats stats, final PrintWriter err) {
        if (output == null && StandardOutput.isBrokenPipe(writeFailure)) {
            err.println("ntpguard decode: stopped, stdout was closed: " + stats.summary());
            err.flush();
            return ExitCodes.OK;
        }
        err.println("ntpguard decode: cannot write " + (output == null ? "stdout" : output.toString()) + ": "
                + OneLineErrors.describe(writeFailure));
        err.flush();
        return ExitCodes.FAILED;
    }

    private int decodeFiles(final CaptureSession session, final PacketSink sink, final long limit,
                            final DecodeStats stats, final ProblemLog problems, final PrintWriter err) {
        FileReplay.read(input.files, session, sink, limit, stats, problems, err);
        return FileReplay.exitCode(stats, input.files.size());
    }

    /** Captures until Ctrl-C, SIGTERM or the count; the lines and the summary are out before the JVM may exit. */
    private int decodeLive(final CaptureSession session, final PacketSink sink, final long limit,
                           final DecodeStats stats, final PrintWriter err) throws IOException {
        final LiveCaptureReader reader = LiveInput.open("decode", input.interfaceName, filter, tuning, err);
        if (reader == null) {
            return ExitCodes.FAILED;
        }
        // Ctrl-C or SIGTERM: stop capturing, then let the summary be written before the JVM exits.
        try (StopOnSignal stop = new StopOnSignal("decode", reader::close, Duration.ofSeconds(5), ExitCodes.PARTIAL,
                err)) {
            err.println("ntpguard decode: " + LiveInput.describe(reader) + "; stop with Ctrl-C");
            err.flush();
            try {
                session.run(reader, sink, limit);
            } catch (FileReplay.Stopped e) {
                // the output failed; the caller reports it
            }
            final CaptureStats captured = reader.stats();
            err.println("ntpguard decode: libpcap received " + captured.received() + ", dropped by kernel "
                    + captured.droppedByKernel() + ", dropped by interface " + captured.droppedByInterface());
            err.flush();
        } finally {
            reader.close();
        }
        return ExitCodes.OK;
    }

    /** Unbuffered: {@link PacketLines} writes in large blocks itself. */
    private OutputStream openOutput() throws IOException {
        if (output == null) {
            return StandardOutput.bytes(spec.commandLine().getOut());
        }
        return Files.newOutputStream(output);
    }
}
