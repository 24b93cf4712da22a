package org.ntpguard.capture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/**
 * One real single-node KRaft broker (combined broker and controller) per test JVM, started on first use and shut
 * down when the JVM exits; every integration test of a module shares it and makes its own topics.
 */
public final class TestBroker {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static KafkaClusterTestKit cluster;

    private TestBroker() {
    }

    /** The broker's bootstrap address (a localhost port), starting it on first call. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                // The test kit deletes its folders in a shutdown hook of its own, which can run while the broker is
                // still stopping in ours: the broker then finds its log directory gone and halts the JVM with
                // status 1, and surefire fails the module although every test passed. A broker's fatal error is
                // reported here instead; the tests that need the broker fail on their own.
                Exit.setHaltProcedure((status, message) -> System.err.println(
                        "test broker: halt(" + status + ") not carried out: " + message));
                Exit.setExitProcedure((status, message) -> System.err.println(
                        "test broker: exit(" + status + ") not carried out: " + message));
                final KafkaClusterTestKit started = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                        // A test's topics, with one replica; the offsets topic too.
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024))
                        // Tests replay captures from years ago: as on the topics ntpguard creates, no time-based
                        // retention, or the broker deletes them (and the producers' state) while they are written.
                        .setConfigProp("log.retention.ms", "-1")
                        .build();
                started.format();
                started.startup();
                started.waitForReadyBrokers();
                warmUp(started.bootstrapServers());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    // Bounded: a broker that takes long to stop must not hold the test JVM past the build's
                    // patience (surefire then reports a failed fork although every test passed).
                    final Thread stop = new Thread(() -> {
                        try {
                            started.close();
                        } catch (Exception e) {
                            // The JVM is exiting; its temporary folders go with it.
                        }
                    }, "test-broker-close");
                    stop.setDaemon(true);
                    stop.start();
                    try {
                        stop.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "test-broker-stop"));
                cluster = started;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test broker: " + e, e);
            }
        }
        return cluster.bootstrapServers();
    }

    /**
     * One idempotent producer's first records on the new cluster, before any test's. The very first producer ids of
     * a freshly formatted cluster were seen to come back with out-of-order sequence errors in the first seconds
     * (FlowPublisherTest, now and then, only as the first test of a JVM); a test must not depend on being second.
     */
    private static void warmUp(final String bootstrap) {
        final Map<String, Object> config = new HashMap<>();
        config.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        config.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        config.put(org.apache.kafka.clients.producer.ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(config,
                             new org.apache.kafka.common.serialization.ByteArraySerializer(),
                             new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("test-broker-warm-up",
                        new byte[] {(byte) i})).get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (final Exception e) {
            // Only a warm-up: whatever failed here, the tests' own producers come after it.
        }
    }

    /** A fresh topic name with {@code prefix}, unique in this JVM. */
    public static String uniqueTopic(final String prefix) {
        return prefix + "." + TOPICS.incrementAndGet() + "." + System.nanoTime();
    }

    /** Creates topics with the given partition counts (name, partitions, name, partitions...). */
    public static void createTopics(final Object... namesAndPartitions) {
        final List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i < namesAndPartitions.length; i += 2) {
            topics.add(new NewTopic((String) namesAndPartitions[i], (Integer) namesAndPartitions[i + 1], (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(topics).all().get();
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create " + topics + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Created is not yet writable: wait until every partition has a leader, so that first sends do not stall. */
    private static void awaitLeaders(final Admin admin, final List<String> names)
            throws ExecutionException, InterruptedException {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                        .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null
                                && !p.leader().isEmpty()));
            } catch (ExecutionException e) {
                // Just created: the broker may not know the topic yet.
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no leader for every partition of " + names + " after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Every record of {@code topic} from the beginning up to its end offsets now (all partitions). */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(final String topic) {
        final Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            final long deadline = System.currentTimeMillis() + 30_000;
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic + " up to " + end);
                }
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
