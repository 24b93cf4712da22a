package org.ntpguard.capture.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.capture.PrometheusText;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.decode.FrameBuilder;
import org.ntpguard.capture.decode.MalformedReason;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.PcapWriter;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.capture.proto.LinkType;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.MockSensorProducer;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpPacket;

/**
 * The sensor's meters over replays, read back from the Prometheus text: against the capture's own counters, and
 * against the published records counted independently (mode, version, direction and bytes of each record).
 */
class SensorMetricsTest {

    private static final String[] MODES = {"reserved", "symmetric_active", "symmetric_passive", "client", "server",
        "broadcast", "control", "private"};

    @TempDir
    Path dir;

    /** The real captures of the shared material's manifest. */
    static Stream<String> captures() throws IOException {
        return Files.readAllLines(SharedMaterial.captures().resolve("MANIFEST.tsv")).stream().skip(1)
                .filter(line -> !line.isBlank()).map(line -> line.split("\t")[0]);
    }

    /** A sensor's pipeline on a mock producer, with its meters on a Prometheus registry. */
    private static final class Sensor {
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(new PrintWriter(Writer.nullWriter()));
        final FlowPublisher publisher = new FlowPublisher(MockSensorProducer.create(), "test", SensorTopics.defaults(), 1024,
                FlowPublisher.Overflow.WAIT, null, FlowOptions.defaults());
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        Sensor() {
            new SensorMetrics(stats, problems, publisher).bindTo(registry);
        }

