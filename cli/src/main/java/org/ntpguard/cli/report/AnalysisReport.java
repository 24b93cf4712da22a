package org.ntpguard.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.PeerTraffic;
import org.ntpguard.schema.Severity;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.schema.text.TimeText;
import org.ntpguard.streams.export.BlocklistFiles;
import org.ntpguard.streams.export.BlocklistFormat;
import org.ntpguard.streams.export.BlocklistSnapshot;
import org.ntpguard.streams.export.FeedSettings;
import org.ntpguard.streams.topology.AlertRecords;

/**
 * What an analysis found, for people and for machines: {@code alerts.jsonl} (the latest state of every alert, one
 * JSON object a line), the blocklist in every feed format the detector serves ({@code blocklist.txt},
 * {@code .ipset}, {@code .nft}, {@code .cisco}, {@code .junos}, {@code .flowspec}, {@code .json}),
 * {@code summary.json}, and a readable summary for the terminal: alerts by type, then each subject with its role and
 * evidence, most severe first.
 */
public final class AnalysisReport {

    /** The group of summary.json figures holding libpcap's counters: received, droppedByKernel, droppedByInterface. */
    public static final String CAPTURE_GROUP = "capture";

    private final List<NtpAlert> alerts;
    private final List<BlocklistEntry> blocklist;
    private final Map<String, Long> counters;
    /** Each alert's evidence capture (analyze --evidence): a JSON object by alert id; empty without. */
    private final Map<String, String> evidence;
    private static final ObjectMapper EVIDENCE_READER = new ObjectMapper();
    /** How the run was made, for summary.json; null when not told. */
    private final RunDescription run;
    /** How many alerts and blocklist entries {@link #print} lists; the files always hold them all. */
    private final int listed;
    /** Why the report does not hold the whole input (a stop, a detector behind), null when it does. */
    private final String partialReason;

    /**
     * @param alertUpdates every alert record published, in order (an alert is re-published while it is updated)
     * @param blocklist    the blocklist table at the end
     * @param counters     figures of the run for summary.json (frames, packets, seconds, ...), in display order; a
     *                     name {@code group.name} goes into a nested object {@code "group": {"name": ...}}, placed
     *                     where the group's first figure is ({@value #CAPTURE_GROUP}: libpcap's counters of a live
     *                     capture, also printed by {@link #print})
     */
    public AnalysisReport(final List<NtpAlert> alertUpdates, final List<BlocklistEntry> blocklist,
                          final Map<String, Long> counters) {
        this(latestById(alertUpdates), mostSevereFirst(blocklist), new LinkedHashMap<>(counters), Map.of(), null,
                Integer.MAX_VALUE, null);
    }

    /** This report marked partial in summary.json ({@code "partial":true,"partialReason":...}). */
    public AnalysisReport markedPartial(final String reason) {
        return new AnalysisReport(alerts, blocklist, counters, evidence, run, listed, reason);
    }

    public boolean partial() {
        return partialReason != null;
    }

    /** Why the report is partial, null when it is not. */
    public String partialReason() {
        return partialReason;
    }

    private AnalysisReport(final List<NtpAlert> alerts, final List<BlocklistEntry> blocklist,
                           final Map<String, Long> counters, final Map<String, String> evidence,
                           final RunDescription run, final int listed, final String partialReason) {
        this.alerts = alerts;
        this.blocklist = blocklist;
        this.counters = counters;
        this.evidence = Map.copyOf(evidence);
        this.run = run;
        this.listed = listed;
        this.partialReason = partialReason;
    }

    /** This report with each alert's evidence capture, a JSON object by alert id, as its "evidence" in alerts.jsonl. */
    public AnalysisReport withEvidence(final Map<String, String> evidenceByAlertId) {
        return new AnalysisReport(alerts, blocklist, counters, evidenceByAlertId, run, listed, partialReason);
    }

