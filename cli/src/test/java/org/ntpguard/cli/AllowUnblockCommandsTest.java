package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.capture.flow.Packets;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.cli.serve.TestKeystore;

/**
 * {@code ntpguard allow} and {@code ntpguard unblock} against a running {@code detect} (a child JVM, TLS and a
 * token) on the test broker: what they print, what lands on the allowlist and audit topics, what {@code GET /audit}
 * lists, and what is refused.
 */
class AllowUnblockCommandsTest {

    private static final String TOKEN = "9b2e4d6f8a1c3e5d7f9b2a4c6e8d0f1a";
    private static final String CLIENT = "203.0.113.44";
    private static final String SERVER = "198.51.100.123";

    @TempDir
    Path dir;

    private static Map<String, String> lastPerKey(final String topic) {
        final Map<String, String> table = new LinkedHashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : TestBroker.readAll(topic)) {
            final String key = new String(record.key(), StandardCharsets.UTF_8);
            table.put(key, record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
        }
        return table;
    }

    @Test
    void shouldRecordAllowAndUnblockOnTheTopicsAndListThemInTheAuditForHoldersOfTheToken() throws Exception {
        // given: a detector with TLS and a token, in a namespace of its own
        final TlsDetector server = TlsDetector.start(dir, TOKEN, "allow");
        final ChildCli detect = server.detect();
        final TestKeystore keystore = server.keystore();
        final String namespace = server.namespace();
        try {
            final String base = server.base();
            final List<String> client = List.of("--detector", base, "--http-token-file", server.token().toString(),
                    "--cacert", keystore.certificate().toString());

            // when
            final CommandRun allow = new CommandRun();
            final int allowed = allow.run(with(List.of("allow", "198.51.100.0/24", "--reason",
                    "partner's monitoring", "--by", "alice"), client));
            final CommandRun unblock = new CommandRun();
            final int unblocked = unblock.run(with(List.of("unblock", "203.0.113.200", "--reason",
                    "false positive"), client));
            final CommandRun withdraw = new CommandRun();
            final int withdrawn = withdraw.run(with(List.of("allow", "--remove", "198.51.100.0/24", "--reason",
                    "contract ended", "--by", "carol"), client));
            final CommandRun hostBits = new CommandRun();
            final int refused = hostBits.run(with(List.of("allow", "198.51.100.1/24", "--reason", "typo"), client));
            final CommandRun noToken = new CommandRun();
            final int unauthenticated = noToken.run("unblock", "203.0.113.9", "--reason", "x", "--detector", base,
                    "--cacert", keystore.certificate().toString());
            final String audit = server.curl("-H", "Authorization: Bearer " + TOKEN, base + "/audit");
            final String auditNoToken = server.curl(base + "/audit");
            final String noReason = server.curl("-X", "POST", "-H", "Authorization: Bearer " + TOKEN,
                    base + "/allowlist/192.0.2.0/24");

            // then: each change printed as recorded
            assertThat(allowed).as(allow.err.toString()).isZero();
            final JsonNode allowChange = new ObjectMapper().readTree(allow.out.toString());
            assertThat(allowChange.get("action").asText()).isEqualTo("allow");
            assertThat(allowChange.get("prefix").asText()).isEqualTo("198.51.100.0/24");
            assertThat(allowChange.get("by").asText()).isEqualTo("alice");
            assertThat(allowChange.get("principal").asText()).isEqualTo("bearer");
            assertThat(unblocked).as(unblock.err.toString()).isZero();
            assertThat(new ObjectMapper().readTree(unblock.out.toString()).get("prefix").asText())
                    .isEqualTo("203.0.113.200/32");
            assertThat(withdrawn).as(withdraw.err.toString()).isZero();
            assertThat(refused).isEqualTo(ExitCodes.FAILED);
            assertThat(hostBits.err.toString()).startsWith("ntpguard allow: " + base + " answered 400: host bits set"
                    + " in '198.51.100.1/24'").hasLineCount(1);
            assertThat(unauthenticated).isEqualTo(ExitCodes.FAILED);
            assertThat(noToken.err.toString()).startsWith("ntpguard unblock: " + base + " answered 401");
            assertThat(noReason).startsWith("400 reason: none");

            // the allowlist topic: compacted, the unblock kept, the withdrawn allowlisting a tombstone
            final String allowlistTopic = namespace + ".ntp.allowlist";
            final Map<String, String> allowlist = lastPerKey(allowlistTopic);
            assertThat(allowlist).containsEntry("198.51.100.0/24", null).containsKey("unblock:203.0.113.200/32")
                    .hasSize(2);
            assertThat(allowlist.get("unblock:203.0.113.200/32")).contains("\"reason\":\"false positive\"");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestBroker.bootstrapServers()))) {
                final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, allowlistTopic);
                assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            }
            // the audit: every change, oldest first, with who and why
            assertThat(audit).startsWith("200 ");
            final JsonNode changes = new ObjectMapper().readTree(audit.substring(4));
            assertThat(changes).extracting(change -> change.get("action").asText() + " "
                    + change.get("prefix").asText() + " by " + change.get("by").asText() + ": "
                    + change.get("reason").asText()).containsExactly(
                    "allow 198.51.100.0/24 by alice: partner's monitoring",
                    "unblock 203.0.113.200/32 by bearer: false positive",
                    "disallow 198.51.100.0/24 by carol: contract ended");
            assertThat(TestBroker.readAll(namespace + ".ntp.audit")).hasSize(3);
            assertThat(auditNoToken).startsWith("401 ");
        } finally {
            detect.signal("TERM");
        }
        assertThat(detect.exitStatus()).as(detect.log()).isZero();
    }

    /**
     * A client keeps asking a server after its RATE kiss (KOD_IGNORED, a blocking type), in the window at {@code
     * start}; the heartbeat after it closes that window.
     */
    private static void ignoreKod(final FlowPublisher sensor, final String client, final long start)
            throws IOException {
        final Packets packets = new Packets();
        sensor.accept(packets.request(client, SERVER, start));
        sensor.accept(packets.rateKiss(SERVER, client, start + 10));
        for (int i = 1; i <= 8; i++) {
            sensor.accept(packets.request(client, SERVER, start + 100L * i));
        }
        sensor.heartbeat((start + 60_000) * 1_000_000L);
    }

    private static long alertRecords(final String topic, final String key) {
        return TestBroker.readAll(topic).stream()
                .filter(record -> new String(record.key(), StandardCharsets.UTF_8).equals(key)).count();
    }

    private static String awaitFeed(final TlsDetector server, final java.util.function.Predicate<String> done)
            throws Exception {
        final long deadline = System.nanoTime() + ChildCli.START_LIMIT.toNanos();
        String feed = server.curl("-H", "Authorization: Bearer " + TOKEN, server.base() + "/blocklist.txt");
        while (!done.test(feed) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            feed = server.curl("-H", "Authorization: Bearer " + TOKEN, server.base() + "/blocklist.txt");
        }
        return feed;
    }

    @Test
    void shouldTakeAnUnblockedAddressOffTheFeedsAndKeepItOffWhileItsAlertsGoOn() throws Exception {
        final TlsDetector server = TlsDetector.start(dir, TOKEN, "unblock");
        final String alerts = server.namespace() + ".ntp.alerts";
        final String key = "KOD_IGNORED/" + CLIENT;
        try (FlowPublisher sensor = FlowPublisher.create(FlowPublisher.producerConfig(TestBroker.bootstrapServers(),
                new Properties()), "s1", SensorTopics.defaults().inNamespace(server.namespace()),
                FlowPublisher.DEFAULT_QUEUE_CAPACITY, FlowPublisher.Overflow.WAIT, null, FlowOptions.defaults())) {
            final long start = System.currentTimeMillis();
            ignoreKod(sensor, CLIENT, start);
            assertThat(awaitFeed(server, feed -> feed.contains(CLIENT))).isEqualTo("200 " + CLIENT + "\n");

            // when
            final CommandRun unblock = new CommandRun();
            final int status = unblock.run("unblock", CLIENT, "--reason", "our load test", "--detector",
                    server.base(), "--http-token-file", server.token().toString(), "--cacert",
                    server.keystore().certificate().toString());
            final String afterUnblock = awaitFeed(server, feed -> !feed.contains(CLIENT));
            final long alertsBefore = alertRecords(alerts, key);
            ignoreKod(sensor, CLIENT, start + 120_000); // abuses again, inside the hold
            final long deadline = System.nanoTime() + ChildCli.START_LIMIT.toNanos();
            while (alertRecords(alerts, key) == alertsBefore && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }

            // then: off the feed at once, and still off once the new alert (committed with the blocklist's
            // records of it) is out
            assertThat(status).as(unblock.err.toString()).isZero();
            assertThat(afterUnblock).isEqualTo("200 ");
            assertThat(alertRecords(alerts, key)).isGreaterThan(alertsBefore);
            assertThat(server.curl("-H", "Authorization: Bearer " + TOKEN, server.base() + "/blocklist.txt"))
                    .isEqualTo("200 ");
        } finally {
            server.detect().signal("TERM");
        }
        assertThat(server.detect().exitStatus()).as(server.detect().log()).isZero();
    }

    private static String[] with(final List<String> command, final List<String> client) {
        final List<String> all = new ArrayList<>(command);
        all.addAll(client);
        return all.toArray(String[]::new);
    }
}