        PrometheusText replay(final Path file) throws IOException {
            try (CaptureReader reader = CaptureFiles.open(file, problems)) {
                new CaptureSession(stats, problems).run(reader, publisher, Long.MAX_VALUE);
            }
            publisher.close();
            return PrometheusText.parse(registry.scrape());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void shouldCountWhatTheCaptureCountsAndWhatItsRecordsShow(final String capture) throws IOException {
        final Path file = SharedMaterial.captures().resolve(capture);
        final List<NtpPacket> records = SharedMaterial.decode(file).packets();
        final Sensor sensor = new Sensor();

        final PrometheusText scrape = sensor.replay(file);

        final SoftAssertions softly = new SoftAssertions();
        softly.assertThat(scrape.sum("ntpguard_frames_total")).isEqualTo(sensor.stats.frames());
        softly.assertThat(scrape.sum("ntpguard_packets_total")).isEqualTo(sensor.stats.ntpDatagrams())
                .isEqualTo(records.size());
        softly.assertThat(scrape.sum("ntpguard_malformed_total")).isEqualTo(sensor.stats.malformedNtp());
        final Map<List<String>, long[]> byKind = new HashMap<>();
        for (final NtpPacket record : records) {
            final long[] countAndBytes = byKind.computeIfAbsent(List.of(MODES[record.getMode()],
                    Integer.toString(record.getVersion()), direction(record)), kind -> new long[2]);
            countAndBytes[0]++;
            countAndBytes[1] += record.getNtpLen();
        }
        byKind.forEach((kind, countAndBytes) -> {
            final String[] labels = {"mode", kind.get(0), "version", kind.get(1), "direction", kind.get(2)};
            softly.assertThat(scrape.sum("ntpguard_packets_total", labels)).as("packets %s", kind)
                    .isEqualTo(countAndBytes[0]);
            softly.assertThat(scrape.sum("ntpguard_bytes_total", labels)).as("bytes %s", kind)
                    .isEqualTo(countAndBytes[1]);
        });
        softly.assertThat(scrape.sum("ntpguard_bytes_total"))
                .isEqualTo(records.stream().mapToLong(NtpPacket::getNtpLen).sum());
        for (final MalformedReason reason : MalformedReason.values()) {
            softly.assertThat(scrape.sum("ntpguard_malformed_total", "reason", reason.name().toLowerCase(Locale.ROOT)))
                    .as("malformed %s", reason)
                    .isEqualTo(records.stream().filter(r -> reason.text().equals(r.getMalformed())).count());
        }
        softly.assertThat(scrape.sum("ntpguard_capture_problems_total", "kind", "malformed_ntp"))
                .isEqualTo(records.stream().filter(r -> r.getMalformed() != null).count());
        final Map<String, Long> kods = new HashMap<>();
        records.stream().filter(r -> r.getKissCode() != null).forEach(r -> kods.merge(kissLabel(r.getKissCode()),
                1L, Long::sum));
        softly.assertThat(scrape.sum("ntpguard_kod_total"))
                .isEqualTo(kods.values().stream().mapToLong(Long::longValue).sum());
        kods.forEach((code, count) -> softly.assertThat(scrape.sum("ntpguard_kod_total", "code", code))
                .as("kod %s", code).isEqualTo((double) count));
        softly.assertThat(scrape.sum("ntpguard_published_total")).isEqualTo(records.size());
        softly.assertThat(scrape.sum("ntpguard_publish_errors_total")).isZero();
        softly.assertThat(scrape.sum("ntpguard_capture_drops_total", "source", "queue")).isZero();
        softly.assertAll();
    }

    @Test
    void shouldLabelKissCodesOutsideTheRegistryOtherAndNeverShowAnAddress() throws IOException {
        final Path file = dir.resolve("kods.pcap");
        try (PcapWriter writer = PcapWriter.create(file, LinkType.ETHERNET, 65_535, PcapWriter.Precision.MICROSECONDS)) {
            writer.write(1_000_000_000L, kissOfDeath("RATE"), 0, kissOfDeath("RATE").length);
            // A code of the attacker's choosing that reads like an address fragment: it must not become a label.
            writer.write(2_000_000_000L, kissOfDeath("10.1"), 0, kissOfDeath("10.1").length);
        }
        final Sensor sensor = new Sensor();

        final PrometheusText scrape = sensor.replay(file);

        assertThat(scrape.sum("ntpguard_kod_total", "code", "RATE")).isEqualTo(1);
        assertThat(scrape.sum("ntpguard_kod_total", "code", SensorMetrics.OTHER_KISS_CODE)).isEqualTo(1);
        assertThat(scrape.labelValues("ntpguard_kod_total", "code")).doesNotContain("10.1")
                .allMatch(code -> code.equals("other") || KissCode.valueOf(code) != KissCode.UNKNOWN);
        assertThat(scrape.sum("ntpguard_packets_total", "mode", "server", "version", "4", "direction", "response"))
                .isEqualTo(2);
    }

    @Test
    void shouldCarryNoAddressInAnyLabelOverEveryCapture() throws IOException {
        final Sensor sensor = new Sensor();
        for (final String capture : captures().toList()) {
            try (CaptureReader reader = CaptureFiles.open(SharedMaterial.captures().resolve(capture),
                    sensor.problems)) {
                new CaptureSession(sensor.stats, sensor.problems).run(reader, sensor.publisher, Long.MAX_VALUE);
            }
        }
        final PrometheusText scrape = sensor.replay(SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap"));

        assertThat(scrape.sum("ntpguard_packets_total")).isGreaterThan(1000);
        assertThat(scrape.allLabelValues()).isNotEmpty()
                .noneMatch(value -> PrometheusText.ADDRESS.matcher(value).find());
        assertThat(scrape.types()).containsEntry("ntpguard_packets_total", "counter")
                .containsEntry("ntpguard_frames_total", "counter");
    }

    /** The direction from the published record alone: mode, and the R bit of a mode 6/7 header. */
    private static String direction(final NtpPacket record) {
        return switch (record.getMode()) {
            case 3 -> "request";
            case 4 -> "response";
            case 6 -> record.getControl() == null ? "other" : record.getControl().getResponse() ? "response"
                    : "request";
            case 7 -> record.getPrivateHeader() == null ? "other" : record.getPrivateHeader().getResponse()
                    ? "response" : "request";
            default -> "other";
        };
    }

    private static String kissLabel(final String code) {
        for (final KissCode known : KissCode.values()) {
            if (known != KissCode.UNKNOWN && known != KissCode.NONE && known.name().equals(code)) {
                return code;
            }
        }
        return SensorMetrics.OTHER_KISS_CODE;
    }

    /** An NTPv4 server packet, stratum 0, with {@code code} as its Reference ID: a Kiss-o'-Death. */
    private static byte[] kissOfDeath(final String code) {
        final byte[] ntp = new byte[48];
        ntp[0] = 0x24; // LI 0, VN 4, mode 4
        for (int i = 0; i < 4; i++) {
            ntp[12 + i] = (byte) code.charAt(i);
        }
        ntp[40] = 1; // a transmit timestamp
        return FrameBuilder.payload(ntp).udp(123, 40_123).ipv4(FrameBuilder.SERVER_V4, FrameBuilder.CLIENT_V4, 17)
                .ethernet(0x0800).bytes();
    }
}
