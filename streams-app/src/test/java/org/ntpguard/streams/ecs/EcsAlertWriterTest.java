package org.ntpguard.streams.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.AlertRole;
import org.ntpguard.streams.detect.AlertType;
import org.ntpguard.streams.detect.Evidence;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PeerEvidence;
import org.ntpguard.streams.detect.Severity;

/**
 * The ECS document of every alert type and role the detectors raise, field by field against the ECS 8.11 field
 * definitions ({@code generated/ecs/ecs_flat.yml} of elastic/ecs at v8.11.0): dates parse as ISO 8601 instants, ip
 * fields are IP literals, long fields integers, keyword arrays arrays; every field outside {@code ntpguard.*} is an
 * ECS field.
 */
class EcsAlertWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VICTIM = "192.0.2.66";
    private static final String REFLECTOR = "198.51.100.7";

    /** The ECS fields the writer uses and their ECS type; "keyword[]" where ECS normalizes to an array. */
    private static final Map<String, String> ECS_TYPES = Map.ofEntries(
            Map.entry("@timestamp", "date"),
            Map.entry("ecs.version", "keyword"),
            Map.entry("message", "match_only_text"),
            Map.entry("event.kind", "keyword"),
            Map.entry("event.category", "keyword[]"),
            Map.entry("event.type", "keyword[]"),
            Map.entry("event.severity", "long"),
            Map.entry("event.start", "date"),
            Map.entry("event.end", "date"),
            Map.entry("event.duration", "long"),
            Map.entry("event.id", "keyword"),
            Map.entry("event.module", "keyword"),
            Map.entry("event.dataset", "keyword"),
            Map.entry("log.level", "keyword"),
            Map.entry("rule.id", "keyword"),
            Map.entry("rule.name", "keyword"),
            Map.entry("rule.ruleset", "keyword"),
            Map.entry("source.ip", "ip"),
            Map.entry("source.port", "long"),
            Map.entry("destination.ip", "ip"),
            Map.entry("destination.port", "long"),
            Map.entry("client.ip", "ip"),
            Map.entry("client.port", "long"),
            Map.entry("server.ip", "ip"),
            Map.entry("server.port", "long"),
            Map.entry("related.ip", "ip[]"),
            Map.entry("network.transport", "keyword"),
            Map.entry("network.protocol", "keyword"),
            Map.entry("network.type", "keyword"),
            Map.entry("observer.name", "keyword"),
            Map.entry("observer.product", "keyword"),
            Map.entry("observer.type", "keyword"),
            Map.entry("threat.framework", "keyword"),
            Map.entry("threat.tactic.id", "keyword[]"),
            Map.entry("threat.tactic.name", "keyword[]"),
            Map.entry("threat.tactic.reference", "keyword[]"),
            Map.entry("threat.technique.id", "keyword[]"),
            Map.entry("threat.technique.name", "keyword[]"),
            Map.entry("threat.technique.reference", "keyword[]"),
            Map.entry("threat.technique.subtechnique.id", "keyword[]"),
            Map.entry("threat.technique.subtechnique.name", "keyword[]"),
            Map.entry("threat.technique.subtechnique.reference", "keyword[]"));

    /** Every type and role the detectors raise, with the subject's side and the ATT&CK technique expected. */
    static Stream<Arguments> raised() {
        return Stream.of(
                Arguments.of(AlertType.AMPLIFICATION_VICTIM, AlertRole.VICTIM, "destination", "T1498.002"),
                Arguments.of(AlertType.MONLIST_ABUSE, AlertRole.VICTIM, "destination", "T1498.002"),
                Arguments.of(AlertType.SPOOFED_SOURCE, AlertRole.VICTIM, "destination", "T1498.002"),
                Arguments.of(AlertType.REFLECTOR, AlertRole.REFLECTOR, "source", "T1498.002"),
                Arguments.of(AlertType.MONLIST_ABUSE, AlertRole.REFLECTOR, "source", "T1498.002"),
                Arguments.of(AlertType.MONLIST_ABUSE, AlertRole.PROBER, "source", "T1595.002"),
                Arguments.of(AlertType.SCANNER, AlertRole.SCANNER, "source", "T1595"),
                Arguments.of(AlertType.KOD_IGNORED, AlertRole.CLIENT, "source", null),
                Arguments.of(AlertType.FAST_POLL, AlertRole.CLIENT, "source", null),
                Arguments.of(AlertType.KOD_IGNORED, AlertRole.SERVER, "source", null),
                Arguments.of(AlertType.EXPOSED_CONTROL, AlertRole.SERVER, "source", null),
                Arguments.of(AlertType.UNSYNCHRONIZED_SERVER, AlertRole.SERVER, "source", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("raised")
    void shouldWriteOnlyEcsFieldsEachOfItsEcsTypeOutsideNtpguard(final AlertType type, final AlertRole role,
                                                                 final String side, final String technique)
            throws Exception {
        for (final Alert alert : List.of(alert(type, role, 1), alert(type, role, 3))) {
            final Map<String, JsonNode> fields = flatten(JSON.readTree(EcsAlertWriter.json(alert)));

            assertThat(fields).containsKeys("@timestamp", "event.kind", "event.category", "event.type",
                    "event.severity", "event.start", "event.end", "rule.id", "rule.name", "network.transport",
                    "observer.name", "message", "related.ip", "ntpguard.alert.id");
            fields.forEach((name, value) -> {
                if (!name.startsWith("ntpguard.")) {
                    assertThat(ECS_TYPES).as("ECS field").containsKey(name);
                    assertEcsType(name, ECS_TYPES.get(name), value);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("raised")
    void shouldPutTheSubjectOnItsSideOfTheAbusiveTrafficAndPort123OnTheServers(final AlertType type,
                                                                               final AlertRole role,
                                                                               final String side,
                                                                               final String technique)
            throws Exception {
        final String other = side.equals("source") ? "destination" : "source";
        final boolean subjectServes = role == AlertRole.REFLECTOR || role == AlertRole.SERVER;
        final String subject = role == AlertRole.VICTIM ? VICTIM : REFLECTOR;

        final JsonNode onePeer = JSON.readTree(EcsAlertWriter.json(alert(type, role, 1)));
        final JsonNode manyPeers = JSON.readTree(EcsAlertWriter.json(alert(type, role, 3)));

        assertThat(onePeer.at("/" + side + "/ip").asText()).isEqualTo(subject);
        assertThat(onePeer.at("/" + other + "/ip").asText()).isEqualTo(peer(0));
        assertThat(onePeer.at("/" + (subjectServes ? "server" : "client") + "/ip").asText()).isEqualTo(subject);
        assertThat(onePeer.at("/" + (subjectServes ? "client" : "server") + "/ip").asText()).isEqualTo(peer(0));
        assertThat(onePeer.at("/server/port").asInt()).isEqualTo(123);
        assertThat(onePeer.at("/client/port").isMissingNode()).isTrue();
        // Answers come from port 123: the victim receives them, a reflector or server sends them.
        final String serverSide = role == AlertRole.VICTIM || subjectServes ? "source" : "destination";
        assertThat(onePeer.at("/" + serverSide + "/port").asInt()).isEqualTo(123);
        assertThat(onePeer.at("/" + (serverSide.equals("source") ? "destination" : "source") + "/port")
                .isMissingNode()).isTrue();

        assertThat(manyPeers.at("/" + side + "/ip").asText()).isEqualTo(subject);
        assertThat(manyPeers.at("/" + other + "/ip").isMissingNode()).as("one of several peers is not the other end")
                .isTrue();
        assertThat(manyPeers.at("/related/ip")).extracting(JsonNode::asText)
                .containsExactly(subject, peer(0), peer(1), peer(2));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("raised")
    void shouldNameTheAttackTechniqueOnlyWhereOneFits(final AlertType type, final AlertRole role, final String side,
                                                      final String technique) throws Exception {
        final JsonNode doc = JSON.readTree(EcsAlertWriter.json(alert(type, role, 1)));

        if (technique == null) {
            assertThat(doc.has("threat")).isFalse();
            return;
        }
        assertThat(doc.at("/threat/framework").asText()).isEqualTo("MITRE ATT&CK");
        final String techniqueId = technique.contains(".") ? technique.substring(0, technique.indexOf('.'))
                : technique;
        assertThat(doc.at("/threat/technique/id")).extracting(JsonNode::asText).containsExactly(techniqueId);
        if (technique.contains(".")) {
            assertThat(doc.at("/threat/technique/subtechnique/id")).extracting(JsonNode::asText)
                    .containsExactly(technique);
            assertThat(doc.at("/threat/technique/subtechnique/reference/0").asText())
                    .isEqualTo("https://attack.mitre.org/techniques/" + technique.replace('.', '/') + "/");
        } else {
            assertThat(doc.at("/threat/technique/subtechnique").isMissingNode()).isTrue();
        }
        assertThat(doc.at("/threat/tactic/id/0").asText()).isEqualTo(techniqueId.equals("T1498") ? "TA0040"
                : "TA0043");
    }

    @Test
    void shouldTimeTheAlertByItsEvidenceAndCarryItsSeverityAsANumberAndAsText() throws Exception {
        final Alert alert = alert(AlertType.AMPLIFICATION_VICTIM, AlertRole.VICTIM, 3);

        final JsonNode doc = JSON.readTree(EcsAlertWriter.json(alert));

        assertThat(Instant.parse(doc.get("@timestamp").asText())).isEqualTo(Instant.ofEpochMilli(alert.lastSeen()));
        assertThat(Instant.parse(doc.at("/event/start").asText())).isEqualTo(Instant.ofEpochMilli(alert.firstSeen()));
        assertThat(Instant.parse(doc.at("/event/end").asText())).isEqualTo(Instant.ofEpochMilli(alert.lastSeen()));
        assertThat(doc.at("/event/duration").asLong()).isEqualTo((alert.lastSeen() - alert.firstSeen()) * 1_000_000L);
        assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(doc.at("/event/category")).extracting(JsonNode::asText).contains("network");
        assertThat(doc.at("/event/severity").isIntegralNumber()).isTrue();
        assertThat(doc.at("/log/level").asText()).isEqualTo("high");
        assertThat(doc.at("/network/transport").asText()).isEqualTo("udp");
        assertThat(doc.at("/rule/id").asText()).isEqualTo("AMPLIFICATION_VICTIM");
        assertThat(doc.at("/observer/name").asText()).isEqualTo("mirror-1");
        assertThat(doc.at("/event/id").asText()).isEqualTo(alert.id() + "/" + alert.updates());
        assertThat(doc.get("message").asText()).isEqualTo(alert.summary());
        final List<Integer> bySeverity = new ArrayList<>();
        for (final Severity severity : Severity.values()) {
            bySeverity.add(EcsAlertWriter.severity(severity));
        }
        assertThat(bySeverity).as("more severe, higher").isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldCarryTheEvidenceUnderNtpguardAndLeaveOutAnInfiniteRatio() throws Exception {
        final Alert alert = alert(AlertType.REFLECTOR, AlertRole.REFLECTOR, 1);
        final Alert unsolicited = withEvidence(alert, new Evidence(0, 0, 50, 24_000, Double.POSITIVE_INFINITY, 1,
                alert.evidence().topPeers(), Map.of()));

        final JsonNode doc = JSON.readTree(EcsAlertWriter.json(alert)).get("ntpguard");
        final JsonNode none = JSON.readTree(EcsAlertWriter.json(unsolicited)).get("ntpguard");

        assertThat(doc.at("/alert/id").asText()).isEqualTo(alert.id().toString());
        assertThat(doc.at("/alert/update").asInt()).isEqualTo(alert.updates());
        assertThat(doc.get("role").asText()).isEqualTo("reflector");
        assertThat(doc.get("requests").asLong()).isEqualTo(alert.evidence().requests());
        assertThat(doc.get("request_bytes").asLong()).isEqualTo(alert.evidence().requestBytes());
        assertThat(doc.get("responses").asLong()).isEqualTo(alert.evidence().responses());
        assertThat(doc.get("response_bytes").asLong()).isEqualTo(alert.evidence().responseBytes());
        assertThat(doc.get("byte_ratio").asDouble()).isEqualTo(alert.evidence().byteRatio());
        assertThat(doc.get("distinct_peers").asLong()).isEqualTo(1);
        assertThat(doc.at("/peers/0/ip").asText()).isEqualTo(peer(0));
        assertThat(doc.at("/peers/0/response_bytes").asLong())
                .isEqualTo(alert.evidence().topPeers().get(0).responseBytes());
        assertThat(doc.at("/kiss_codes/RATE").asLong()).isEqualTo(2);
        assertThat(Instant.parse(doc.at("/window/start").asText())).isEqualTo(Instant.ofEpochMilli(
                alert.windowStart()));
        assertThat(none.has("byte_ratio")).isFalse();
    }

    @Test
    void shouldWriteOneLineThatReadsBackToTheSummaryWhateverItHolds() throws Exception {
        final Alert alert = alert(AlertType.SCANNER, AlertRole.SCANNER, 3);
        final String summary = "a \"quoted\"\nsecond line\tand a tab, \\ and \u2028";
        final Alert odd = new Alert(alert.id(), alert.type(), alert.severity(), IpAddress.parse("2001:db8::1"),
                alert.role(), false, alert.windowStart(), alert.windowEnd(), alert.firstSeen(), alert.lastSeen(),
                alert.evidence(), List.of("a", "b"), summary, 0);

        final String json = EcsAlertWriter.json(odd);

        assertThat(json).doesNotContain("\n", "\r");
        final JsonNode doc = JSON.readTree(json);
        assertThat(doc.get("message").asText()).isEqualTo(summary);
        assertThat(doc.at("/source/ip").asText()).isEqualTo("2001:db8::1");
        assertThat(doc.at("/network/type").asText()).isEqualTo("ipv6");
        assertThat(doc.at("/observer/name")).extracting(JsonNode::asText).containsExactly("a", "b");
    }

    private static void assertEcsType(final String name, final String type, final JsonNode value) {
        switch (type) {
            case "date" -> {
                assertThat(value.isTextual()).as(name).isTrue();
                assertThat(value.asText()).as(name).endsWith("Z");
                assertThat(Instant.parse(value.asText())).as(name).isNotNull();
            }
            case "ip" -> assertIp(name, value);
            case "ip[]" -> {
                assertThat(value.isArray()).as(name).isTrue();
                value.forEach(ip -> assertIp(name, ip));
            }
            case "long" -> assertThat(value.isIntegralNumber()).as(name + " integral").isTrue();
            case "keyword", "match_only_text" -> {
                // observer.name: several sensors are an array of keywords, which a keyword field takes
                if (value.isArray()) {
                    value.forEach(item -> assertThat(item.isTextual()).as(name).isTrue());
                } else {
                    assertThat(value.isTextual()).as(name).isTrue();
                }
            }
            case "keyword[]" -> {
                assertThat(value.isArray()).as(name + " array").isTrue();
                value.forEach(item -> assertThat(item.isTextual()).as(name).isTrue());
            }
            default -> throw new AssertionError("no check for ECS type " + type);
        }
    }

    private static void assertIp(final String name, final JsonNode value) {
        assertThat(value.isTextual()).as(name).isTrue();
        final String text = value.asText();
        if (text.contains(":")) {
            try {
                // A literal with ':' is never looked up in the DNS.
                assertThat(InetAddress.getByName(text)).as(name).isInstanceOf(Inet6Address.class);
            } catch (final java.net.UnknownHostException e) {
                throw new AssertionError(name + ": not an IPv6 address: " + text, e);
            }
        } else {
            assertThat(text).as(name).matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
        }
    }

    /** The document's leaves by dotted name; an array of scalars is one leaf, an array of objects is skipped. */
    private static Map<String, JsonNode> flatten(final JsonNode doc) {
        final Map<String, JsonNode> fields = new LinkedHashMap<>();
        flatten("", doc, fields);
        return fields;
    }

    private static void flatten(final String prefix, final JsonNode node, final Map<String, JsonNode> fields) {
        for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = it.next();
            final String name = prefix + field.getKey();
            if (field.getValue().isObject()) {
                flatten(name + ".", field.getValue(), fields);
            } else {
                fields.put(name, field.getValue());
            }
        }
    }

    private static String peer(final int i) {
        return "203.0.113." + (10 + i);
    }

    /** An alert of {@code type} and {@code role} with {@code peers} peers. */
    private static Alert alert(final AlertType type, final AlertRole role, final int peers) {
        final List<PeerEvidence> top = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            top.add(new PeerEvidence(IpAddress.parse(peer(i)), 2 + i, 16L * (2 + i), 40 + i, 468L * (40 + i)));
        }
        final long requestBytes = top.stream().mapToLong(PeerEvidence::requestBytes).sum();
        final long responseBytes = top.stream().mapToLong(PeerEvidence::responseBytes).sum();
        final Evidence evidence = new Evidence(top.stream().mapToLong(PeerEvidence::requests).sum(), requestBytes,
                top.stream().mapToLong(PeerEvidence::responses).sum(), responseBytes,
                Evidence.ratio(responseBytes, requestBytes), peers, List.copyOf(top), Map.of("RATE", 2L));
        final long windowStart = 1_740_837_600_000L;
        return new Alert(UUID.nameUUIDFromBytes((type + "/" + role).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                type, Severity.HIGH, IpAddress.parse(role == AlertRole.VICTIM ? VICTIM : REFLECTOR), role, false,
                windowStart, windowStart + 60_000, windowStart + 29, windowStart + 59_010, evidence,
                List.of("mirror-1"), "summary of " + type, 2);
    }

    private static Alert withEvidence(final Alert a, final Evidence evidence) {
        return new Alert(a.id(), a.type(), a.severity(), a.subject(), a.role(), true, a.windowStart(), a.windowEnd(),
                a.firstSeen(), a.lastSeen(), evidence, a.sensors(), a.summary(), a.updates());
    }
}
