package org.ntpguard.cli.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ntpguard.schema.NtpIncident;
import org.ntpguard.schema.text.IpText;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.schema.text.TimeText;

/**
 * The incidents of a report: {@code incidents.jsonl} (the latest version of each, one JSON object a line, the Avro
 * field names, times as {@code alerts.jsonl} gives them) and the console's first lines.
 */
final class IncidentLines {

    static final String FILE = "incidents.jsonl";

    private IncidentLines() {
    }

    /** The latest version of each incident, most severe first, then the most bytes, then by victim. */
    static List<NtpIncident> latestById(final List<NtpIncident> updates) {
        final Map<String, NtpIncident> latest = new LinkedHashMap<>();
        updates.forEach(incident -> latest.put(incident.getId(), incident));
        final List<NtpIncident> sorted = new ArrayList<>(latest.values());
        sorted.sort(Comparator.comparing((NtpIncident i) -> i.getSeverity().ordinal()).reversed()
                .thenComparing(Comparator.comparingLong(NtpIncident::getBytes).reversed())
                .thenComparing(i -> victim(i)));
        return List.copyOf(sorted);
    }

    static String jsonl(final List<NtpIncident> incidents) {
        final StringBuilder jsonl = new StringBuilder();
        incidents.forEach(incident -> JsonLines.append(jsonl, incident).append('\n'));
        return jsonl.toString();
    }

    /**
     * The count, then the {@code listed} first incidents with their time span and summary; nothing without incidents
     * (the alerts, if any, say the rest).
     */
    static void print(final PrintWriter out, final List<NtpIncident> incidents, final int listed) {
        if (incidents.isEmpty()) {
            return;
        }
        out.println("Incidents (the alerts of one attack grouped): " + incidents.size());
        for (final NtpIncident incident : incidents.subList(0, Math.min(listed, incidents.size()))) {
            out.println(String.format("  %-8s %-39s %-6s %s to %s", incident.getSeverity(), victim(incident),
                    incident.getStatus().name().toLowerCase(Locale.ROOT), TimeText.isoMillis(incident.getStart()),
                    TimeText.isoMillis(incident.getEnd())));
            out.println("           " + incident.getSummary());
        }
        if (incidents.size() > listed && listed > 0) {
            out.println("  ... and " + (incidents.size() - listed) + " more in " + FILE);
        }
        out.println();
    }

    static String victim(final NtpIncident incident) {
        return IpText.append(new StringBuilder(), incident.getVictim()).toString();
    }
}
