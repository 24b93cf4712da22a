package org.ntpguard.capture.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.publish.NtpPacketMapper;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.text.CsvLines;
import org.ntpguard.schema.text.JsonLines;

class PacketLinesTest {

    /** A sensor name that JSON must escape and CSV must quote. */
    private static final String SENSOR = "lab, \"east\" \\ ü";
    private static final String[] TIMES = {"refTime", "orgTime", "recTime", "xmtTime"};
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the Avro path wrote and what the flyweight writers wrote, for one capture. */
    private record Rendered(List<String> avroJson, List<String> avroCsv, List<String> json1, List<String> csv1,
                            List<String> json2, List<String> csv2) {
    }

    @Test
    void shouldWriteVersionOneByteForByteAsTheAvroPathOnEveryRealCapture() throws IOException {
        int packets = 0;
        for (final Path capture : realCaptures()) {
            final Rendered rendered = render(capture);

            assertThat(rendered.json1()).as("%s jsonl", capture).isEqualTo(rendered.avroJson());
            assertThat(rendered.csv1()).as("%s csv", capture).isEqualTo(rendered.avroCsv());
            packets += rendered.avroJson().size();
        }
        assertThat(packets).isGreaterThan(10_000);
    }

    @Test
    void shouldWriteVersionTwoFieldByFieldAsTheAvroPathApartFromTheTimestamps() throws IOException {
        int timestamps = 0;
        for (final Path capture : realCaptures()) {
            final Rendered rendered = render(capture);
            assertThat(rendered.json2()).hasSameSizeAs(rendered.avroJson());
            for (int i = 0; i < rendered.avroJson().size(); i++) {
                final ObjectNode old = (ObjectNode) JSON.readTree(rendered.avroJson().get(i));
                final ObjectNode now = (ObjectNode) JSON.readTree(rendered.json2().get(i));
                final String where = capture + " line " + (i + 1);

                assertThat(fieldNames(now)).as(where).isEqualTo(withIsoFields(fieldNames(old)));
                for (final String time : TIMES) {
                    timestamps += checkTimestamp(where, old.remove(time), now.remove(time), now.remove(time + "Iso"));
                }
                for (final String seconds : new String[] {"rootDelay", "rootDispersion"}) {
                    final JsonNode before = old.remove(seconds);
                    final JsonNode after = now.remove(seconds);
                    assertThat(after.isNull() ? null : after.decimalValue().doubleValue()).as(where + " " + seconds)
                            .isEqualTo(before.isNull() ? null : before.doubleValue());
                }
                assertThat(rendered.json2().get(i)).as(where).doesNotContainPattern("\"root\\w+\":[0-9.]+E");
                assertThat(now).as(where).isEqualTo(old);
            }
            assertThat(csvRows(rendered.csv2())).hasSameSizeAs(csvRows(rendered.avroCsv()));
        }
        assertThat(timestamps).isGreaterThan(1_000);
    }

