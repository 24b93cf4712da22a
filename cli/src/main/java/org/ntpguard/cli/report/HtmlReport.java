package org.ntpguard.cli.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.streams.export.BlocklistFiles;

/**
 * {@code report.html}: the report as one self-contained page for an analyst to look at. A timeline of datagrams/s
 * and bytes/s by mode and direction with a marker where each alert was first seen, the top clients and servers, every
 * alert with its evidence, and the blocklist; each subject links to its details further down. The charts are drawn by
 * uPlot, whose minified script and style are copied from its WebJar into the page: the page loads nothing, from
 * anywhere.
 *
 * <p>Every text from outside (file names, alert texts, reasons) is escaped for where it goes: HTML text and
 * attributes, or JSON inside a script element.
 */
public final class HtmlReport {

    /** The page's file name in the report folder. */
    public static final String FILE = "report.html";

    /** Rows of each top list. */
    static final int TOP = 20;

    private static final String WEBJAR = "/META-INF/resources/webjars/uplot/";
    private static final String WEBJAR_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private final AnalysisReport report;
    private final TrafficOverview overview;
    private final List<String> inputs;
    /** Alert subjects as text: the addresses that have a details section to link to. */
    private final Set<String> subjects = new TreeSet<>();

    /**
     * @param overview the run's traffic; null when the run has none (the page then says so instead of charts)
     * @param inputs   what was analysed, as the user named it (file names, an interface)
     */
    public HtmlReport(final AnalysisReport report, final TrafficOverview overview, final List<String> inputs) {
        this.report = report;
        this.overview = overview;
        this.inputs = List.copyOf(inputs);
        report.alerts().forEach(alert -> subjects.add(text(alert.getSubject())));
    }

    /** Writes {@value #FILE} into {@code dir}, replaced atomically. */
    public void writeTo(final Path dir, final Instant generated) throws IOException {
        BlocklistFiles.writeAtomically(dir.resolve(FILE), render(generated).getBytes(StandardCharsets.UTF_8));
    }