    /**
     * The evidence capture of an alert, relative to the report folder ({@code evidence/ID.pcap}), or null when
     * none was written: what report.html links to.
     */
    public String evidenceFile(final String alertId) {
        final String json = evidence.get(alertId);
        if (json == null) {
            return null;
        }
        try {
            final JsonNode file = EVIDENCE_READER.readTree(json).path("file");
            return file.isTextual() ? file.asText() : null;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("evidence of alert " + alertId + " is not JSON: " + json, e);
        }
    }

    /** This report with how its run was made, which summary.json then records. */
    public AnalysisReport describing(final RunDescription description) {
        return new AnalysisReport(alerts, blocklist, counters, evidence, description, listed, partialReason);
    }

    /**
     * This report, with {@link #print} listing only the {@code most} most severe alerts and blocklist entries (0:
     * none, the counts only) and a line saying how many more the files hold.
     */
    public AnalysisReport listing(final int most) {
        if (most < 0) {
            throw new IllegalArgumentException("alerts listed: " + most + " (expected: >= 0)");
        }
        return new AnalysisReport(alerts, blocklist, counters, evidence, run, most, partialReason);
    }

    /** Most severe first (an entry of an older detector, UNKNOWN, last), otherwise in the table's order. */
    private static List<BlocklistEntry> mostSevereFirst(final List<BlocklistEntry> entries) {
        final List<BlocklistEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt((BlocklistEntry e) -> e.getSeverity() == Severity.UNKNOWN ? -1
                : e.getSeverity().ordinal()).reversed());
        return List.copyOf(sorted);
    }

    /**
     * The latest version of each alert, most severe first, then by type, then the most response bytes (what makes
     * one reflector or victim worse than another of its kind: the first ones listed by --top), then by subject.
     */
    public List<NtpAlert> alerts() {
        return alerts;
    }

    private static List<NtpAlert> latestById(final List<NtpAlert> updates) {
        final Map<String, NtpAlert> latest = new LinkedHashMap<>();
        for (final NtpAlert alert : updates) {
            latest.put(alert.getId(), alert);
        }
        final List<NtpAlert> sorted = new ArrayList<>(latest.values());
        sorted.sort(Comparator.comparing((NtpAlert a) -> a.getSeverity().ordinal()).reversed()
                .thenComparing(a -> a.getType().ordinal())
                .thenComparing(Comparator.comparingLong(NtpAlert::getResponseBytes).reversed())
                .thenComparing(a -> text(a.getSubject())));
        return List.copyOf(sorted);
    }

    /** The blocklist table at the end, as read. */
    public List<BlocklistEntry> blocklist() {
        return blocklist;
    }

    /**
     * Writes alerts.jsonl, the blocklist files ({@link BlocklistFormat}) and summary.json into {@code dir}, each
     * replaced atomically. A replayed capture's entries have expired by the wall clock: the ipset and nftables files
     * give them the full expiry of {@code feeds}, from now; null {@code feeds} writes no blocklist feed (a failed
     * run).
     */
    /** A figure of the run, 0 when it has none. */
    public long counter(final String name) {
        return counters.getOrDefault(name, 0L);
    }

    public void writeTo(final Path dir, final FeedSettings feeds) throws IOException {
        Files.createDirectories(dir);
        final StringBuilder jsonl = new StringBuilder();
        for (final NtpAlert alert : alerts) {
            JsonLines.append(jsonl, alert);
            final String captured = evidence.get(alert.getId());
            if (captured != null) {
                jsonl.setLength(jsonl.length() - 1); // inside the alert's object
                jsonl.append(",\"evidence\":").append(captured).append('}');
            }
            jsonl.append('\n');
        }
        replace(dir.resolve("alerts.jsonl"), jsonl.toString());
        if (feeds == null) {
            // A failed run's blocklist is missing what it could not read: loaded, a feed would empty a firewall's
            // sets. An earlier run's feeds go too, so that the folder holds one run.
            for (final BlocklistFormat format : BlocklistFormat.values()) {
                Files.deleteIfExists(dir.resolve(format.fileName()));
            }
        } else {
            new BlocklistFiles(dir, feeds).write(BlocklistSnapshot.of(blocklist.stream()
                    .map(AlertRecords::toBlockEntry).toList()), Instant.now());
        }
        replace(dir.resolve("summary.json"), summaryJson());
    }

    String summaryJson() {
        final StringBuilder json = new StringBuilder("{");
        grouped().forEach((name, value) -> {
            JsonLines.appendString(json, name);
            json.append(':');
            if (value instanceof Map<?, ?> group) {
                json.append('{');
                boolean first = true;
                for (final Map.Entry<?, ?> figure : group.entrySet()) {
                    if (!first) {
                        json.append(',');
                    }
                    first = false;
                    JsonLines.appendString(json, (String) figure.getKey());
                    json.append(':').append(figure.getValue());
                }
                json.append('}');
            } else {
                json.append(value);
            }
            json.append(',');
        });
        json.append("\"alerts\":").append(alerts.size()).append(",\"alertsByType\":{");
        boolean first = true;
        for (final Map.Entry<AlertType, Long> entry : byType().entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonLines.appendString(json, entry.getKey().name());
            json.append(':').append(entry.getValue());
        }
        json.append("},\"blocklisted\":").append(blocklist.size());
        if (partialReason != null) {
            json.append(",\"partial\":true,\"partialReason\":");
            JsonLines.appendString(json, partialReason);
        }
        if (run != null) {
            appendRun(json);
        }
        return json.append("}\n").toString();
    }

    private void appendRun(final StringBuilder json) {
        json.append(",\"exitStatus\":").append(run.exitStatus()).append(",\"ntpguardVersion\":");
        JsonLines.appendString(json, run.version());
        json.append(",\"inputs\":[");
        for (int i = 0; i < run.inputs().size(); i++) {
            final InputFile input = run.inputs().get(i);
            json.append(i == 0 ? "{" : ",{").append("\"path\":");
            JsonLines.appendString(json, input.path());
            json.append(",\"sizeBytes\":").append(input.sizeBytes()).append(",\"sha256\":");
            appendStringOrNull(json, input.sha256());
            json.append(",\"linkTypes\":").append(input.linkTypes().toString().replace(" ", ""))
                    .append(",\"frames\":").append(input.frames()).append(",\"firstFrame\":");
            appendStringOrNull(json, input.firstFrame() == null ? null : input.firstFrame().toString());
            json.append(",\"lastFrame\":");
            appendStringOrNull(json, input.lastFrame() == null ? null : input.lastFrame().toString());
            json.append(",\"damage\":").append(input.damage()).append('}');
        }
        json.append("],\"problems\":{");
        appendEntries(json, run.problems(), value -> json.append(value));
        json.append("},\"settings\":{");
        appendEntries(json, run.settings(), value -> JsonLines.appendString(json, value));
        json.append("},\"stageSeconds\":{");
        appendEntries(json, run.stages(), value -> json.append(String.format(Locale.ROOT, "%.3f",
                value.toNanos() / 1e9)));
        json.append('}');
    }

    private static <V> void appendEntries(final StringBuilder json, final Map<String, V> entries,
                                          final java.util.function.Consumer<V> value) {
        boolean first = true;
        for (final Map.Entry<String, V> entry : entries.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonLines.appendString(json, entry.getKey());
            json.append(':');
            value.accept(entry.getValue());
        }
    }

    private static void appendStringOrNull(final StringBuilder json, final String text) {
        if (text == null) {
            json.append("null");
        } else {
            JsonLines.appendString(json, text);
        }
    }

    /** The counters with each {@code group.name} gathered into a map under {@code group}, in first-seen order. */
    private Map<String, Object> grouped() {
        final Map<String, Object> grouped = new LinkedHashMap<>();
        counters.forEach((name, value) -> {
            final int dot = name.indexOf('.');
            if (dot < 0) {
                grouped.put(name, value);
            } else {
                @SuppressWarnings("unchecked")
                final Map<String, Long> group = (Map<String, Long>) grouped.computeIfAbsent(name.substring(0, dot),
                        key -> new LinkedHashMap<String, Long>());
                group.put(name.substring(dot + 1), value);
            }
        });
        return grouped;
    }

    private Map<AlertType, Long> byType() {
        final Map<AlertType, Long> counts = new EnumMap<>(AlertType.class);
        alerts.forEach(alert -> counts.merge(alert.getType(), 1L, Long::sum));
        return counts;
    }

    /**
     * The terminal summary: alerts by type, each alert (most severe first) with its times, summary and top peer, the
     * blocklist with each entry's last sighting and expiry, times in ISO 8601 UTC; both lists cut by {@link #listing}.
     */
    public void print(final PrintWriter out) {
        if (alerts.isEmpty()) {
            out.println("No alert.");
        } else {
            out.println("Alerts by type:");
            byType().forEach((type, count) -> out.printf("  %-22s %6d%n", type, count));
            if (listed > 0) {
                out.println();
                out.println("Subjects, most severe first:");
                for (final NtpAlert alert : alerts.subList(0, Math.min(listed, alerts.size()))) {
                    out.println("  " + heading(alert));
                    out.println("           first seen " + TimeText.isoMillis(alert.getFirstSeen()) + ", last seen "
                            + TimeText.isoMillis(alert.getLastSeen()));
                    out.println("           " + alert.getSummary());
                    if (!alert.getTopPeers().isEmpty()) {
                        final PeerTraffic top = alert.getTopPeers().get(0);
                        out.println("           top peer " + text(top.getPeer()) + ": " + top.getRequests()
                                + " requests (" + top.getRequestBytes() + " B), " + top.getResponses()
                                + " responses (" + top.getResponseBytes() + " B)");
                    }
                }
                more(out, alerts.size(), "alerts.jsonl");
            }
        }
        out.println();
        out.println("Blocklist: " + blocklist.size() + (blocklist.size() == 1 ? " entry" : " entries"));
        for (final BlocklistEntry entry : blocklist.subList(0, Math.min(listed, blocklist.size()))) {
            out.println("  " + text(entry.getAddress()) + "/" + entry.getPrefixLength() + "  last seen "
                    + TimeText.isoMillis(entry.getLastSeen()) + ", expires " + TimeText.isoMillis(entry.getExpiresAt())
                    + "  " + entry.getReason());
        }
        if (listed > 0) {
            more(out, blocklist.size(), "blocklist.txt");
        }
        final Long received = counters.get(CAPTURE_GROUP + ".received");
        if (received != null) {
            out.println();
            out.println("Capture: libpcap received " + received + ", dropped by kernel "
                    + counters.get(CAPTURE_GROUP + ".droppedByKernel") + ", dropped by interface "
                    + counters.get(CAPTURE_GROUP + ".droppedByInterface") + "; dropped (queue full) "
                    + counters.get("droppedQueueFull") + "; dropped in all " + counters.get("dropped"));
        }
        out.flush();
    }

    private void more(final PrintWriter out, final int all, final String file) {
        if (all > listed) {
            out.println("  ... and " + (all - listed) + " more in " + file);
        }
    }

    /**
     * One alert in one line, as {@code ntpguard run} prints each alert record as it arrives: the time of its newest
     * evidence, severity and type in the columns of the subject list, subject and role, the summary, and which update
     * of the alert this is (it is re-published while the abuse goes on).
     */
    public static String line(final NtpAlert alert) {
        final String line = String.format("%s %-8s %-22s %s %s: %s", TimeText.isoMillis(alert.getLastSeen()),
                alert.getSeverity(), alert.getType(), text(alert.getSubject()), role(alert), alert.getSummary());
        return alert.getUpdates() == 0 ? line : line + " (update " + alert.getUpdates() + ")";
    }

    /** Severity, type, subject and role in columns. */
    private static String heading(final NtpAlert alert) {
        return String.format("%-8s %-22s %-39s %-9s", alert.getSeverity(), alert.getType(), text(alert.getSubject()),
                role(alert));
    }

    private static String role(final NtpAlert alert) {
        return alert.getRole().name().toLowerCase(Locale.ROOT);
    }

    private static void replace(final Path file, final String content) throws IOException {
        BlocklistFiles.writeAtomically(file, content.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(final java.nio.ByteBuffer address) {
        return IpText.append(new StringBuilder(), address).toString();
    }
}
