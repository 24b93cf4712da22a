package org.ntpguard.streams.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.SingleObjectSerde;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.topology.AlertRecords;
import org.ntpguard.streams.topology.SharedBroker;

/** The view on the test JVM's broker: the whole list from every partition, committed records only, tombstones. */
class BlocklistViewTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static String newTopic(final int partitions) throws Exception {
        final String topic = "ntp.blocklist-view-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        return topic;
    }

    private static KafkaProducer<String, byte[]> producer(final String transactionalId) {
        final Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedBroker.bootstrapServers()));
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> put(final String topic, final BlockEntry entry) {
        return new ProducerRecord<>(topic, FeedEntries.cidr(entry), SingleObjectSerde.blocklistEntry().serializer()
                .serialize(topic, AlertRecords.blocklistEntry(entry)));
    }

    private static ProducerRecord<String, byte[]> tombstone(final String topic, final BlockEntry entry) {
        return new ProducerRecord<>(topic, FeedEntries.cidr(entry), null);
    }

    private static Set<BlockEntry> entries(final BlocklistSnapshot snapshot) {
        return Set.copyOf(snapshot.entries());
    }

    /** Waits until the view's snapshot satisfies the condition; the last snapshot either way. */
    private static BlocklistSnapshot await(final BlocklistView view, final Predicate<BlocklistSnapshot> condition)
            throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.test(view.snapshot()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return view.snapshot();
    }

    @Test
    void shouldHoldTheWholeCommittedListWithoutTombstonedOrAbortedEntriesWhenLoaded() throws Exception {
        final String topic = newTopic(3);
        try (KafkaProducer<String, byte[]> producer = producer(null)) {
            producer.send(put(topic, Entries.HOST_V4));
            producer.send(put(topic, Entries.HOST_V6));
            producer.send(put(topic, Entries.INSIDE_PREFIX_V4));
            producer.send(tombstone(topic, Entries.INSIDE_PREFIX_V4));
            producer.send(new ProducerRecord<>(topic, "garbage/32", new byte[] {1, 2, 3}));
        }
        try (KafkaProducer<String, byte[]> aborted = producer("view-test-" + UUID.randomUUID())) {
            aborted.initTransactions();
            aborted.beginTransaction();
            aborted.send(put(topic, Entries.PREFIX_V6));
            aborted.flush();
            aborted.abortTransaction();
        }
        final List<BlocklistSnapshot> notified = new CopyOnWriteArrayList<>();

        try (BlocklistView view = BlocklistView.start(SharedBroker.bootstrapServers(), new Properties(), topic,
                notified::add)) {
            assertThat(view.awaitLoaded(WAIT)).isTrue();

            assertThat(view.snapshot().loaded()).isTrue();
            assertThat(entries(view.snapshot())).containsExactlyInAnyOrder(Entries.HOST_V4, Entries.HOST_V6);
            assertThat(view.undecodable()).isEqualTo(1);
            assertThat(notified).isNotEmpty().allMatch(BlocklistSnapshot::loaded);
            assertThat(notified.get(notified.size() - 1)).isEqualTo(view.snapshot());
        }
    }

    @Test
    void shouldFollowNewEntriesAndTombstonesWithANewVersionEachTime() throws Exception {
        final String topic = newTopic(2);
        try (KafkaProducer<String, byte[]> producer = producer(null);
             BlocklistView view = BlocklistView.start(SharedBroker.bootstrapServers(), new Properties(), topic,
                     snapshot -> { })) {
            assertThat(view.awaitLoaded(WAIT)).isTrue();
            final BlocklistSnapshot empty = view.snapshot();

            producer.send(put(topic, Entries.PREFIX_V4));
            producer.send(put(topic, Entries.PREFIX_V6));
            producer.flush();
            final BlocklistSnapshot two = await(view, snapshot -> snapshot.entries().size() == 2);
            producer.send(tombstone(topic, Entries.PREFIX_V4));
            producer.flush();
            final BlocklistSnapshot one = await(view, snapshot -> snapshot.entries().size() == 1);

            assertThat(empty.entries()).isEmpty();
            assertThat(entries(two)).containsExactlyInAnyOrder(Entries.PREFIX_V4, Entries.PREFIX_V6);
            assertThat(entries(one)).containsExactly(Entries.PREFIX_V6);
            assertThat(List.of(empty.version(), two.version(), one.version())).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldKeepTheVersionWhenAnEntryIsPublishedAgainUnchanged() throws Exception {
        final String topic = newTopic(1);
        try (KafkaProducer<String, byte[]> producer = producer(null);
             BlocklistView view = BlocklistView.start(SharedBroker.bootstrapServers(), new Properties(), topic,
                     snapshot -> { })) {
            assertThat(view.awaitLoaded(WAIT)).isTrue();
            producer.send(put(topic, Entries.HOST_V4));
            producer.flush();
            final BlocklistSnapshot first = await(view, snapshot -> snapshot.entries().size() == 1);

            producer.send(put(topic, Entries.HOST_V4));
            producer.send(put(topic, Entries.HOST_V6));
            producer.flush();
            final BlocklistSnapshot second = await(view, snapshot -> snapshot.entries().size() == 2);

            // One change only (HOST_V6 added): the repeated HOST_V4 changed nothing.
            assertThat(second.version()).isEqualTo(first.version() + 1);
            assertThat(second.entries().stream().map(FeedEntries::cidr).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("192.0.2.1/32", "2001:db8::66/128");
        }
    }
}
