package org.ntpguard.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.text.CsvLines;
import org.ntpguard.schema.text.JsonLines;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ntpguard decode}: one line per NTP datagram, from capture files or a live interface. */
@Command(name = "decode",
        mixinStandardHelpOptions = true,
        header = "Decode NTP from capture files or a live interface, one line per datagram.",
        description = {
            "Reads pcap and pcapng files (also gzip-compressed) or captures live with libpcap, follows every frame "
                    + "through VLAN tags, IPv4/IPv6, IP fragments and GRE/ERSPAN/VXLAN mirror tunnels down to UDP "
                    + "port 123, and writes one line per NTP datagram with the fields of the NtpPacket schema.",
            "Damaged input is reported on stderr with its file, frame number and byte offset; reading goes on "
                    + "wherever the format allows. A summary goes to stderr at the end."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every input was read completely",
            "1:some input was damaged; the rest was decoded",
            "2:nothing could be read, or the command line was wrong"
        })
final class DecodeCommand implements Callable<Integer> {

    enum Format { jsonl, csv }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Parameters(paramLabel = "<file>", arity = "1..*",
                description = "Capture files: pcap or pcapng, plain or gzip-compressed.")
        List<Path> files;

        @Option(names = {"-i", "--interface"}, paramLabel = "<interface>",
                description = "Capture live on this interface instead (needs root or CAP_NET_RAW).")
        String interfaceName;
    }

    @Option(names = "--format", paramLabel = "<format>", defaultValue = "jsonl",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "<file>",
            description = "Write the lines to this file instead of stdout.")
    Path output;

    @Option(names = "--sensor", paramLabel = "<name>", defaultValue = "decode",
            description = "Sensor name carried in every record (default: ${DEFAULT-VALUE}).")
    String sensor;

    @Option(names = {"-c", "--count"}, paramLabel = "<n>", defaultValue = "" + Long.MAX_VALUE,
            description = "Stop after this many NTP datagrams.")
    long count;

    @Option(names = {"-f", "--filter"}, paramLabel = "<bpf>",
            description = "Live only: BPF filter (default keeps UDP port 123, IP fragments, GRE and VXLAN).")
    String filter;

    @Override
    public Integer call() throws IOException {
        final PrintWriter err = spec.commandLine().getErr();
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(err);
        try (Writer out = openOutput()) {
            final LineWriter lines = new LineWriter(out, format);
            final NtpPacketMapper mapper = new NtpPacketMapper(sensor);
            final CaptureSession session = new CaptureSession(stats, problems);
            long remaining = count;
            for (final Path file : input.files) {
                if (remaining <= 0) {
                    break;
                }
                final long problemsBefore = problems.total();
                final long framesBefore = stats.frames();
                try (CaptureReader reader = CaptureFiles.open(file, problems)) {
                    remaining -= session.run(reader, packet -> lines.write(mapper.map(packet)), remaining);
                } catch (NoSuchFileException e) {
                    err.println(file + ": no such file");
                    stats.unreadableInput();
                    continue;
                } catch (AccessDeniedException e) {
                    err.println(file + ": permission denied");
                    stats.unreadableInput();
                    continue;
                } catch (IOException e) {
                    err.println(file + ": cannot read: " + OneLineErrors.describe(e));
                    stats.unreadableInput();
                    continue;
                }
                problems.flush();
                if (problems.total() > problemsBefore) {
                    if (stats.frames() == framesBefore) {
                        stats.unreadableInput(); // not a capture, or cut inside its header
                    } else {
                        stats.damagedInput();
                    }
                }
            }
            out.flush();
        }
        err.println("ntpguard decode: " + stats.summary());
        err.flush();
        return exitCode(stats, input.files.size());
    }

    private static int exitCode(final DecodeStats stats, final int inputs) {
        if (stats.unreadableInputs() == inputs) {
            return ExitCodes.FAILED;
        }
        return stats.unreadableInputs() > 0 || stats.damagedInputs() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

    private Writer openOutput() throws IOException {
        if (output == null) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        }
        return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }

    /** Writes records as JSON lines or CSV rows (header first). */
    private static final class LineWriter {
        private final Writer out;
        private final CsvLines csv;
        private final StringBuilder line = new StringBuilder(1024);
        private boolean headerWritten;

        LineWriter(final Writer out, final Format format) {
            this.out = out;
            this.csv = format == Format.csv ? new CsvLines(NtpPacket.getClassSchema()) : null;
        }

        void write(final NtpPacket record) throws IOException {
            line.setLength(0);
            if (csv == null) {
                JsonLines.append(line, record);
            } else {
                if (!headerWritten) {
                    out.write(csv.header());
                    out.write('\n');
                    headerWritten = true;
                }
                csv.append(line, record);
            }
            line.append('\n');
            out.append(line);
        }
    }
}
