package org.ntpguard.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Earlier writer schemas, kept as resources, for records that outlive a release: version 1 of {@link BlocklistEntry}
 * had no {@code severity}, which reads as {@code UNKNOWN}; version 1 of {@link SensorHeartbeat} had no
 * {@code packetOffsets} and version 2 no {@code flowOffsets}, which read as empty; version 1 of {@link NtpFlowBatch}
 * had no per-port request counts nor kissed ports (empty: ports unknown), and version 1 of {@link NtpAlert} lacked
 * the types FAST_POLL and SPOOFED_SOURCE and the role PROBER (issue 11).
 */
final class SchemaHistory {

    static final SchemaStore.Cache BLOCKLIST_ENTRY = load("history/BlocklistEntry-1.avsc");
    static final SchemaStore.Cache SENSOR_HEARTBEAT = load("history/SensorHeartbeat-1.avsc",
            "history/SensorHeartbeat-2.avsc");
    static final SchemaStore.Cache NTP_FLOW_BATCH = load("history/NtpFlowBatch-1.avsc");
    static final SchemaStore.Cache NTP_ALERT = load("history/NtpAlert-1.avsc");

    private SchemaHistory() {
    }

    private static SchemaStore.Cache load(final String... resources) {
        final SchemaStore.Cache store = new SchemaStore.Cache();
        for (final String resource : resources) {
            try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("schema resource missing: " + resource);
                }
                store.addSchema(new Schema.Parser().parse(in));
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read schema resource " + resource, e);
            }
        }
        return store;
    }
}