    /** The whole page. */
    public String render(final Instant generated) {
        final StringBuilder html = new StringBuilder(128 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // Nothing may load from anywhere: the browser enforces what the page promises.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>ntpguard report</title>\n<style>\n").append(uplotResource("dist/uPlot.min.css"))
                .append('\n').append(STYLE).append("</style>\n</head>\n<body>\n");
        header(html, generated);
        timeline(html);
        topLists(html);
        alertTable(html);
        subjectDetails(html);
        blocklist(html);
        html.append("<script type=\"application/json\" id=\"ntpguard-data\">").append(scriptJson(chartData()))
                .append("</script>\n<script>\n").append(uplotScript()).append("\n</script>\n<script>\n")
                .append(CHARTS).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private void header(final StringBuilder html, final Instant generated) {
        html.append("<h1>ntpguard report</h1>\n<p class=\"meta\">Generated ")
                .append(generated.truncatedTo(ChronoUnit.MILLIS))
                .append(" (UTC, ISO 8601). Input: ");
        for (int i = 0; i < inputs.size(); i++) {
            html.append(i == 0 ? "" : ", ").append("<code>").append(escape(inputs.get(i))).append("</code>");
        }
        html.append(".</p>\n<p class=\"meta\">").append(report.counter("frames")).append(" frames, ")
                .append(report.counter("ntpDatagrams")).append(" NTP datagrams, ").append(report.alerts().size())
                .append(" alert(s), ").append(report.blocklist().size()).append(" blocklist entr")
                .append(report.blocklist().size() == 1 ? "y" : "ies").append(". <a href=\"#alerts\">Alerts</a> · ")
                .append("<a href=\"#subjects\">Subjects</a> · <a href=\"#blocklist\">Blocklist</a></p>\n");
    }

    private void timeline(final StringBuilder html) {
        html.append("<h2 id=\"timeline\">Timeline</h2>\n");
        if (overview == null || overview.timeline().points().isEmpty()) {
            html.append("<p>No traffic to draw.</p>\n");
            return;
        }
        final long pointMillis = overview.timeline().pointMillis();
        html.append("<p class=\"meta\">Capture time (UTC). One point per ").append(seconds(pointMillis))
                .append(", the average rate over it. Red lines: where an alert was first seen. Bytes are NTP "
                        + "payload bytes; a flow counts bytes by direction, and by mode only for monlist.</p>\n")
                .append("<h3>Datagrams/s by mode and direction</h3>\n")
                .append("<div class=\"chart\" id=\"packets-chart\"></div>\n")
                .append("<h3>Bytes/s by direction</h3>\n<div class=\"chart\" id=\"bytes-chart\"></div>\n");
    }

    private void topLists(final StringBuilder html) {
        if (overview == null) {
            return;
        }
        final TopAddresses clients = overview.clients();
        final TopAddresses servers = overview.servers();
        html.append("<h2 id=\"top\">Top clients and servers</h2>\n");
        capped(html, clients, "clients", "response bytes");
        capped(html, servers, "servers", "requests");
        html.append("<div class=\"columns\">\n");
        topTable(html, "Clients by response bytes", clients.top(TOP, TrafficOverview.BY_RESPONSE_BYTES), false);
        topTable(html, "Clients by byte ratio (clients that sent requests)",
                clients.top(TOP, Comparator.comparingDouble(TopAddresses.Totals::byteRatio).reversed()
                        .thenComparing(TrafficOverview.BY_RESPONSE_BYTES), t -> t.requestBytes > 0), false);
        topTable(html, "Servers by requests", servers.top(TOP, TrafficOverview.BY_REQUESTS), true);
        final List<Map.Entry<TopAddresses.Totals, Long>> byPeers = new ArrayList<>();
        servers.top(Integer.MAX_VALUE, TrafficOverview.BY_REQUESTS)
                .forEach(t -> byPeers.add(Map.entry(t, t.distinctPeers())));
        byPeers.sort(Map.Entry.<TopAddresses.Totals, Long>comparingByValue().reversed());
        topTable(html, "Servers by distinct clients",
                byPeers.stream().limit(TOP).map(Map.Entry::getKey).toList(), true);
        html.append("</div>\n");
    }

    /** Says when the lists were bounded, and what that costs. */
    private static void capped(final StringBuilder html, final TopAddresses totals, final String what,
                               final String rank) {
        html.append("<p class=\"meta\">About ").append(totals.distinct()).append(" distinct ").append(what)
                .append(" seen.");
        if (totals.dropped() > 0) {
            html.append(" <strong class=\"capped\">Capped:</strong> at most ").append(totals.capacity())
                    .append(" ").append(what).append(" are kept; ").append(totals.dropped())
                    .append(" with the least ").append(rank).append(" were let go to bound memory, so a listed ")
                    .append("address's figures may be low by up to ").append(totals.largestDropped()).append(' ')
                    .append(rank).append('.');
        }
        html.append("</p>\n");
    }

    private void topTable(final StringBuilder html, final String title, final List<TopAddresses.Totals> rows,
                          final boolean server) {
        html.append("<table class=\"top\"><caption>").append(escape(title)).append("</caption>\n<tr><th>")
                .append(server ? "server" : "client").append("</th><th>requests</th><th>request bytes</th>")
                .append("<th>responses</th><th>response bytes</th><th>byte ratio</th>")
                .append(server ? "<th>distinct clients</th>" : "").append("</tr>\n");
        for (final TopAddresses.Totals row : rows) {
            html.append("<tr><td>");
            address(html, row.text());
            html.append("</td><td>").append(row.requests).append("</td><td>").append(row.requestBytes)
                    .append("</td><td>").append(row.responses).append("</td><td>").append(row.responseBytes)
                    .append("</td><td>").append(ratio(row.byteRatio())).append("</td>");
            if (server) {
                html.append("<td>").append(row.distinctPeers()).append("</td>");
            }
            html.append("</tr>\n");
        }
        if (rows.isEmpty()) {
            html.append("<tr><td colspan=\"").append(server ? 7 : 6).append("\">none</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private void alertTable(final StringBuilder html) {
        html.append("<h2 id=\"alerts\">Alerts</h2>\n");
        if (report.alerts().isEmpty()) {
            html.append("<p>No alert.</p>\n");
            return;
        }
        html.append("<table class=\"alerts\">\n<tr><th>severity</th><th>type</th><th>subject</th><th>role</th>")
                .append("<th>first seen</th><th>last seen</th><th>summary</th></tr>\n");
        for (final NtpAlert alert : report.alerts()) {
            html.append("<tr class=\"alert\" data-alert-id=\"").append(escape(alert.getId())).append("\"><td>")
                    .append(escape(alert.getSeverity().name())).append("</td><td>")
                    .append(escape(alert.getType().name())).append("</td><td>");
            address(html, text(alert.getSubject()));
            html.append("</td><td>").append(escape(role(alert))).append("</td><td>")
                    .append(time(alert.getFirstSeen())).append("</td><td>").append(time(alert.getLastSeen()))
                    .append("</td><td>").append(escape(alert.getSummary())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private void subjectDetails(final StringBuilder html) {
        html.append("<h2 id=\"subjects\">Subjects</h2>\n");
        if (subjects.isEmpty()) {
            html.append("<p>No subject.</p>\n");
            return;
        }
        final Map<String, List<NtpAlert>> bySubject = new LinkedHashMap<>();
        report.alerts().forEach(alert -> bySubject.computeIfAbsent(text(alert.getSubject()), s -> new ArrayList<>())
                .add(alert));
        final Map<String, List<BlocklistEntry>> blocked = new LinkedHashMap<>();
        report.blocklist().forEach(entry -> blocked.computeIfAbsent(text(entry.getAddress()), a -> new ArrayList<>())
                .add(entry));
        for (final Map.Entry<String, List<NtpAlert>> subject : bySubject.entrySet()) {
            html.append("<section class=\"subject\" id=\"").append(escape(anchor(subject.getKey())))
                    .append("\">\n<h3>").append(escape(subject.getKey())).append("</h3>\n");
            for (final NtpAlert alert : subject.getValue()) {
                evidence(html, alert);
            }
            for (final BlocklistEntry entry : blocked.getOrDefault(subject.getKey(), List.of())) {
                html.append("<p>Blocklisted as <code>").append(escape(text(entry.getAddress()))).append('/')
                        .append(entry.getPrefixLength()).append("</code> until ").append(time(entry.getExpiresAt()))
                        .append(": ").append(escape(entry.getReason())).append("</p>\n");
            }
            html.append("</section>\n");
        }
    }

    private void evidence(final StringBuilder html, final NtpAlert alert) {
        html.append("<div class=\"evidence\" id=\"").append(escape("alert-" + alert.getId())).append("\">\n<h4>")
                .append(escape(alert.getSeverity().name())).append(' ').append(escape(alert.getType().name()))
                .append(", as ").append(escape(role(alert))).append(alert.getUnsolicited() ? ", unsolicited" : "")
                .append("</h4>\n<p>").append(escape(alert.getSummary())).append("</p>\n<dl>")
                .append("<dt>windows</dt><dd>").append(time(alert.getWindowStart())).append(" to ")
                .append(time(alert.getWindowEnd())).append("</dd><dt>first and last packet</dt><dd>")
                .append(time(alert.getFirstSeen())).append(" to ").append(time(alert.getLastSeen()))
                .append("</dd><dt>requests</dt><dd>").append(alert.getRequests()).append(" (")
                .append(alert.getRequestBytes()).append(" B)</dd><dt>responses</dt><dd>")
                .append(alert.getResponses()).append(" (").append(alert.getResponseBytes())
                .append(" B)</dd><dt>byte ratio</dt><dd>")
                .append(alert.getByteRatio() == null ? "no request seen" : ratio(alert.getByteRatio()))
                .append("</dd><dt>distinct peers</dt><dd>").append(alert.getDistinctPeers())
                .append("</dd><dt>updates</dt><dd>").append(alert.getUpdates()).append("</dd>");
        if (!alert.getKissCodes().isEmpty()) {
            html.append("<dt>Kiss-o'-Death codes</dt><dd>");
            alert.getKissCodes().forEach((code, count) -> html.append(escape(code.toString())).append(' ')
                    .append(count).append(' '));
            html.append("</dd>");
        }
        if (!alert.getSensors().isEmpty()) {
            html.append("<dt>sensors</dt><dd>");
            alert.getSensors().forEach(sensor -> html.append(escape(sensor.toString())).append(' '));
            html.append("</dd>");
        }
        final String capture = report.evidenceFile(alert.getId());
        if (capture != null) {
            // Relative to the report folder, where the page is: an analyst opens it in Wireshark from here.
            html.append("<dt>packets</dt><dd><a class=\"evidence-file\" href=\"").append(escape(capture))
                    .append("\">").append(escape(capture)).append("</a></dd>");
        }
        html.append("<dt>alert id</dt><dd><code>").append(escape(alert.getId())).append("</code></dd></dl>\n");
        if (!alert.getTopPeers().isEmpty()) {
            html.append("<table class=\"peers\"><caption>Top peers</caption>\n<tr><th>peer</th><th>requests</th>")
                    .append("<th>request bytes</th><th>responses</th><th>response bytes</th></tr>\n");
            for (final PeerTraffic peer : alert.getTopPeers()) {
                html.append("<tr><td>");
                address(html, text(peer.getPeer()));
                html.append("</td><td>").append(peer.getRequests()).append("</td><td>").append(peer.getRequestBytes())
                        .append("</td><td>").append(peer.getResponses()).append("</td><td>")
                        .append(peer.getResponseBytes()).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        html.append("</div>\n");
    }

    private void blocklist(final StringBuilder html) {
        html.append("<h2 id=\"blocklist\">Blocklist</h2>\n");
        if (report.blocklist().isEmpty()) {
            html.append("<p>Empty.</p>\n");
            return;
        }
        html.append("<table class=\"blocklist\">\n<tr><th>address</th><th>severity</th><th>first seen</th>")
                .append("<th>last seen</th><th>expires</th><th>reason</th></tr>\n");
        for (final BlocklistEntry entry : report.blocklist()) {
            html.append("<tr><td>");
            address(html, text(entry.getAddress()));
            html.append('/').append(entry.getPrefixLength()).append("</td><td>")
                    .append(escape(String.valueOf(entry.getSeverity()))).append("</td><td>")
                    .append(time(entry.getFirstSeen())).append("</td><td>").append(time(entry.getLastSeen()))
                    .append("</td><td>").append(time(entry.getExpiresAt())).append("</td><td>")
                    .append(escape(entry.getReason())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** An address, linked to its details when it is an alert's subject. */
    private void address(final StringBuilder html, final String address) {
        if (subjects.contains(address)) {
            html.append("<a class=\"subject-link\" href=\"#").append(escape(anchor(address))).append("\">")
                    .append(escape(address)).append("</a>");
        } else {
            html.append(escape(address));
        }
    }

    /** The data the charts draw: times in seconds, rates per series, and the alert markers. */
    String chartData() {
        final StringBuilder json = new StringBuilder("{");
        final List<Long> times = new ArrayList<>();
        final List<long[]> values = new ArrayList<>();
        long pointMillis = 1_000;
        if (overview != null) {
            pointMillis = overview.timeline().pointMillis();
            long previous = Long.MIN_VALUE;
            for (final Map.Entry<Long, long[]> point : overview.timeline().points().entrySet()) {
                // A gap in the traffic is drawn as zero, not as a line across it.
                if (previous != Long.MIN_VALUE && point.getKey() > previous + pointMillis) {
                    times.add(previous + pointMillis);
                    values.add(new long[TrafficTimeline.Series.values().length]);
                    if (point.getKey() > previous + 2 * pointMillis) {
                        times.add(point.getKey() - pointMillis);
                        values.add(new long[TrafficTimeline.Series.values().length]);
                    }
                }
                times.add(point.getKey());
                values.add(point.getValue());
                previous = point.getKey();
            }
        }
        json.append("\"pointSeconds\":").append(pointMillis / 1000.0).append(",\"times\":[");
        for (int i = 0; i < times.size(); i++) {
            json.append(i == 0 ? "" : ",").append(times.get(i) / 1000.0);
        }
        json.append("],\"packets\":");
        series(json, values, false, pointMillis);
        json.append(",\"bytes\":");
        series(json, values, true, pointMillis);
        json.append(",\"alerts\":[");
        boolean first = true;
        for (final NtpAlert alert : report.alerts()) {
            json.append(first ? "" : ",").append("{\"time\":").append(alert.getFirstSeen() / 1000.0)
                    .append(",\"label\":");
            JsonLines.appendString(json, alert.getType().name() + " " + text(alert.getSubject()));
            json.append('}');
            first = false;
        }
        return json.append("]}").toString();
    }

    private static void series(final StringBuilder json, final List<long[]> values, final boolean bytes,
                               final long pointMillis) {
        json.append("[");
        boolean first = true;
        for (final TrafficTimeline.Series series : TrafficTimeline.Series.values()) {
            if (series.bytes != bytes) {
                continue;
            }
            json.append(first ? "" : ",").append("{\"label\":");
            JsonLines.appendString(json, series.label);
            json.append(",\"values\":[");
            for (int i = 0; i < values.size(); i++) {
                final double rate = values.get(i)[series.ordinal()] * 1000.0 / pointMillis;
                json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", rate));
            }
            json.append("]}");
            first = false;
        }
        json.append("]");
    }

    /** Text for HTML content and attribute values (quoted with "). */
    static String escape(final CharSequence text) {
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * JSON made safe inside a script element: no {@code </script>}, {@code <!--} or line separators can end or
     * change it. The characters replaced occur only inside JSON strings, where the escapes mean the same.
     */
    static String scriptJson(final String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    /** The id of a subject's details. */
    static String anchor(final String address) {
        return "subject-" + address;
    }

    /** An instant as ISO 8601 UTC, kept on one line. */
    private static String time(final long epochMillis) {
        return "<time>" + Instant.ofEpochMilli(epochMillis) + "</time>";
    }

    private static String seconds(final long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static String ratio(final double ratio) {
        return ratio < 0 ? "–" : String.format(Locale.ROOT, "%.1f", ratio);
    }

    private static String role(final NtpAlert alert) {
        return alert.getRole().name().toLowerCase(Locale.ROOT);
    }

    private static String text(final ByteBuffer address) {
        return IpText.append(new StringBuilder(), address).toString();
    }

    /** uPlot's script; checked not to close its script element early. */
    private static String uplotScript() {
        final String script = uplotResource("dist/uPlot.iife.min.js");
        if (script.toLowerCase(Locale.ROOT).contains("</script")) {
            throw new IllegalStateException("uPlot's script contains </script: it cannot be inlined as it is");
        }
        return script;
    }

    private static String uplotResource(final String name) {
        final String path = WEBJAR + uplotVersion() + "/" + name;
        try (InputStream in = HtmlReport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + path + " (the uPlot WebJar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WebJar's version, from its own Maven metadata: the pom is the one place that names it. */
    private static String uplotVersion() {
        try (InputStream in = HtmlReport.class.getResourceAsStream(WEBJAR_POM)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + WEBJAR_POM + " (the uPlot WebJar)");
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String STYLE = """
            body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
            h1 { margin-bottom: 0.2em; }
            .meta { color: #555; }
            .capped { color: #a40; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
            th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
            td:not(:first-child) { font-variant-numeric: tabular-nums; }
            .columns { display: flex; flex-wrap: wrap; gap: 1.5em; }
            .chart { margin-bottom: 1em; }
            .subject { border-top: 1px solid #ccc; margin-top: 1em; }
            .subject:target { background: #fff8e0; }
            dl { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
            dt { color: #555; }
            dd { margin: 0; }
            time { white-space: nowrap; }
            """;

    /** Draws the two charts from the JSON data; red vertical lines mark where alerts were first seen. */
    private static final String CHARTS = """
            (function () {
              const data = JSON.parse(document.getElementById('ntpguard-data').textContent);
              // No red among them: red is the alert markers'.
              const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#17becf', '#9467bd', '#8c564b', '#7f7f7f'];
              function alertMarkers(u) {
                const ctx = u.ctx;
                ctx.save();
                ctx.strokeStyle = 'rgba(200, 0, 0, 0.7)';
                ctx.lineWidth = 1;
                for (const alert of data.alerts) {
                  const x = Math.round(u.valToPos(alert.time, 'x', true));
                  if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
                  ctx.beginPath();
                  ctx.moveTo(x, u.bbox.top);
                  ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                }
                ctx.restore();
              }
              function draw(id, group, unit) {
                const element = document.getElementById(id);
                if (!element || data.times.length === 0) return;
                const series = [{ label: 'time (UTC)',
                                  value: (u, v) => v == null ? '' : new Date(v * 1000).toISOString() }];
                const columns = [data.times];
                group.forEach((s, i) => {
                  series.push({ label: s.label, stroke: colors[i % colors.length], width: 1.5,
                                value: (u, v) => v == null ? '' : v.toFixed(1) + ' ' + unit });
                  columns.push(s.values);
                });
                const options = {
                  width: Math.max(400, element.clientWidth || 900), height: 280,
                  tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
                  series: series,
                  axes: [{ values: (u, splits) => splits.map(v => new Date(v * 1000).toISOString().slice(11, 19)) },
                         { label: unit, size: 70 }],
                  hooks: { draw: [alertMarkers] }
                };
                new uPlot(options, columns, element);
              }
              draw('packets-chart', data.packets, 'datagrams/s');
              draw('bytes-chart', data.bytes, 'bytes/s');
            })();
            """;
}
