package org.ntpguard.schema.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.SingleObjectSerde;

/**
 * Kafka serde for the Confluent wire format, what Kafka Connect's AvroConverter, ksqlDB and the registry-aware
 * deserializers of Confluent and Apicurio read: a zero byte, the schema's id in the registry (4 bytes, big-endian),
 * then the record in Avro's binary encoding, the same bytes as in the single-object encoding. The schema registered,
 * under {@code <topic>-value} (the registries' default TopicNameStrategy), is the topic's self-contained schema file
 * with its logical types. It reads records of either format: those in the single-object encoding were written
 * before the registry was configured.
 */
public final class RegistrySerde<T extends SpecificRecordBase> implements Serde<T> {

    /** The Kafka client setting that turns it on, named as Confluent's serdes name it. */
    public static final String URL_CONFIG = "schema.registry.url";

    private static final byte MAGIC = 0;
    private static final int HEADER_LENGTH = 1 + Integer.BYTES;

    private final SchemaRegistryClient registry;
    private final Schema registered;
    private final Schema classSchema;
    private final SingleObjectSerde<T> singleObject;
    private final SpecificData model = new SpecificData();
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readerById = new ConcurrentHashMap<>();

    private RegistrySerde(final SchemaRegistryClient registry, final String topicFile,
                          final SingleObjectSerde<T> singleObject, final Schema classSchema) {
        this.registry = registry;
        this.registered = topicSchema(topicFile);
        this.classSchema = classSchema;
        this.singleObject = singleObject;
        model.setCustomCoders(true);
        this.writer = new SpecificDatumWriter<>(classSchema, model);
    }

    /** {@code schema.registry.url} from Kafka client settings, or null. */
    public static String url(final Properties kafka) {
        final String url = kafka.getProperty(URL_CONFIG);
        return url == null || url.isBlank() ? null : url.strip();
    }

    /** Alerts in the Confluent wire format when {@code kafka} names a registry, else in the single-object encoding. */
    public static Serde<NtpAlert> ntpAlert(final Properties kafka) {
        final String url = url(kafka);
        return url == null ? SingleObjectSerde.ntpAlert() : new RegistrySerde<>(new SchemaRegistryClient(url),
                "ntp.alerts.avsc", SingleObjectSerde.ntpAlert(), NtpAlert.getClassSchema());
    }

    /** Blocklist entries as {@link #ntpAlert(Properties)} writes alerts. */
    public static Serde<BlocklistEntry> blocklistEntry(final Properties kafka) {
        final String url = url(kafka);
        return url == null ? SingleObjectSerde.blocklistEntry() : new RegistrySerde<>(new SchemaRegistryClient(url),
                "ntp.blocklist.avsc", SingleObjectSerde.blocklistEntry(), BlocklistEntry.getClassSchema());
    }

    /** The topic's schema file shipped in the schemas jar ({@code org/ntpguard/schema/topics/}). */
    static Schema topicSchema(final String file) {
        final String resource = "/org/ntpguard/schema/topics/" + file;
        try (InputStream in = RegistrySerde.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + resource, e);
        }
    }

    /** Registers the topic's schema (once per topic) and returns its id: a detector calls it before it starts. */
    public int register(final String topic) {
        return idByTopic.computeIfAbsent(topic, name -> registry.register(name + "-value", registered));
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            try {
                final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                out.write(MAGIC);
                out.write(ByteBuffer.allocate(Integer.BYTES).putInt(register(topic)).array());
                final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(record, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (final IOException | SchemaRegistryException e) {
                throw new SerializationException("cannot encode " + classSchema.getName() + " for topic " + topic
                        + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        final Deserializer<T> before = singleObject.deserializer();
        return (topic, bytes) -> {
            if (bytes == null || bytes.length == 0 || bytes[0] != MAGIC) {
                return before.deserialize(topic, bytes);
            }
            try {
                if (bytes.length < HEADER_LENGTH) {
                    throw new IOException("truncated header: " + bytes.length + " bytes (expected: "
                            + HEADER_LENGTH + "+)");
                }
                final int id = ByteBuffer.wrap(bytes, 1, Integer.BYTES).getInt();
                final SpecificDatumReader<T> reader = readerById.computeIfAbsent(id,
                        known -> new SpecificDatumReader<>(registry.schema(known), classSchema, model));
                return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH,
                        bytes.length - HEADER_LENGTH, null));
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + classSchema.getName() + " from topic " + topic
                        + " (" + bytes.length + " bytes, Confluent wire format): "
                        + Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
            }
        };
    }
}
