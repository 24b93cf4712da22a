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
import org.ntpguard.capture.flow.FlowBatches;
import org.ntpguard.capture.flow.FlowCombiner;
import org.ntpguard.capture.flow.FlowInterval;
import org.ntpguard.capture.flow.FlowSink;
import org.ntpguard.capture.session.PacketSink;
import org.ntpguard.schema.NtpFlowBatch;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.SensorHeartbeat;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * Combines the decoded packets of one capture thread into NTP flows and publishes them to Kafka, without ever making
 * that thread wait for Kafka.
 *
 * <p>The capture thread counts each packet into its flow ({@link FlowCombiner}: no allocation, no Kafka); when an
 * interval of capture time closes, its flows go to a bounded queue, and a publisher thread splits them into one
 * {@link NtpFlowBatch} per partition of the flows topic ({@link FlowBatches}) and sends them. One Kafka record
 * carries thousands of datagrams, so the broker and the detector work per flow and batch, never per packet. With
 * {@link FlowOptions#publishPackets()}, every packet is also mapped to its {@link NtpPacket} and queued for the
 * packets topic: a forensic feed, which costs one record per packet and which detection never reads.
 *
 * <p>When the queue is full the capture thread either drops and counts ({@link Overflow#DROP}, live capture) or waits
 * ({@link Overflow#WAIT}, file replay). Everything that can block on the broker happens on the publisher thread;
 * while the broker is unreachable it keeps retrying the record in hand, so nothing queued is lost once it answers.
 *
 * <p>Heartbeats ({@link SensorHeartbeat}) go to every partition of the heartbeats topic: every
 * {@code heartbeatInterval} of wall-clock time when live (the publisher thread first closes the intervals that have
 * ended and sends their flows, then claims no flow older than the earliest interval still open will follow), once
 * after a replay through {@link #heartbeatAfterReplay()}. A heartbeat is sent once every batch before it is
 * acknowledged, and names the offset of the last one on each flows partition, so that a detector never takes it
 * before them.
 */
public final class FlowPublisher implements PacketSink, AutoCloseable {

    /** Queue capacity in items: an interval's flows, a forensic packet or a heartbeat each. */
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
        /** Drop and count: live capture, where waiting would only move the loss into libpcap. */
        DROP,
        /** Wait for room: file replay, where the input does not run away. */
        WAIT
    }

    private static final int TRACKED_PARTITIONS = 4_096;

    /** A live heartbeat's turn in the queue: flows queued before it go out first. */
    private record HeartbeatDue(long wallClockNanos) {
    }

    private final Producer<byte[], byte[]> producer;
    private final NtpPacketMapper mapper;
    private final FlowCombiner combiner;
    private final FlowOptions options;
    private final SensorTopics topics;
    private final Overflow overflow;
    private final long heartbeatIntervalNanos;
    private final byte[] sensorKey;
    private final String sensor;
    private final ArrayBlockingQueue<Object> queue;
    private final int capacity;
    private final Serializer<NtpPacket> packets = SingleObjectSerde.ntpPacket().serializer();
    private final Serializer<NtpFlowBatch> batches = SingleObjectSerde.ntpFlowBatch().serializer();
    private final Serializer<SensorHeartbeat> heartbeats = SingleObjectSerde.sensorHeartbeat().serializer();
    private final Thread thread;

    private final LongAdder published = new LongAdder();
    private final LongAdder flowsPublished = new LongAdder();
    private final LongAdder batchesPublished = new LongAdder();
    private final LongAdder packetRecords = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder heartbeatsAcked = new LongAdder();
    private final Map<String, LongAdder> sendErrors = new ConcurrentHashMap<>();
    /** By flows partition, the offset of the last batch the broker acknowledged: heartbeats carry them. */
    private final AtomicLongArray lastFlowOffsets = new AtomicLongArray(TRACKED_PARTITIONS);
    /** By packets partition, the same for the forensic feed. */
    private final AtomicLongArray lastPacketOffsets = new AtomicLongArray(TRACKED_PARTITIONS);
    private final Callback packetSent = (metadata, error) -> {
        if (error == null && metadata != null && metadata.hasOffset() && metadata.partition() < TRACKED_PARTITIONS) {
            lastPacketOffsets.accumulateAndGet(metadata.partition(), metadata.offset(), Math::max);
        }
        if (error == null) {
            packetRecords.increment();
        } else {
            count(error, 1);
        }
    };
    /** Whether the producer holds the flows topic's partitions; only the publisher thread sets it. */
    private volatile int flowPartitions;
    private volatile boolean packetsMetadataKnown;
    private final LongAdder heartbeatErrors = new LongAdder();
    private final Callback heartbeatSent = (metadata, error) -> {
        if (error == null) {
            heartbeatsAcked.increment();
        } else {
            heartbeatErrors.increment();
        }
    };

    /** Sees every interval's flows on the publisher thread before they are sent (a report's overview); or none. */
    private volatile FlowSink observer;
    private volatile boolean closing;
    private volatile boolean abandoned;
    private boolean closed;
    private volatile long unsent;
    /** Datagrams in the flows the publisher thread holds and the producer has not accepted yet. */
    private volatile long inHand;
    private long lastPacketNanos = Long.MIN_VALUE;

    /**
     * @param producer          the producer, owned (closed) by this publisher from now on
     * @param sensor            the sensor name carried in every record
     * @param capacity          queue capacity in items
     * @param heartbeatInterval wall-clock heartbeat period (live), or {@code null} for none (replay)
     */
    public FlowPublisher(final Producer<byte[], byte[]> producer, final String sensor, final SensorTopics topics,
                         final int capacity, final Overflow overflow, final Duration heartbeatInterval,
                         final FlowOptions options) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity: " + capacity + " (expected: 1 or more)");
        }
        this.producer = Objects.requireNonNull(producer, "producer");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.mapper = new NtpPacketMapper(sensor);
        this.options = Objects.requireNonNull(options, "options");
        this.combiner = new FlowCombiner(options.interval(), options.maxFlows(), this::queueFlows);
        this.topics = Objects.requireNonNull(topics, "topics");
        this.overflow = Objects.requireNonNull(overflow, "overflow");
        this.heartbeatIntervalNanos = heartbeatInterval == null ? 0 : heartbeatInterval.toNanos();
        this.sensorKey = sensor.getBytes(StandardCharsets.UTF_8);
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int partition = 0; partition < TRACKED_PARTITIONS; partition++) {
            lastFlowOffsets.set(partition, -1);
            lastPacketOffsets.set(partition, -1);
        }
        this.thread = new Thread(this::publish, "ntpguard-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A publisher with its own {@link KafkaProducer} built from {@code config} (see {@link #producerConfig}). */
    public static FlowPublisher create(final Properties config, final String sensor, final SensorTopics topics,
                                       final int capacity, final Overflow overflow,
                                       final Duration heartbeatInterval, final FlowOptions options) {
        return new FlowPublisher(new KafkaProducer<>(config), sensor, topics, capacity, overflow,
                heartbeatInterval, options);
    }

    /**
     * The producer settings: ours for batched records, then the user's (SASL, TLS, or any tuning of ours), then the
     * bootstrap servers. The serializers are ours: the values are single-object Avro.
     */
    public static Properties producerConfig(final String bootstrapServers, final Properties user) {
        final Properties config = new Properties();
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Flows of one interval are very alike (same servers, small counters): lz4 packs them cheaply.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        // A flow batch is up to ~400 KB before compression: room for it with the 1 MB default of the broker.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * 1024 * 1024));
        // One produce request in flight per broker: seen on a just-started cluster, a request answered only after the
        // 30 s timeout, and the overlapping batches retried behind it refused as out of sequence (lost records).
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ntpguard-sensor");
        config.putAll(user);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /** Capture thread: counts the packet into its flow (and queues its record for the forensic feed, if asked). */
    @Override
    public void accept(final DecodedPacket packet) throws IOException {
        if (closing) {
            throw new IllegalStateException("publisher is closed");
        }
        if (packet.timestampNanos() > lastPacketNanos) {
            lastPacketNanos = packet.timestampNanos();
        }
        combiner.accept(packet);
        if (options.publishPackets()) {
            offer(mapper.map(packet), 0);
        }
    }

    /**
     * Hands every interval's flows to {@code flows} too, on the publisher thread, before they are sent: a summary of
     * the traffic at the cost of a pass over each interval's flows, off the capture thread. Set it before the first
     * packet.
     */
    public void observeFlows(final FlowSink flows) {
        this.observer = flows;
    }

    /** Capture thread, when an interval closes: its flows go to the queue. */
    private void queueFlows(final FlowInterval flows) throws IOException {
        offer(flows, flows.packets());
    }

    /** Queues one item; when it is dropped, {@code packetsLost} datagrams are counted as dropped. */
    private void offer(final Object item, final long packetsLost) throws IOException {
        if (overflow == Overflow.DROP) {
            if (!queue.offer(item)) {
                dropped.add(packetsLost);
            }
            return;
        }
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the publish queue");
        }
    }

    /**
     * Queues a heartbeat behind what is already queued, after closing every flow held: "no packet older than
     * {@code captureNanos} will follow". When the queue is full and packets are dropped, the heartbeat is dropped
     * too, uncounted: the next one says more.
     */
    public void heartbeat(final long captureNanos) throws IOException {
        combiner.flush(this::queueFlows);
        offer(SensorHeartbeat.newBuilder().setSensor(sensor).setTs(captureNanos).build(), 0);
    }

    /**
     * After a replay: closes every flow, then a heartbeat at the last packet's time plus
     * {@link #END_OF_REPLAY_MARGIN}, so that the last windows close.
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

    /** Items waiting in the queue now. */
    public int queued() {
        return queue.size();
    }

    /** The combiner's figures: flows held now, closed, and early closes of a full table. */
    public FlowCombiner combiner() {
        return combiner;
    }

    public PublishStats stats() {
        final Map<String, Long> errors = new java.util.HashMap<>();
        sendErrors.forEach((type, count) -> errors.put(type, count.sum()));
        return new PublishStats(published.sum(), dropped.sum(), errors, unsent, heartbeatsAcked.sum(),
                heartbeatErrors.sum(), flowsPublished.sum(), batchesPublished.sum(), packetRecords.sum());
    }

    /** Drains the queue, flushes the producer and closes it, within {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops taking packets, closes every flow held, publishes what the queue holds and waits for the broker's
     * acknowledgements, for at most {@code timeout}. Datagrams still held then are counted as unsent, or as send
     * errors when the producer already had them. Closing again does nothing.
     */
    public synchronized void close(final Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        final long deadline = System.nanoTime() + timeout.toNanos();
        try {
            combiner.flush(flows -> {
                try {
                    if (!queue.offer(flows, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        unsent += flows.packets();
                    }
                } catch (InterruptedException e) {
                    unsent += flows.packets();
                    Thread.currentThread().interrupt();
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        closing = true;
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime()))));
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
        unsent += queue.stream().filter(FlowInterval.class::isInstance).mapToLong(i -> ((FlowInterval) i).packets())
                .sum() + inHand;
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
                final Object item = queue.poll(wait, TimeUnit.NANOSECONDS);
                try {
                    handle(item);
                } catch (InterruptException e) {
                    throw e;
                } catch (KafkaException | IllegalArgumentException | IllegalStateException | IOException e) {
                    // One item lost and counted; the thread goes on with the rest.
                    count(e, item instanceof FlowInterval flows ? flows.packets() : 0);
                    inHand = 0;
                }
                if (heartbeatIntervalNanos > 0 && System.nanoTime() - nextBeat >= 0 && !closing) {
                    // Behind the flows already queued; a full queue skips this beat (the next says more).
                    queue.offer(new HeartbeatDue(nowNanos()));
                    nextBeat = System.nanoTime() + heartbeatIntervalNanos;
                }
            }
            if (!abandoned) {
                producer.flush();
            }
        } catch (InterruptedException | InterruptException e) {
            // close() gave up waiting: what is left is counted there.
        }
    }

    private void handle(final Object item) throws IOException {
        if (item instanceof FlowInterval flows) {
            sendFlows(flows);
        } else if (item instanceof NtpPacket packet) {
            sendPacket(packet);
        } else if (item instanceof SensorHeartbeat beat) {
            sendHeartbeat(beat);
        } else if (item instanceof HeartbeatDue due) {
            // The flows of intervals that have ended go out first, straight from here; the heartbeat then claims
            // only what is safe: nothing older than the earliest interval still open follows. They are sent once the
            // combiner's lock is let go: sending may wait for the broker, and the capture thread must not.
            final List<FlowInterval> ended = new ArrayList<>(1);
            final long safe = combiner.flushBefore(due.wallClockNanos(), ended::add);
            for (final FlowInterval flows : ended) {
                sendFlows(flows);
            }
            sendHeartbeat(SensorHeartbeat.newBuilder().setSensor(sensor).setTs(safe).build());
        }
    }

    private void sendFlows(final FlowInterval flows) throws IOException {
        final FlowSink watching = observer;
        if (watching != null) {
            watching.accept(flows);
        }
        final long packetsInHand = flows.packets();
        inHand = packetsInHand;
        if (flowPartitions == 0) {
            final List<PartitionInfo> partitions = retrying(() -> producer.partitionsFor(topics.flows()),
                    packetsInHand);
            if (partitions == null) {
                inHand = 0;
                return;
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topics.flows() + " has no partitions");
            }
            flowPartitions = partitions.size();
        }
        for (final FlowBatches.Partitioned batch : FlowBatches.split(sensor, flows, flowPartitions,
                options.maxFlowsPerBatch())) {
            sendBatch(batch);
        }
        // Not in a finally: when close() abandons this thread mid-send, what was in hand is counted as unsent.
        inHand = 0;
    }

    private void sendBatch(final FlowBatches.Partitioned partitioned) {
        final NtpFlowBatch batch = partitioned.batch();
        final long datagrams = FlowBatches.packets(batch);
        final int flows = batch.getFlows().size();
        final ProducerRecord<byte[], byte[]> record;
        try {
            record = new ProducerRecord<>(topics.flows(), partitioned.partition(), FlowBatches.timestamp(batch),
                    sensorKey, batches.serialize(topics.flows(), batch));
        } catch (RuntimeException e) {
            count(e, datagrams);
            return;
        }
        final Callback sent = (metadata, error) -> {
            if (error instanceof TimeoutException) {
                flowPartitions = 0;
            }
            if (error != null) {
                count(error, datagrams);
                return;
            }
            if (metadata != null && metadata.hasOffset() && metadata.partition() < TRACKED_PARTITIONS) {
                lastFlowOffsets.accumulateAndGet(metadata.partition(), metadata.offset(), Math::max);
            }
            published.add(datagrams);
            flowsPublished.add(flows);
            batchesPublished.increment();
        };
        retrying(() -> producer.send(record, sent), datagrams);
    }

    private void sendPacket(final NtpPacket packet) {
        final ProducerRecord<byte[], byte[]> record;
        try {
            record = new ProducerRecord<>(topics.packets(), null, Math.floorDiv(packet.getTs(), 1_000_000L),
                    bytes(packet.getClientAddr()), packets.serialize(topics.packets(), packet));
        } catch (RuntimeException e) {
            count(e, 1);
            return;
        }
        if (!packetsMetadataKnown) {
            if (retrying(() -> producer.partitionsFor(topics.packets()), 1) == null) {
                return;
            }
            packetsMetadataKnown = true;
        }
        retrying(() -> producer.send(record, packetSent), 1);
    }

    private void sendHeartbeat(final SensorHeartbeat beat) {
        final List<PartitionInfo> partitions = retrying(() -> producer.partitionsFor(topics.heartbeats()), -1);
        if (partitions == null) {
            heartbeatErrors.increment();
            return;
        }
        // "No older flow will follow" holds only once the batches before it are on the broker: sent without
        // waiting, a heartbeat's batch could land before the last flows' batches (another partition, another
        // batch), and a detector reading it first would take those flows for late ones.
        producer.flush();
        beat.setFlowOffsets(offsets(lastFlowOffsets));
        beat.setPacketOffsets(offsets(lastPacketOffsets));
        final byte[] value = heartbeats.serialize(topics.heartbeats(), beat);
        final long timestamp = Math.floorDiv(beat.getTs(), 1_000_000L);
        for (final PartitionInfo partition : partitions) {
            if (retrying(() -> producer.send(new ProducerRecord<>(topics.heartbeats(), partition.partition(),
                    timestamp, sensorKey, value), heartbeatSent), -1) == null) {
                heartbeatErrors.increment();
            }
        }
    }

    /** The acknowledged offsets by partition, up to the last partition that has one. */
    private static List<Long> offsets(final AtomicLongArray byPartition) {
        int last = -1;
        for (int partition = 0; partition < TRACKED_PARTITIONS; partition++) {
            if (byPartition.get(partition) >= 0) {
                last = partition;
            }
        }
        final List<Long> offsets = new ArrayList<>(last + 1);
        for (int partition = 0; partition <= last; partition++) {
            offsets.add(byPartition.get(partition));
        }
        return offsets;
    }

    /**
     * Calls the producer until it answers: a {@link TimeoutException} thrown here means the metadata wait expired
     * (the broker is unreachable, or the topic does not exist yet) and nothing was taken, so the call is made again.
     * Other failures return null, counted against {@code datagrams} (when negative, the caller counts them).
     */
    private <T> T retrying(final Supplier<T> call, final long datagrams) {
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
                if (datagrams >= 0) {
                    count(e, datagrams);
                }
                return null;
            }
        }
    }

    /** Counts {@code datagrams} lost to {@code error} under its class name. */
    private void count(final Exception error, final long datagrams) {
        sendErrors.computeIfAbsent(error.getClass().getSimpleName(), type -> new LongAdder()).add(datagrams);
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
