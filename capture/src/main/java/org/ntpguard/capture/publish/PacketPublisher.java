package org.ntpguard.capture.publish;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * Publishes the decoded packets of one capture thread to Kafka without ever making that thread wait for Kafka.
 *
 * <p>The capture thread maps each packet to its {@link NtpPacket} event and offers it to a bounded queue; a
 * publisher thread takes from the queue and calls {@code producer.send}. Everything that can block on the broker
 * (metadata fetches while it is unreachable, a full producer buffer, {@code partitionsFor}) happens on the publisher
 * thread. When the queue is full the capture thread either drops and counts ({@link Overflow#DROP}, live capture:
 * libpcap would drop anyway, and its own counters say so) or waits ({@link Overflow#WAIT}, file replay: a file is
 * not lost by reading it more slowly, and a replay that drops would give other alerts than the traffic did).
 *
 * <p>While the broker is unreachable the publisher thread keeps retrying the record in hand: the producer's
 * metadata wait ({@code max.block.ms}) times out and the same record is sent again, so nothing queued is lost once
 * the broker answers. Records are keyed by the client address (4 or 16 bytes), stamped with the capture time in
 * milliseconds and encoded as single-object Avro.
 *
 * <p>Heartbeats ({@link SensorHeartbeat}) go to every partition of the heartbeats topic, so that event-time windows
 * close on partitions no packet reaches: every {@code heartbeatInterval} of wall-clock time when live, once after a
 * replay through {@link #heartbeatAfterReplay()}. A heartbeat is sent once every packet before it is acknowledged,
 * and names the offset of the last one on each packets partition, so that a detector never takes it before them.
 */
public final class PacketPublisher implements PacketSink, AutoCloseable {

    /** Queue capacity: about 6 s of a busy mirror port at 10 kpps, some 30 MB of events. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    /**
     * How far past the last packet of a replay its final heartbeat claims the capture clock is. A replay has no
     * "later": without a heartbeat beyond the last window's end plus its grace, the last windows never close and
     * their alerts never come out. One hour is far beyond any window and grace the detector uses.
     */
    public static final Duration END_OF_REPLAY_MARGIN = Duration.ofHours(1);
    /** How long {@link #close()} waits for the queue and the producer to drain. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What the capture thread does when the queue is full. */
    public enum Overflow {
        /** Drop the packet and count it: live capture, where waiting would only move the loss into libpcap. */
        DROP,
        /** Wait for room: file replay, where the input does not run away. */
        WAIT
    }

    private static final int TRACKED_PARTITIONS = 4_096;

    private final Producer<byte[], byte[]> producer;
    private final NtpPacketMapper mapper;
    private final SensorTopics topics;
    private final Overflow overflow;
    private final long heartbeatIntervalNanos;
    private final byte[] sensorKey;
    private final String sensor;
    private final ArrayBlockingQueue<SpecificRecordBase> queue;
    private final int capacity;
    private final Serializer<NtpPacket> packets = SingleObjectSerde.ntpPacket().serializer();
    private final Serializer<SensorHeartbeat> heartbeats = SingleObjectSerde.sensorHeartbeat().serializer();
    private final Thread thread;

    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder heartbeatsAcked = new LongAdder();
    private final Map<String, LongAdder> sendErrors = new ConcurrentHashMap<>();
    /**
     * By packets partition, the offset of the last packet the broker acknowledged: heartbeats carry them, and a
     * detector holds a heartbeat back until it has read that far. Partitions beyond the array are left out (the
     * detector then takes the heartbeat as it comes).
     */
    private final AtomicLongArray lastPacketOffsets = new AtomicLongArray(TRACKED_PARTITIONS);
    private final Callback packetSent = (metadata, error) -> {
        if (error instanceof TimeoutException) {
            packetsMetadataKnown = false;
        }
        if (error == null && metadata != null && metadata.hasOffset() && metadata.partition() < TRACKED_PARTITIONS) {
            lastPacketOffsets.accumulateAndGet(metadata.partition(), metadata.offset(), Math::max);
        }
        count(error, published);
    };
    /** Whether the producer holds the packets topic's metadata; only the publisher thread sets it. */
    private volatile boolean packetsMetadataKnown;
    private final LongAdder heartbeatErrors = new LongAdder();
    private final Callback heartbeatSent = (metadata, error) -> {
        if (error == null) {
            heartbeatsAcked.increment();
        } else {
            heartbeatErrors.increment();
        }
    };

    private volatile boolean closing;
    private volatile boolean abandoned;
    private boolean closed;
    private volatile long unsent;
    /** The packet the publisher thread took from the queue and the producer has not accepted yet. */
    private volatile NtpPacket inHand;
    private long lastPacketNanos = Long.MIN_VALUE;

    /**
     * @param producer          the producer, owned (closed) by this publisher from now on
     * @param sensor            the sensor name carried in every record
     * @param capacity          queue capacity in packets
     * @param heartbeatInterval wall-clock heartbeat period (live), or {@code null} for none (replay)
     */
    public PacketPublisher(final Producer<byte[], byte[]> producer, final String sensor, final SensorTopics topics,
                           final int capacity, final Overflow overflow, final Duration heartbeatInterval) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity: " + capacity + " (expected: 1 or more)");
        }
        this.producer = Objects.requireNonNull(producer, "producer");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.mapper = new NtpPacketMapper(sensor);
        this.topics = Objects.requireNonNull(topics, "topics");
        this.overflow = Objects.requireNonNull(overflow, "overflow");
        this.heartbeatIntervalNanos = heartbeatInterval == null ? 0 : heartbeatInterval.toNanos();
        this.sensorKey = sensor.getBytes(StandardCharsets.UTF_8);
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int partition = 0; partition < TRACKED_PARTITIONS; partition++) {
            lastPacketOffsets.set(partition, -1);
        }
        this.thread = new Thread(this::publish, "ntpguard-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A publisher with its own {@link KafkaProducer} built from {@code config} (see {@link #producerConfig}). */
    public static PacketPublisher create(final Properties config, final String sensor, final SensorTopics topics,
                                         final int capacity, final Overflow overflow,
                                         final Duration heartbeatInterval) {
        return new PacketPublisher(new KafkaProducer<>(config), sensor, topics, capacity, overflow,
                heartbeatInterval);
    }

    /**
     * The producer settings: ours for small records at high rate, then the user's (SASL, TLS, or any tuning of
     * ours), then the bootstrap servers. The serializers are ours: the values are single-object Avro.
     */
    public static Properties producerConfig(final String bootstrapServers, final Properties user) {
        final Properties config = new Properties();
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Records are ~150 bytes and very alike (same addresses, same fields): lz4 packs them cheaply.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        // One produce request in flight per broker: seen on a just-started cluster, a request answered only after the
        // 30 s timeout, and the overlapping batches retried behind it refused as out of sequence (lost records).
        // Big lingering batches keep the throughput.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ntpguard-sensor");
        config.putAll(user);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /** Capture thread: maps the packet and queues it; never waits for Kafka (see {@link Overflow}). */
    @Override
    public void accept(final DecodedPacket packet) throws IOException {
        if (packet.timestampNanos() > lastPacketNanos) {
            lastPacketNanos = packet.timestampNanos();
        }
        offer(mapper.map(packet));
    }

    /**
     * Capture thread: queues one event.
     *
     * @return false when it was dropped because the queue was full
     */
    public boolean offer(final NtpPacket event) throws IOException {
        if (closing) {
            throw new IllegalStateException("publisher is closed");
        }
        if (overflow == Overflow.DROP) {
            if (!queue.offer(event)) {
                dropped.increment();
                return false;
            }
            return true;
        }
        try {
            queue.put(event);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the publish queue");
        }
    }

    /**
     * Queues a heartbeat behind the packets already queued: "no packet older than {@code captureNanos} will
     * follow". When the queue is full and packets are dropped, the heartbeat is dropped too, uncounted: the next
     * one says more.
     */
    public void heartbeat(final long captureNanos) throws IOException {
        final SensorHeartbeat beat = SensorHeartbeat.newBuilder().setSensor(sensor).setTs(captureNanos).build();
        if (overflow == Overflow.DROP) {
            queue.offer(beat);
            return;
        }
        try {
            queue.put(beat);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the publish queue");
        }
    }

    /**
     * After a replay: a heartbeat at the last packet's time plus {@link #END_OF_REPLAY_MARGIN}, so that the last
     * windows close.
     *
     * @return its timestamp in nanoseconds, or -1 when no packet was published (and no heartbeat sent)
     */
    public long heartbeatAfterReplay() throws IOException {
        if (lastPacketNanos == Long.MIN_VALUE) {
            return -1;
        }
        final long ts = lastPacketNanos + END_OF_REPLAY_MARGIN.toNanos();
        heartbeat(ts);
        return ts;
    }

    public int capacity() {
        return capacity;
    }

    /** Events waiting in the queue now. */
    public int queued() {
        return queue.size();
    }

    public PublishStats stats() {
        final Map<String, Long> errors = new java.util.HashMap<>();
        sendErrors.forEach((type, count) -> errors.put(type, count.sum()));
        return new PublishStats(published.sum(), dropped.sum(), errors, unsent, heartbeatsAcked.sum(),
                heartbeatErrors.sum());
    }

    /** Drains the queue, flushes the producer and closes it, within {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops taking packets, publishes what the queue holds and waits for the broker's acknowledgements, for at
     * most {@code timeout}. What is still held then is counted as unsent, or as a send error when the producer
     * already had it. Closing again does nothing.
     */
    public synchronized void close(final Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        final long deadline = System.nanoTime() + timeout.toNanos();
        closing = true;
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout.toNanos())));
            if (thread.isAlive()) {
                abandoned = true;
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            abandoned = true;
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
        unsent = queue.stream().filter(NtpPacket.class::isInstance).count() + (inHand == null ? 0 : 1);
        queue.clear();
        final long left = Math.max(0, deadline - System.nanoTime());
        producer.close(abandoned ? Duration.ZERO : Duration.ofNanos(left));
    }

    // ---- publisher thread ----

    private void publish() {
        long nextBeat = heartbeatIntervalNanos > 0 ? System.nanoTime() + heartbeatIntervalNanos : Long.MAX_VALUE;
        try {
            while (!abandoned && !(closing && queue.isEmpty())) {
                final long wait = Math.min(IDLE_POLL_NANOS, Math.max(0, nextBeat - System.nanoTime()));
                final SpecificRecordBase event = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (event instanceof NtpPacket packet) {
                    inHand = packet;
                    sendPacket(packet);
                    inHand = null;
                } else if (event instanceof SensorHeartbeat beat) {
                    sendHeartbeat(beat);
                }
                if (heartbeatIntervalNanos > 0 && System.nanoTime() - nextBeat >= 0 && !closing) {
                    sendHeartbeat(SensorHeartbeat.newBuilder().setSensor(sensor).setTs(nowNanos()).build());
                    nextBeat = System.nanoTime() + heartbeatIntervalNanos;
                }
            }
            if (!abandoned) {
                producer.flush();
            }
        } catch (InterruptedException | InterruptException e) {
            // close() gave up waiting: what is left is counted there.
        } catch (RuntimeException e) {
            count(e, null);
        }
    }

    private void sendPacket(final NtpPacket packet) {
        final ProducerRecord<byte[], byte[]> record;
        try {
            record = new ProducerRecord<>(topics.packets(), null, Math.floorDiv(packet.getTs(), 1_000_000L),
                    bytes(packet.getClientAddr()), packets.serialize(topics.packets(), packet));
        } catch (RuntimeException e) {
            count(e, null);
            return;
        }
        // send() does not throw when its metadata wait expires: it fails the record through the callback. Waiting
        // here for the metadata first keeps the record in hand, to be sent once the broker answers.
        if (!packetsMetadataKnown) {
            if (retrying(() -> producer.partitionsFor(topics.packets()), packetSent) == null) {
                return;
            }
            packetsMetadataKnown = true;
        }
        retrying(() -> producer.send(record, packetSent), packetSent);
    }

    private void sendHeartbeat(final SensorHeartbeat beat) {
        final List<PartitionInfo> partitions =
                retrying(() -> producer.partitionsFor(topics.heartbeats()), heartbeatSent);
        if (partitions == null) {
            return;
        }
        // "No older packet will follow" holds only once the packets before it are on the broker: sent without
        // waiting, a heartbeat's batch could land before the last packets' batches (another partition, another
        // batch), and a detector reading it first would take those packets for late ones.
        producer.flush();
        beat.setPacketOffsets(packetOffsets());
        final byte[] value = heartbeats.serialize(topics.heartbeats(), beat);
        final long timestamp = Math.floorDiv(beat.getTs(), 1_000_000L);
        for (final PartitionInfo partition : partitions) {
            retrying(() -> producer.send(new ProducerRecord<>(topics.heartbeats(), partition.partition(), timestamp,
                    sensorKey, value), heartbeatSent), heartbeatSent);
        }
    }

    /** The acknowledged packet offsets by partition, up to the last partition that has one. */
    private List<Long> packetOffsets() {
        int last = -1;
        for (int partition = 0; partition < TRACKED_PARTITIONS; partition++) {
            if (lastPacketOffsets.get(partition) >= 0) {
                last = partition;
            }
        }
        final List<Long> offsets = new ArrayList<>(last + 1);
        for (int partition = 0; partition <= last; partition++) {
            offsets.add(lastPacketOffsets.get(partition));
        }
        return offsets;
    }

    /**
     * Calls the producer until it answers: a {@link TimeoutException} thrown here means the metadata wait of
     * {@code partitionsFor} expired (the broker is unreachable, or the topic does not exist yet) and nothing was
     * taken, so the call is made again. Other failures are counted against {@code failed}.
     */
    private <T> T retrying(final Supplier<T> call, final Callback failed) {
        while (true) {
            try {
                return call.get();
            } catch (TimeoutException e) {
                if (abandoned) {
                    throw new InterruptException(new InterruptedException("publisher abandoned"));
                }
            } catch (InterruptException e) {
                throw e;
            } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
                if (failed != null) {
                    failed.onCompletion(null, e);
                } else {
                    count(e, null);
                }
                return null;
            }
        }
    }

    private void count(final Exception error, final LongAdder success) {
        if (error == null) {
            success.increment();
        } else {
            sendErrors.computeIfAbsent(error.getClass().getSimpleName(), type -> new LongAdder()).increment();
        }
    }

    private static byte[] bytes(final ByteBuffer buffer) {
        final ByteBuffer view = buffer.duplicate();
        final byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    private static long nowNanos() {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
