package org.ntpguard.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.flow.FlowInterval;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.Severity;

/** report.html without a browser: escaping, links, the bounded lists and timeline. The browser test draws it. */
class HtmlReportTest {

    private static final String HOSTILE = "</script><script>alert(1)</script><img src=x onerror=\"alert('x')\">&";
    private static final Instant GENERATED = Instant.parse("2026-12-03T12:00:00Z");
    private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    private static ByteBuffer ip(final int a, final int b, final int c, final int d) {
        return ByteBuffer.wrap(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    private static NtpAlert alert(final String id, final AlertType type, final ByteBuffer subject,
                                  final ByteBuffer peer, final String summary) {
        return NtpAlert.newBuilder().setId(id).setType(type).setSeverity(Severity.HIGH).setSubject(subject)
                .setRole(AlertRole.VICTIM).setUnsolicited(false).setWindowStart(T0).setWindowEnd(T0 + 30_000)
                .setFirstSeen(T0 + 1_500).setLastSeen(T0 + 29_000).setRequests(10L).setRequestBytes(80L)
                .setResponses(100L).setResponseBytes(44_000L).setByteRatio(550.0).setDistinctPeers(1L)
                .setTopPeers(List.of(new PeerTraffic(peer, 10L, 80L, 100L, 44_000L)))
                .setKissCodes(Map.of(HOSTILE, 1L)).setSensors(List.of(HOSTILE)).setSummary(summary).build();
    }

    /** A flow of {@code requests} mode 3 requests of 48 bytes and as many responses of {@code responseBytes}. */
    private static NtpFlow flow(final ByteBuffer client, final ByteBuffer server, final long requests,
                                final long responseBytes) {
        return new NtpFlow(client, server, T0, T0, requests, requests * 48, requests, responseBytes, 0L, 0L, 0L, 0L,
                0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, List.of(), 0L, Long.MAX_VALUE, 0L, List.of(), 0L, 0L,
                List.of(), 0L, List.of(), List.of(), 0L, 0L, 0L, 0L);
    }

    private final ByteBuffer victim = ip(203, 0, 113, 66);
    private final ByteBuffer reflector = ip(198, 51, 100, 7);
    private final List<NtpAlert> alerts = List.of(
            alert("victim-alert", AlertType.AMPLIFICATION_VICTIM, victim, reflector, "victim: " + HOSTILE),
            alert("reflector-alert", AlertType.REFLECTOR, reflector, victim, "reflector"));
    private final List<BlocklistEntry> blocklist = List.of(new BlocklistEntry(reflector, 32, "REFLECTOR " + HOSTILE,
            List.of("reflector-alert"), T0 + 1_500, T0 + 29_000, T0 + 3_629_000, Severity.HIGH));

    private String render(final TrafficOverview traffic) {
        return new HtmlReport(new AnalysisReport(alerts, blocklist, Map.of()), traffic,
                List.of("capture \"<b>one</b>\".pcap")).render(GENERATED);
    }

    @Test
    void shouldEscapeEveryOutsideTextInHtmlAndKeepTheDataScriptClosed() {
        final String html = render(new TrafficOverview(Duration.ofSeconds(1)));

        assertThat(html).doesNotContain("<script>alert(1)", "<img src=x", "<b>one</b>")
                .contains("victim: &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror="
                        + "&quot;alert(&#39;x&#39;)&quot;&gt;&amp;", "capture &quot;&lt;b&gt;one&lt;/b&gt;&quot;.pcap",
                        "REFLECTOR &lt;/script&gt;");
        // The page's own three script elements, and no other.
        assertThat(count(html, "<script")).isEqualTo(3);
        assertThat(count(html, "</script")).isEqualTo(3);
        assertThat(html).doesNotContainPattern("(src|href)=\"?https?:");
    }

    @Test
    void shouldKeepJsonStringsFromEndingTheirScriptElement() {
        final String json = HtmlReport.scriptJson("{\"label\":\"</script><!-- a & b\u2028\"}");

        assertThat(json).isEqualTo("{\"label\":\"\\u003c/script\\u003e\\u003c!-- a \\u0026 b\\u2028\"}")
                .doesNotContain("<", ">", "&", "\u2028");
    }

    @Test
    void shouldLinkEverySubjectToItsDetails() {
        final String html = render(new TrafficOverview(Duration.ofSeconds(1)));

        for (final String subject : List.of("203.0.113.66", "198.51.100.7")) {
            assertThat(html).contains("<section class=\"subject\" id=\"subject-" + subject + "\">")
                    .contains("<a class=\"subject-link\" href=\"#subject-" + subject + "\">" + subject + "</a>");
        }
        assertThat(html).contains("data-alert-id=\"victim-alert\"", "data-alert-id=\"reflector-alert\"",
                "<time>2026-11-22T10:00:01.500Z</time>");
        assertThat(html).containsPattern("(?s)id=\"subject-198\\.51\\.100\\.7\">.*?Blocklisted as <code>198.51.100.7/32"
                + "</code> until <time>2026-11-22T11:00:29Z</time>");
        assertThat(count(html, "Blocklisted as")).isEqualTo(1);
    }

    @Test
    void shouldLinkEachAlertToItsEvidenceCaptureWhenOneWasWritten() {
        final AnalysisReport withEvidence = new AnalysisReport(alerts, blocklist, Map.of()).withEvidence(Map.of(
                "victim-alert", "{\"file\":\"evidence/victim-alert.pcap\",\"packets\":110,\"beyondLimit\":0,"
                        + "\"limit\":10000,\"first\":null,\"last\":null}",
                "reflector-alert", "{\"file\":null,\"packets\":0,\"beyondLimit\":0,\"limit\":10000,"
                        + "\"first\":null,\"last\":null}"));
        final String html = new HtmlReport(withEvidence, new TrafficOverview(Duration.ofSeconds(1)), List.of("c.pcap"))
                .render(GENERATED);

        assertThat(html).containsPattern("(?s)id=\"alert-victim-alert\">.*?<a class=\"evidence-file\" "
                + "href=\"evidence/victim-alert.pcap\">evidence/victim-alert.pcap</a>");
        assertThat(count(html, "class=\"evidence-file\"")).as("no capture, no link").isEqualTo(1);
    }

    @Test
    void shouldRankTheHeaviestClientsInBoundedMemoryAndSaySoOnThePage() {
        final TrafficOverview traffic = new TrafficOverview(Duration.ofSeconds(1), 8);
        final List<NtpFlow> flows = new ArrayList<>();
        // A spoofed flood of 1,000 light clients around one heavy victim, which comes last.
        for (int i = 0; i < 1_000; i++) {
            flows.add(flow(ip(10, 0, i / 256, i % 256), reflector, 1, 48));
        }
        flows.add(flow(victim, reflector, 10, 44_000));
        traffic.accept(new FlowInterval(T0, 1_000, flows));

        final List<TopAddresses.Totals> top = traffic.clients().top(3, TrafficOverview.BY_RESPONSE_BYTES);
        assertThat(top).hasSize(3).first().satisfies(t -> {
            assertThat(t.text()).isEqualTo("203.0.113.66");
            assertThat(t.responseBytes).isEqualTo(44_000);
        });
        assertThat(traffic.clients().dropped()).isGreaterThan(900);
        assertThat(traffic.clients().distinct()).isBetween(980L, 1_020L);
        assertThat(traffic.servers().top(1, TrafficOverview.BY_REQUESTS).get(0).distinctPeers())
                .isBetween(980L, 1_020L);
        final String html = render(traffic);
        assertThat(html).contains("<strong class=\"capped\">Capped:</strong> at most 8 clients are kept")
                .contains("may be low by up to 48 response bytes");
        assertThat(count(html, "<tr><td>10.0.")).isLessThanOrEqualTo(2 * HtmlReport.TOP);
    }

    @Test
    void shouldWidenTimelinePointsInsteadOfGrowingPastTheirBound() {
        final TrafficTimeline timeline = new TrafficTimeline(1_000);
        final int seconds = 3 * TrafficTimeline.MAX_POINTS;
        for (int i = 0; i < seconds; i++) {
            timeline.add(T0 + i * 1_000L, List.of(flow(victim, reflector, 2, 100)));
        }

        assertThat(timeline.points().size()).isLessThanOrEqualTo(TrafficTimeline.MAX_POINTS);
        assertThat(timeline.pointMillis()).isEqualTo(4_000);
        assertThat(timeline.points().values().stream()
                .mapToLong(p -> p[TrafficTimeline.Series.MODE3_REQUESTS.ordinal()]).sum()).isEqualTo(2L * seconds);
        assertThat(timeline.points().values().stream()
                .mapToLong(p -> p[TrafficTimeline.Series.RESPONSE_BYTES.ordinal()]).sum()).isEqualTo(100L * seconds);
    }

    @Test
    void shouldDrawAGapInTheTrafficAsZeroAndMarkEveryAlert() {
        final TrafficOverview traffic = new TrafficOverview(Duration.ofSeconds(1));
        traffic.accept(new FlowInterval(T0, 1_000, List.of(flow(victim, reflector, 4, 400))));
        traffic.accept(new FlowInterval(T0 + 10_000, 1_000, List.of(flow(victim, reflector, 4, 400))));

        final String data = new HtmlReport(new AnalysisReport(alerts, blocklist, Map.of()), traffic, List.of())
                .chartData();

        final double start = T0 / 1000.0;
        assertThat(data).contains("\"times\":[" + start + "," + (start + 1) + "," + (start + 9) + ","
                + (start + 10) + "]", "\"label\":\"mode 3 requests\",\"values\":[4.000,0.000,0.000,4.000]")
                .contains("{\"time\":" + (T0 + 1_500) / 1000.0 + ",\"label\":\"AMPLIFICATION_VICTIM 203.0.113.66\"}");
    }

    private static int count(final String text, final String part) {
        final Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
