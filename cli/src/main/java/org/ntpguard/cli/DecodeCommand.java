package org.ntpguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.ntpguard.capture.live.CaptureStats;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.capture.session.ProblemLog;
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
    PacketLineWriter.Format format;

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
        final PrintWriter err = spec.commandLine().getErr();
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(err);
        final Writer out = openOutput();
        try {
            final PacketLineWriter lines = new PacketLineWriter(out, format, input.interfaceName != null);
            final NtpPacketMapper mapper = new NtpPacketMapper(sensor);
            final PacketSink sink = packet -> lines.write(mapper.map(packet));
            final CaptureSession session = new CaptureSession(stats, problems);
            final long limit = count == null ? Long.MAX_VALUE : count;
            if (input.interfaceName != null) {
                return decodeLive(session, sink, limit, out, stats, err);
            }
            final int status = decodeFiles(session, sink, limit, stats, problems, err);
            out.flush();
            err.println("ntpguard decode: " + stats.summary());
            err.flush();
            return status;
        } finally {
            if (output != null) {
                out.close();
            }
        }
    }

    private int decodeFiles(final CaptureSession session, final PacketSink sink, final long limit,
                            final DecodeStats stats, final ProblemLog problems, final PrintWriter err) {
        FileReplay.read(input.files, session, sink, limit, stats, problems, err);
        return FileReplay.exitCode(stats, input.files.size());
    }

    /** Captures until Ctrl-C, SIGTERM or the count; the lines and the summary are out before the JVM may exit. */
    private int decodeLive(final CaptureSession session, final PacketSink sink, final long limit, final Writer out,
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
            session.run(reader, sink, limit);
            final CaptureStats captured = reader.stats();
            err.println("ntpguard decode: libpcap received " + captured.received() + ", dropped by kernel "
                    + captured.droppedByKernel() + ", dropped by interface " + captured.droppedByInterface());
            out.flush();
            err.println("ntpguard decode: " + stats.summary());
            err.flush();
        } finally {
            reader.close();
        }
        return ExitCodes.OK;
    }

    private Writer openOutput() throws IOException {
        if (output == null) {
            return spec.commandLine().getOut();
        }
        return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }
}
