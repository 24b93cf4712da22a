package org.ntpguard.streams.ecs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ntpguard.schema.text.TimeText;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.AlertRole;
import org.ntpguard.streams.detect.AlertType;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PeerEvidence;
import org.ntpguard.streams.detect.Severity;

/**
 * One alert update as a JSON document shaped after the Elastic Common Schema (ECS 8.11): what SIEMs read from
 * {@code ntp.alerts.json} and {@code alerts.ecs.jsonl} as they are.
 *
 * <p>Who is source and who is destination follows the direction of the abusive traffic, by the alert's role:
 * a {@link AlertRole#VICTIM} receives it (destination), every other role sends it (source): a reflector or a server
 * its answers, a scanner, prober or client its requests. {@code client}/{@code server} name the NTP exchange's ends
 * (a victim is the client in whose name requests were sent). The other end is filled in only when the alert has
 * exactly one peer; every peer is in {@code related.ip} and {@code ntpguard.peers}. The server's end is port 123,
 * the NTP port (ntpguard decodes UDP port 123); a client's port is not known.
 *
 * <p>Times are ISO 8601 UTC with milliseconds, the alerts' resolution. {@code @timestamp} is the alert's newest
 * evidence (its last packet), {@code event.start}/{@code event.end} the first and last packet of its evidence.
 */
public final class EcsAlertWriter {

    /** The ECS version the documents follow; every field used exists unchanged in later 8.x releases. */
    public static final String ECS_VERSION = "8.11.0";
    /** The server end of every exchange ntpguard decodes. */
    public static final int NTP_PORT = 123;
    /** A thread-safe factory; generators are made per document. */
    private static final JsonFactory JSON = new JsonFactory();

    private EcsAlertWriter() {
    }

