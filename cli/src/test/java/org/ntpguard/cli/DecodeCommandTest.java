package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
    void shouldShowExitCodesInHelp() {
        run("decode", "--help");

        assertThat(out.toString()).contains("Exit status:", "0     clean;", "2     nothing useful produced");
    }
}
