package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.SharedMaterial;

class DecodeCommandTest {

    @TempDir
    Path dir;

    private final CommandRun command = new CommandRun();
    private final java.io.StringWriter out = command.out;
    private final java.io.StringWriter err = command.err;

    private int run(final String... args) {
        return command.run(args);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @Test
    void shouldWriteOneJsonLinePerNtpDatagramAndASummary() {
        final int status = run("decode", SharedMaterial.captures().resolve("tcpdump/ntp-mode7.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.OK);
        assertThat(lines()).hasSize(8).allSatisfy(line -> assertThat(line).startsWith("{\"sensor\":\"decode\""));
        assertThat(lines().get(0)).contains("\"mode\":7", "\"requestCode\":28", "\"role\":\"REQUEST\"");
        assertThat(err.toString()).contains("frames 8, NTP datagrams 8 (malformed 0)");
    }

    @Test
    void shouldWriteCsvWithAHeaderToTheOutputFile() throws IOException {
        final Path csv = dir.resolve("out.csv");

        final int status = run("decode", "--format", "csv", "-o", csv.toString(), "--sensor", "lab",
                SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.OK);
        final List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).startsWith("sensor,ts,frame,src,dst,");
        assertThat(rows.get(1)).startsWith("lab,");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldStopAfterCountDatagrams() {
        final int status = run("decode", "-c", "3", SharedMaterial.scenarios().resolve("a_normal_polling.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.OK);
        assertThat(lines()).hasSize(3);
    }

    @Test
    void shouldExitTwoWithOneLineWhenNothingIsACapture() throws IOException {
        final Path notCapture = Files.writeString(dir.resolve("notes.txt"), "not a capture at all");

        final int status = run("decode", notCapture.toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString().lines().filter(l -> l.startsWith(notCapture.toString())))
                .singleElement().asString().contains("offset 0", "magic");
        assertThat(err.toString()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void shouldDecodeWhatPrecedesATruncatedLastRecordAndExitOne() throws IOException {
        final byte[] whole = Files.readAllBytes(SharedMaterial.captures().resolve("tcpdump/ntp.pcap"));
        final Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 30));

        final int status = run("decode", cut.toString());

        assertThat(status).isEqualTo(ExitCodes.PARTIAL);
        assertThat(lines()).hasSize(7);
        assertThat(err.toString()).contains(cut + ": frame 8, offset ", "truncated record");
        assertThat(err.toString()).contains("damaged inputs 1");
    }

    @Test
    void shouldGoOnPastAMissingFileAndExitOne() {
        final int status = run("decode", dir.resolve("missing.pcap").toString(),
                SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.PARTIAL);
        assertThat(lines()).hasSize(2);
        assertThat(err.toString()).contains("missing.pcap: no such file", "unreadable inputs 1");
    }

    @Test
    void shouldReportMalformedNtpButStillEmitIt() {
        final int status = run("decode", SharedMaterial.captures().resolve("zeek/ntp__ntp-no-extensions-mac.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.OK); // the file is whole; its traffic is odd
        assertThat(lines()).singleElement().asString()
                .contains("\"malformed\":\"bytes after the header are neither extension fields nor a MAC\"");
        assertThat(err.toString()).contains("frame 1, offset 24: malformed NTP", "(malformed 1)");
    }

    @Test
    void shouldRejectAFilterWithoutAnInterface() {
        final int status = run("decode", "--filter", "udp", "x.pcap");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("--filter applies to live capture");
    }

    @Test
    void shouldNameTheInterfaceWhenItDoesNotExist() {
        final int status = run("decode", "-i", "nosuchif0");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("nosuchif0").doesNotContain("\tat ");
    }

    @Test
    void shouldWriteNtpTimestampsAsHexStringsWithTheirIsoTimesByDefault() {
        final int status = run("decode", SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.OK);
        // The client's transmit time as tcpdump -v prints it: 3712483316.928478999 (2017-08-23T13:21:56Z).
        assertThat(lines().get(0))
                .contains("\"refTime\":\"00000000.00000000\",\"refTimeIso\":null")
                .containsPattern("\"xmtTime\":\"" + Long.toHexString(3712483316L) + "\\.[0-9a-f]{8}\","
                        + "\"xmtTimeIso\":\"2017-08-23T13:21:56\\.928478999Z\"");
    }

    @Test
    void shouldWriteTheShapeBeforeWithFormatVersionOne() {
        final int status = run("decode", "--format-version", "1",
                SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.OK);
        assertThat(lines().get(0)).contains("\"refTime\":0,").containsPattern("\"xmtTime\":\\d{19,20},")
                .doesNotContain("Iso");
    }

    @Test
    void shouldRejectAnUnknownFormatVersion() {
        final int status = run("decode", "--format-version", "3",
                SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap").toString());

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("--format-version: 3 (expected: 1 or 2)");
        assertThat(out.toString()).isEmpty();
    }

    /** {@code ntpguard decode ... | head -1}: a real pipe whose reader leaves after one line. */
    @Test
    void shouldStopAtOnceAndExitZeroWhenTheReaderClosesThePipe() throws Exception {
        final Path capture = SharedMaterial.scenarios().resolve("a_normal_polling.pcap");
        final long framesPerCopy = SharedMaterial.decode(capture).stats().frames();
        final int copies = 100;
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "org.ntpguard.cli.NtpGuardCommand", "decode"));
        for (int i = 0; i < copies; i++) {
            command.add(capture.toString());
        }
        final Path stderr = dir.resolve("stderr.txt");
        final Process decode = new ProcessBuilder(command).redirectError(stderr.toFile()).start();

        final String first;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(decode.getInputStream(), StandardCharsets.UTF_8))) {
            first = reader.readLine();
        }
        final boolean ended = decode.waitFor(10, TimeUnit.MINUTES);

        assertThat(first).startsWith("{\"sensor\":\"decode\"");
        assertThat(ended).isTrue();
        assertThat(decode.exitValue()).isEqualTo(ExitCodes.OK);
        final String problems = Files.readString(stderr);
        assertThat(problems).contains("stopped, stdout was closed").doesNotContain("Exception", "\tat ");
        final Matcher frames = Pattern.compile("frames (\\d+)").matcher(problems);
        assertThat(frames.find()).as(problems).isTrue();
        assertThat(Long.parseLong(frames.group(1))).isLessThan(framesPerCopy * copies / 10);
    }

    @Test
    void shouldShowExitCodesInHelp() {
        run("decode", "--help");

        assertThat(out.toString()).contains("Exit status:", "0   every input was read completely");
    }
}