    /** The document of one alert update, one line with no line break. */
    public static String json(final Alert alert) {
        final StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            write(json, alert);
        } catch (final IOException e) {
            throw new UncheckedIOException("writing to a string", e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * ECS {@code event.severity}: a number, higher is more severe (INFO 1, LOW 2, MEDIUM 3, HIGH 4); ECS leaves the
     * scale to the source.
     */
    public static int severity(final Severity severity) {
        return switch (severity) {
            case INFO -> 1;
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
        };
    }

    /** ECS {@code rule.name}: the alert type for a person. */
    public static String ruleName(final AlertType type) {
        return switch (type) {
            case AMPLIFICATION_VICTIM -> "NTP amplification victim";
            case REFLECTOR -> "NTP reflector";
            case MONLIST_ABUSE -> "NTP monlist abuse";
            case SCANNER -> "NTP scanner";
            case KOD_IGNORED -> "NTP Kiss-o'-Death ignored";
            case EXPOSED_CONTROL -> "NTP control queries answered to outsiders";
            case UNSYNCHRONIZED_SERVER -> "Unsynchronized NTP server";
            case FAST_POLL -> "NTP client polling too fast";
            case SPOOFED_SOURCE -> "NTP requests spoofed in an address's name";
        };
    }

    /**
     * The MITRE ATT&CK technique the alert is evidence of, null when none fits: reflection amplification for the
     * victims, reflectors and spoofed requests of an attack; active scanning for scanners, and vulnerability
     * scanning for monlist probes (CVE-2013-5211). Ignored kisses, fast polling, exposed control and unsynchronized
     * servers are misbehaviour or misconfiguration, no technique.
     */
    public static Technique technique(final AlertType type, final AlertRole role) {
        return switch (type) {
            case AMPLIFICATION_VICTIM, REFLECTOR, SPOOFED_SOURCE -> Technique.REFLECTION_AMPLIFICATION;
            case MONLIST_ABUSE -> role == AlertRole.PROBER ? Technique.VULNERABILITY_SCANNING
                    : Technique.REFLECTION_AMPLIFICATION;
            case SCANNER -> Technique.ACTIVE_SCANNING;
            case KOD_IGNORED, EXPOSED_CONTROL, UNSYNCHRONIZED_SERVER, FAST_POLL -> null;
        };
    }

    /** The subject is the source of the abusive traffic (it sends it), not its destination. */
    public static boolean subjectIsSource(final AlertRole role) {
        return switch (role) {
            case VICTIM -> false;
            case REFLECTOR, SCANNER, PROBER, CLIENT, SERVER -> true;
        };
    }

    /**
     * The ATT&CK techniques used, with their tactic; {@code subtechnique} null for a technique without one.
     */
    public enum Technique {
        REFLECTION_AMPLIFICATION("TA0040", "Impact", "T1498", "Network Denial of Service", "T1498.002",
                "Reflection Amplification"),
        ACTIVE_SCANNING("TA0043", "Reconnaissance", "T1595", "Active Scanning", null, null),
        VULNERABILITY_SCANNING("TA0043", "Reconnaissance", "T1595", "Active Scanning", "T1595.002",
                "Vulnerability Scanning");

        private final String tacticId;
        private final String tacticName;
        private final String techniqueId;
        private final String techniqueName;
        private final String subtechniqueId;
        private final String subtechniqueName;

        Technique(final String tacticId, final String tacticName, final String techniqueId,
                  final String techniqueName, final String subtechniqueId, final String subtechniqueName) {
            this.tacticId = tacticId;
            this.tacticName = tacticName;
            this.techniqueId = techniqueId;
            this.techniqueName = techniqueName;
            this.subtechniqueId = subtechniqueId;
            this.subtechniqueName = subtechniqueName;
        }

        public String techniqueId() {
            return techniqueId;
        }

        /** T1498.002 and the like; null for a technique without a subtechnique. */
        public String subtechniqueId() {
            return subtechniqueId;
        }

        private static String reference(final String id) {
            return id.startsWith("TA") ? "https://attack.mitre.org/tactics/" + id + "/"
                    : "https://attack.mitre.org/techniques/" + id.replace('.', '/') + "/";
        }
    }

    private static void write(final JsonGenerator json, final Alert alert) throws IOException {
        final IpAddress subject = alert.subject();
        final List<PeerEvidence> peers = alert.evidence().topPeers();
        // The other end of the traffic is known only when there is one.
        final IpAddress peer = peers.size() == 1 && alert.evidence().distinctPeers() <= 1 ? peers.get(0).peer()
                : null;
        final boolean subjectIsSource = subjectIsSource(alert.role());
        final boolean subjectIsServer = alert.role().answers();

        json.writeStartObject();
        json.writeStringField("@timestamp", TimeText.isoMillis(alert.lastSeen()));
        json.writeObjectFieldStart("ecs");
        json.writeStringField("version", ECS_VERSION);
        json.writeEndObject();
        json.writeStringField("message", alert.summary());

        json.writeObjectFieldStart("event");
        json.writeStringField("kind", "alert");
        stringArray(json, "category", List.of("network", "intrusion_detection"));
        stringArray(json, "type", List.of("info"));
        json.writeNumberField("severity", severity(alert.severity()));
        json.writeStringField("start", TimeText.isoMillis(alert.firstSeen()));
        json.writeStringField("end", TimeText.isoMillis(alert.lastSeen()));
        json.writeNumberField("duration", Math.multiplyExact(alert.lastSeen() - alert.firstSeen(), 1_000_000L));
        // Unique per document: an alert is re-published with the same id while it is updated.
        json.writeStringField("id", alert.id() + "/" + alert.updates());
        json.writeStringField("module", "ntpguard");
        json.writeStringField("dataset", "ntpguard.alert");
        json.writeEndObject();

        json.writeObjectFieldStart("log");
        json.writeStringField("level", alert.severity().name().toLowerCase(java.util.Locale.ROOT));
        json.writeEndObject();

        json.writeObjectFieldStart("rule");
        json.writeStringField("id", alert.type().name());
        json.writeStringField("name", ruleName(alert.type()));
        json.writeStringField("ruleset", "ntpguard");
        json.writeEndObject();

        final IpAddress source = subjectIsSource ? subject : peer;
        final IpAddress destination = subjectIsSource ? peer : subject;
        // The server end sends the answers: it is the source when the subject answers, or when a victim receives.
        final boolean sourceIsServer = subjectIsServer || !subjectIsSource;
        endpoint(json, "source", source, sourceIsServer);
        endpoint(json, "destination", destination, !sourceIsServer);
        endpoint(json, "client", subjectIsServer ? peer : subject, false);
        endpoint(json, "server", subjectIsServer ? subject : peer, true);

        final Set<String> related = new LinkedHashSet<>();
        related.add(subject.toString());
        peers.forEach(p -> related.add(p.peer().toString()));
        json.writeObjectFieldStart("related");
        stringArray(json, "ip", List.copyOf(related));
        json.writeEndObject();

        json.writeObjectFieldStart("network");
        json.writeStringField("transport", "udp");
        json.writeStringField("protocol", "ntp");
        json.writeStringField("type", subject.ipv6() ? "ipv6" : "ipv4");
        json.writeEndObject();

        json.writeObjectFieldStart("observer");
        // ECS has one observer per event: one sensor is a string; several (mirrors of one traffic) an array, which
        // Elasticsearch takes for any keyword; ntpguard.sensors always lists them.
        if (alert.sensors().size() == 1) {
            json.writeStringField("name", alert.sensors().get(0));
        } else if (!alert.sensors().isEmpty()) {
            stringArray(json, "name", alert.sensors());
        }
        json.writeStringField("product", "ntpguard");
        json.writeStringField("type", "ids");
        json.writeEndObject();

        final Technique technique = technique(alert.type(), alert.role());
        if (technique != null) {
            threat(json, technique);
        }
        evidence(json, alert);
        json.writeEndObject();
    }

    /** {@code source}, {@code destination}, {@code client} or {@code server}: its address, port 123 on the server. */
    private static void endpoint(final JsonGenerator json, final String name, final IpAddress address,
                                 final boolean server) throws IOException {
        if (address == null && !server) {
            return;
        }
        json.writeObjectFieldStart(name);
        if (address != null) {
            json.writeStringField("ip", address.toString());
        }
        if (server) {
            json.writeNumberField("port", NTP_PORT);
        }
        json.writeEndObject();
    }

    private static void threat(final JsonGenerator json, final Technique t) throws IOException {
        json.writeObjectFieldStart("threat");
        json.writeStringField("framework", "MITRE ATT&CK");
        json.writeObjectFieldStart("tactic");
        stringArray(json, "id", List.of(t.tacticId));
        stringArray(json, "name", List.of(t.tacticName));
        stringArray(json, "reference", List.of(Technique.reference(t.tacticId)));
        json.writeEndObject();
        json.writeObjectFieldStart("technique");
        stringArray(json, "id", List.of(t.techniqueId));
        stringArray(json, "name", List.of(t.techniqueName));
        stringArray(json, "reference", List.of(Technique.reference(t.techniqueId)));
        if (t.subtechniqueId != null) {
            json.writeObjectFieldStart("subtechnique");
            stringArray(json, "id", List.of(t.subtechniqueId));
            stringArray(json, "name", List.of(t.subtechniqueName));
            stringArray(json, "reference", List.of(Technique.reference(t.subtechniqueId)));
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** What only ntpguard knows, ECS-style names (lower case, underscores): the alert and its evidence. */
    private static void evidence(final JsonGenerator json, final Alert alert) throws IOException {
        json.writeObjectFieldStart("ntpguard");
        json.writeObjectFieldStart("alert");
        json.writeStringField("id", alert.id().toString());
        json.writeNumberField("update", alert.updates());
        json.writeEndObject();
        json.writeStringField("subject", alert.subject().toString());
        stringArray(json, "sensors", alert.sensors());
        json.writeStringField("role", alert.role().name().toLowerCase(java.util.Locale.ROOT));
        json.writeBooleanField("unsolicited", alert.unsolicited());
        json.writeObjectFieldStart("window");
        json.writeStringField("start", TimeText.isoMillis(alert.windowStart()));
        json.writeStringField("end", TimeText.isoMillis(alert.windowEnd()));
        json.writeEndObject();
        final var e = alert.evidence();
        json.writeNumberField("requests", e.requests());
        json.writeNumberField("request_bytes", e.requestBytes());
        json.writeNumberField("responses", e.responses());
        json.writeNumberField("response_bytes", e.responseBytes());
        // Left out when infinite (responses without any request): JSON has no infinity.
        if (Double.isFinite(e.byteRatio())) {
            json.writeNumberField("byte_ratio", e.byteRatio());
        }
        json.writeNumberField("distinct_peers", e.distinctPeers());
        json.writeArrayFieldStart("peers");
        for (final PeerEvidence p : e.topPeers()) {
            json.writeStartObject();
            json.writeStringField("ip", p.peer().toString());
            json.writeNumberField("requests", p.requests());
            json.writeNumberField("request_bytes", p.requestBytes());
            json.writeNumberField("responses", p.responses());
            json.writeNumberField("response_bytes", p.responseBytes());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeObjectFieldStart("kiss_codes");
        for (final Map.Entry<String, Long> code : new TreeMap<>(e.kissCodes()).entrySet()) {
            json.writeNumberField(code.getKey(), code.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void stringArray(final JsonGenerator json, final String name, final List<String> values)
            throws IOException {
        json.writeArrayFieldStart(name);
        for (final String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