    @Test
    void shouldWriteVersionTwoCsvAsItsJsonWithTheIsoColumnsAfterTheTimestamps() throws IOException {
        final Rendered rendered = render(SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap"));
        final List<List<String>> rows = csvRows(rendered.csv2());

        assertThat(rows.get(0)).isEqualTo(withIsoFields(csvRows(rendered.avroCsv()).get(0)));
        for (int i = 1; i < rows.size(); i++) {
            final JsonNode json = JSON.readTree(rendered.json2().get(i - 1));
            for (final String time : TIMES) {
                assertThat(rows.get(i).get(rows.get(0).indexOf(time))).isEqualTo(json.get(time).asText());
                assertThat(rows.get(i).get(rows.get(0).indexOf(time + "Iso")))
                        .isEqualTo(json.get(time + "Iso").isNull() ? "" : json.get(time + "Iso").asText());
            }
            assertThat(rows.get(i).get(0)).isEqualTo(SENSOR);
        }
    }

    /** tcpdump's own decode of the trace ({@code -v}) prints each timestamp as seconds.fraction and its UTC time. */
    @Test
    void shouldAgreeWithTcpdumpOnEveryTimestampOfItsTrace() throws IOException {
        final Rendered rendered = render(SharedMaterial.captures().resolve("tcpdump/ntp-time.pcap"));
        final Matcher printed = Pattern.compile(
                "(?m)^\\s+(Reference|Origin|Receive|Transmit) Timestamp: +(\\d+)\\.(\\d{9})(?: \\((\\S+)\\))?")
                .matcher(Files.readString(SharedMaterial.captures().resolve("expected/tcpdump/ntp-time--v.out")));
        final Iterator<String> lines = rendered.json2().iterator();
        int compared = 0;
        JsonNode packet = null;
        while (printed.find()) {
            final String which = printed.group(1);
            if (which.equals("Reference")) {
                packet = JSON.readTree(lines.next());
            }
            final String field = switch (which) {
                case "Reference" -> "refTime";
                case "Origin" -> "orgTime";
                case "Receive" -> "recTime";
                default -> "xmtTime";
            };
            final String[] hex = packet.get(field).asText().split("\\.");
            final long fraction = Long.parseLong(hex[1], 16);

            assertThat(Long.parseLong(hex[0], 16)).isEqualTo(Long.parseLong(printed.group(2)));
            assertThat(fraction * 1_000_000_000L >>> 32).isEqualTo(Long.parseLong(printed.group(3)));
            if (printed.group(4) != null) {
                assertThat(packet.get(field + "Iso").asText()).startsWith(printed.group(4).replace("Z", "."));
            }
            compared++;
        }
        assertThat(compared).isEqualTo(8);
        assertThat(lines).isExhausted();
    }

    /** The lossless forms back to the 64-bit value; the ISO time against java.time. */
    private static int checkTimestamp(final String where, final JsonNode old, final JsonNode raw, final JsonNode iso) {
        if (old.isNull()) {
            assertThat(raw.isNull()).as(where).isTrue();
            assertThat(iso.isNull()).as(where).isTrue();
            return 0;
        }
        final BigInteger value = old.bigIntegerValue();
        assertThat(raw.asText()).as(where).matches("[0-9a-f]{8}\\.[0-9a-f]{8}");
        assertThat(new BigInteger(raw.asText().replace(".", ""), 16)).as(where).isEqualTo(value);
        if (value.signum() == 0) {
            assertThat(iso.isNull()).as(where).isTrue();
            return 1;
        }
        final long seconds = value.shiftRight(32).longValue();
        final long nanos = value.and(BigInteger.valueOf(0xFFFF_FFFFL)).multiply(BigInteger.valueOf(1_000_000_000L))
                .shiftRight(32).longValue();
        final long era = seconds >= 1L << 31 ? 0 : 1L << 32;
        final Instant expected = Instant.ofEpochSecond(seconds + era - 2_208_988_800L, nanos);
        assertThat(iso.asText()).as(where).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
        assertThat(Instant.parse(iso.asText())).as(where).isEqualTo(expected);
        return 1;
    }

    private static List<String> fieldNames(final JsonNode node) {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> withIsoFields(final List<String> names) {
        final List<String> expanded = new ArrayList<>();
        for (final String name : names) {
            expanded.add(name);
            if (List.of(TIMES).contains(name)) {
                expanded.add(name + "Iso");
            }
        }
        return expanded;
    }

    private static List<Path> realCaptures() throws IOException {
        final List<Path> captures = new ArrayList<>();
        for (final String row : Files.readAllLines(SharedMaterial.captures().resolve("MANIFEST.tsv"))) {
            final String file = row.split("\t")[0];
            if (file.endsWith(".pcap") || file.endsWith(".pcapng")) {
                captures.add(SharedMaterial.captures().resolve(file).normalize());
            }
        }
        assertThat(captures).hasSizeGreaterThan(30);
        return captures;
    }

    /** One decode of the capture, every packet rendered by the Avro path and by both versions of the writer. */
    private static Rendered render(final Path capture) throws IOException {
        final NtpPacketMapper mapper = new NtpPacketMapper(SENSOR);
        final CsvLines csv = new CsvLines(NtpPacket.getClassSchema());
        final List<String> avroJson = new ArrayList<>();
        final List<String> avroCsv = new ArrayList<>(List.of(csv.header()));
        final ByteArrayOutputStream[] outs = new ByteArrayOutputStream[4];
        final PacketLines[] writers = new PacketLines[4];
        for (int i = 0; i < 4; i++) {
            outs[i] = new ByteArrayOutputStream();
            writers[i] = new PacketLines(outs[i], i % 2 == 0 ? PacketLines.Format.jsonl : PacketLines.Format.csv,
                    i < 2 ? 1 : 2, SENSOR);
        }
        final ProblemLog problems = new ProblemLog(new PrintWriter(new StringWriter()));
        try (CaptureReader reader = CaptureFiles.open(capture, problems)) {
            new CaptureSession(new DecodeStats(), problems).run(reader, packet -> {
                final NtpPacket record = mapper.map(packet);
                avroJson.add(JsonLines.append(new StringBuilder(), record).toString());
                avroCsv.add(csv.append(new StringBuilder(), record).toString());
                for (final PacketLines writer : writers) {
                    writer.write(packet);
                }
            }, Long.MAX_VALUE);
        }
        final List<List<String>> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writers[i].flush();
            lines.add(outs[i].toString(StandardCharsets.UTF_8).lines().toList());
        }
        if (avroJson.isEmpty()) { // a CSV writer writes its header with the first packet
            avroCsv.clear();
        }
        return new Rendered(avroJson, avroCsv, lines.get(0), lines.get(1), lines.get(2), lines.get(3));
    }

    /** RFC 4180 rows: quoted cells with doubled quotes; no line breaks inside cells in this output. */
    private static List<List<String>> csvRows(final List<String> lines) {
        final List<List<String>> rows = new ArrayList<>();
        for (final String line : lines) {
            final List<String> cells = new ArrayList<>();
            final StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                final char c = line.charAt(i);
                if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (c == ',' && !quoted) {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            cells.add(cell.toString());
            rows.add(cells);
        }
        return rows;
    }
}
