package org.ntpguard.cli.report;

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
import org.ntpguard.schema.text.IpText;
import org.ntpguard.schema.text.JsonLines;
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
        this.alerts = latestById(alertUpdates);
        this.blocklist = List.copyOf(blocklist);
        this.counters = new LinkedHashMap<>(counters);
        this.partialReason = null;
    }

    private AnalysisReport(final AnalysisReport complete, final String partialReason) {
        this.alerts = complete.alerts;
        this.blocklist = complete.blocklist;
        this.counters = complete.counters;
        this.partialReason = partialReason;
    }

    /** This report marked partial in summary.json ({@code "partial":true,"partialReason":...}). */
    public AnalysisReport markedPartial(final String reason) {
        return new AnalysisReport(this, reason);
    }

    public boolean partial() {
        return partialReason != null;
    }

    /** Why the report is partial, null when it is not. */
    public String partialReason() {
        return partialReason;
    }

    /** The latest version of each alert, most severe first, then by type and subject. */
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
                .thenComparing(a -> text(a.getSubject())));
        return List.copyOf(sorted);
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
            JsonLines.append(jsonl, alert).append('\n');
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
        json.append("}\n");
        return json.toString();
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

    /** The terminal summary. */
    public void print(final PrintWriter out) {
        if (alerts.isEmpty()) {
            out.println("No alert.");
        } else {
            out.println("Alerts by type:");
            byType().forEach((type, count) -> out.printf("  %-22s %6d%n", type, count));
            out.println();
            out.println("Subjects, most severe first:");
            for (final NtpAlert alert : alerts) {
                out.println("  " + heading(alert));
                out.println("           " + alert.getSummary());
                if (!alert.getTopPeers().isEmpty()) {
                    final PeerTraffic top = alert.getTopPeers().get(0);
                    out.println("           top peer " + text(top.getPeer()) + ": " + top.getRequests()
                            + " requests (" + top.getRequestBytes() + " B), " + top.getResponses() + " responses ("
                            + top.getResponseBytes() + " B)");
                }
            }
        }
        out.println();
        out.println("Blocklist: " + blocklist.size() + (blocklist.size() == 1 ? " entry" : " entries"));
        for (final BlocklistEntry entry : blocklist) {
            out.println("  " + text(entry.getAddress()) + "/" + entry.getPrefixLength() + "  " + entry.getReason());
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

    /**
     * One alert in one line, as {@code ntpguard run} prints each alert record as it arrives: severity and type in the
     * columns of the subject list, subject and role, the summary, and which update of the alert this is (it is
     * re-published while the abuse goes on).
     */
    public static String line(final NtpAlert alert) {
        final String line = String.format("%-8s %-22s %s %s: %s", alert.getSeverity(), alert.getType(),
                text(alert.getSubject()), role(alert), alert.getSummary());
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
