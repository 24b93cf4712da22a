package org.ntpguard.schema;

import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro's single-object encoding: a 2-byte marker, the schema's 8-byte fingerprint, then the binary
 * record. Each record names its writer schema, so no schema registry is needed: older writer schemas are resolved
 * through a {@link SchemaStore} that the caller fills.
 */
public final class SingleObjectSerde<T extends SpecificRecordBase> implements Serde<T> {

    static {
        TrustedPackages.declare();
    }

    /** Bytes before the binary record: the marker and the writer schema's fingerprint. */
    public static final int HEADER_LENGTH = SingleObjectCodec.HEADER_LENGTH;

    private final Class<T> type;
    private final SingleObjectCodec<T> codec;

    private SingleObjectSerde(final Class<T> type, final Schema schema, final SchemaStore olderSchemas) {
        this.type = type;
        this.codec = new SingleObjectCodec<>(schema, olderSchemas);
    }

    /** Serde for {@link NtpAlert}. */
    public static SingleObjectSerde<NtpAlert> ntpAlert() {
        return new SingleObjectSerde<>(NtpAlert.class, NtpAlert.getClassSchema(), SchemaHistory.NTP_ALERT);
    }

    /** Serde for {@link NtpIncident}: version 1, no older writer schema. */
    public static SingleObjectSerde<NtpIncident> ntpIncident() {
        return new SingleObjectSerde<>(NtpIncident.class, NtpIncident.getClassSchema(), new SchemaStore.Cache());
    }

    /**
     * Serde for {@link BlocklistEntry}. The blocklist topic is compacted, so entries written by an older detector stay
     * on it: their writer schemas are known here ({@code history/BlocklistEntry-N.avsc}) and resolved to the current.
     */
    public static SingleObjectSerde<BlocklistEntry> blocklistEntry() {
        return new SingleObjectSerde<>(BlocklistEntry.class, BlocklistEntry.getClassSchema(),
                SchemaHistory.BLOCKLIST_ENTRY);
    }

    /** Serde for {@link SensorHeartbeat}; heartbeats of older sensors (no packet offsets) are resolved too. */
    public static SingleObjectSerde<SensorHeartbeat> sensorHeartbeat() {
        return new SingleObjectSerde<>(SensorHeartbeat.class, SensorHeartbeat.getClassSchema(),
                SchemaHistory.SENSOR_HEARTBEAT);
    }

    /** Serde for {@link NtpFlowBatch}, the sensors' flow summaries that detection reads; version 1 batches too. */
    public static SingleObjectSerde<NtpFlowBatch> ntpFlowBatch() {
        return new SingleObjectSerde<>(NtpFlowBatch.class, NtpFlowBatch.getClassSchema(),
                SchemaHistory.NTP_FLOW_BATCH);
    }

    /** Serde for {@link NtpPacket}; {@code olderSchemas} resolves records written with earlier versions. */
    public static SingleObjectSerde<NtpPacket> ntpPacket(final SchemaStore olderSchemas) {
        return new SingleObjectSerde<>(NtpPacket.class, NtpPacket.getClassSchema(), olderSchemas);
    }

    /** Serde for {@link NtpPacket} that reads the current schema only. */
    public static SingleObjectSerde<NtpPacket> ntpPacket() {
        return ntpPacket(new SchemaStore.Cache());
    }

    /**
     * Whether the bytes were written with this serde's own schema: then the binary record after
     * {@link #HEADER_LENGTH} bytes is in exactly that schema's layout, for a reader that decodes it by hand.
     */
    public boolean writtenWithCurrentSchema(final byte[] bytes) {
        return codec.writtenWithCurrentSchema(bytes);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            try {
                return codec.encode(record);
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName() + " for topic " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return codec.decode(bytes);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + " from topic " + topic
                        + " (" + bytes.length + " bytes): " + Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
            }
        };
    }
}
