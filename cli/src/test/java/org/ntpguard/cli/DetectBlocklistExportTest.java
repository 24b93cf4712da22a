package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.serve.HttpEndpoints;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.app.DetectorApp;
import org.ntpguard.streams.config.TopicNames;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Severity;
import org.ntpguard.streams.export.BlocklistFormat;
import org.ntpguard.streams.export.BlocklistView;
import org.ntpguard.streams.export.FeedSettings;
import org.ntpguard.streams.topology.AlertRecords;

/**
 * {@code ntpguard detect}'s blocklist wiring on the test broker: the topic's entries served over HTTP and written
 * into the export folder, following the topic; and its options refused in one line before anything starts.
 */
class DetectBlocklistExportTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static BlockEntry entry(final String address, final int prefixLength) {
        final long now = System.currentTimeMillis();
        return new BlockEntry(IpAddress.parse(address), prefixLength, "SCANNER (SCANNER): test", List.of("a"),
                now - 60_000, now - 1_000, now + 3_600_000, Severity.MEDIUM);
    }

    private static ProducerRecord<String, byte[]> record(final String topic, final BlockEntry entry,
                                                         final boolean tombstone) {
        return new ProducerRecord<>(topic, entry.address() + "/" + entry.prefixLength(), tombstone ? null
                : SingleObjectSerde.blocklistEntry().serializer().serialize(topic, AlertRecords.blocklistEntry(entry)));
    }

    private static String awaitFile(final Path file, final String content) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        String read = null;
        while (System.nanoTime() < deadline) {
            try {
                read = Files.readString(file);
                if (read.equals(content)) {
                    return read;
                }
            } catch (final java.io.IOException e) {
                // not written yet
            }
            Thread.sleep(50);
        }
        return read;
    }

    @Test
    void shouldServeAndWriteTheTopicsBlocklistAndFollowItsChanges() throws Exception {
        final String topic = TestBroker.uniqueTopic("ntp.blocklist");
        TestBroker.createTopics(topic, 2);
        final BlockEntry v4 = entry("192.0.2.1", 32);
        final BlockEntry v6 = entry("2001:db8::66", 128);
        final DetectorApp.Settings settings = new DetectorApp.Settings(TestBroker.bootstrapServers(), "unused",
                dir.resolve("state"), 1, new TopicNames("f", "p", "h", "a", topic, "i"), "d", 1, true, new Properties());
        final Path export = dir.resolve("export");
        final StringWriter err = new StringWriter();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(record(topic, v4, false));
            producer.send(record(topic, v6, false));
            producer.flush();

            try (HttpEndpoints http = HttpEndpoints.bind("127.0.0.1", 0);
                 BlocklistView view = DetectCommand.exportBlocklist(http, export,
                         new FeedSettings(Duration.ofHours(1), 0), settings, new PrintWriter(err, true))) {
                http.start();
                assertThat(view.awaitLoaded(WAIT)).isTrue();

                final String both = awaitFile(export.resolve("blocklist.txt"), "192.0.2.1\n2001:db8::66\n");
                final HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + http.address() + "/blocklist.txt")).build(),
                        HttpResponse.BodyHandlers.ofString());
                producer.send(record(topic, v4, true));
                producer.flush();
                final String one = awaitFile(export.resolve("blocklist.txt"), "2001:db8::66\n");
                // The formats are files of their own, each replaced in turn: junos follows blocklist.txt.
                final String junos = awaitFile(export.resolve("blocklist.junos"), "delete policy-options prefix-list"
                        + " ntpguard-block\nset policy-options prefix-list ntpguard-block\n"
                        + "set policy-options prefix-list ntpguard-block 2001:db8::66/128\n");

                assertThat(both).isEqualTo("192.0.2.1\n2001:db8::66\n");
                assertThat(served.statusCode()).isEqualTo(200);
                assertThat(served.body()).isEqualTo(both);
                assertThat(one).isEqualTo("2001:db8::66\n");
                for (final BlocklistFormat format : BlocklistFormat.values()) {
                    assertThat(export.resolve(format.fileName())).isRegularFile();
                }
                assertThat(junos).doesNotContain("192.0.2.1").contains("2001:db8::66/128");
                assertThat(err.toString()).isEmpty();
            }
        }
    }

    @Test
    void shouldRefuseAnOutOfRangeHttpPortInOneLineBeforeConnecting() {
        final CommandRun command = new CommandRun();

        final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "70000");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        // A command-line error: the line, then the usage.
        assertThat(command.err.toString()).startsWith("--http-port: 70000 (expected: 0 to 65535)"
                + System.lineSeparator()).doesNotContain("Exception");
    }

    @Test
    void shouldRefuseANegativeBlocklistLimitInOneLine() {
        final CommandRun command = new CommandRun();

        final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--blocklist-limit", "-5");

        assertThat(status).isEqualTo(ExitCodes.FAILED);
        assertThat(command.err.toString()).startsWith("ntpguard detect: blocklist limit -5").hasLineCount(1);
    }

    @Test
    void shouldSayInOneLineWhenTheHttpPortIsTaken() throws Exception {
        try (HttpEndpoints taken = HttpEndpoints.bind("127.0.0.1", 0)) {
            final CommandRun command = new CommandRun();

            final int status = command.run("detect", "--bootstrap-servers", "127.0.0.1:1", "--http-port",
                    String.valueOf(taken.port()));

            assertThat(status).isEqualTo(ExitCodes.FAILED);
            assertThat(command.err.toString()).startsWith("ntpguard detect: cannot serve HTTP on 127.0.0.1:"
                    + taken.port()).hasLineCount(1);
        }
    }
}
