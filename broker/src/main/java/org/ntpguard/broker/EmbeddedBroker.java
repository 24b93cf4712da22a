package org.ntpguard.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (combined broker and controller) inside the process, listening on 127.0.0.1 only, with
 * its data in a temporary folder deleted on {@link #close()}.
 *
 * <p>Built on the production classes of {@code kafka_2.13}, as {@code kafka-storage format} followed by
 * {@code kafka-server-start} would run them: {@link Formatter} writes {@code meta.properties} and the bootstrap
 * metadata, then {@link KafkaRaftServer} starts. Settings are for one process on a small machine: replication
 * factor 1 everywhere, two network and I/O threads, a 2 MiB cleaner dedupe buffer (the default is 128 MiB),
 * no initial rebalance delay, no automatic topic creation (the detector creates its topics with the settings it
 * needs).
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The listener clients use. */
    public static final String CLIENT_LISTENER = "PLAINTEXT";
    /** The KRaft controller listener, on its own port. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    /** Binding an ephemeral port, releasing it and handing it to the broker can race another process. */
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedBroker(final Path dataDir, final KafkaRaftServer server, final String bootstrapServers) {
        this.dataDir = dataDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a fresh log directory in a new temporary folder under {@code parent} and starts the broker.
     *
     * @param parent where the temporary folder goes ({@code null}: the system's temporary directory)
     * @param extra  broker settings over the defaults (may be empty)
     */
    public static EmbeddedBroker start(final Path parent, final Properties extra) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            final Path dir = createDataDir(parent);
            try {
                return startIn(dir, extra);
            } catch (final RuntimeException e) {
                deleteQuietly(dir);
                last = e;
            }
        }
        throw new IllegalStateException("the embedded Kafka broker did not start: " + last.getMessage(), last);
    }

    /** {@link #start(Path, Properties)} in the system's temporary directory with the default settings. */
    public static EmbeddedBroker start() {
        return start(null, new Properties());
    }

    /** The broker settings for the given ports and log directory, before {@code extra}. */
    static Properties defaults(final int clientPort, final int controllerPort, final Path logDir) {
        final Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", CLIENT_LISTENER + "://127.0.0.1:" + clientPort + ","
                + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "3");
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.io.buffer.size", String.valueOf(256 * 1024));
        // Replayed captures are years old: no broker-wide limit on how old a record timestamp may be.
        p.put("log.message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
        // Nor how far ahead: a capture from a sensor whose clock runs ahead (or a simulated one) keeps its time,
        // and so do the records Kafka Streams writes to its internal topics with the same timestamps.
        p.put("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
        return p;
    }

    private static EmbeddedBroker startIn(final Path dir, final Properties extra) {
        final Path logDir = dir.resolve("kraft");
        final int clientPort = freePort();
        final int controllerPort = freePort();
        final Properties props = defaults(clientPort, controllerPort, logDir);
        props.putAll(extra);
        final KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(logDir);
        final KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (final RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        return new EmbeddedBroker(dir, server, "127.0.0.1:" + clientPort);
    }

    /** What {@code kafka-storage format --standalone=false -t <random> -c server.properties} does. */
    private static void format(final Path logDir) {
        final Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName(CONTROLLER_LISTENER);
        try {
            formatter.run();
        } catch (final Exception e) {
            throw new IllegalStateException("formatting the embedded broker's log directory " + logDir + ": "
                    + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static Path createDataDir(final Path parent) {
        try {
            return parent == null ? Files.createTempDirectory("ntpguard-kafka-")
                    : Files.createTempDirectory(Files.createDirectories(parent), "ntpguard-kafka-");
        } catch (final IOException e) {
            throw new UncheckedIOException("creating the embedded broker's data folder: " + e.getMessage(), e);
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The temporary folder holding the broker's data (deleted on close). */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker and deletes its data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteQuietly(dataDir);
        }
    }

    private static void deleteQuietly(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (final IOException e) {
            // A leftover temporary folder is not worth failing a shutdown for.
        }
    }
}
