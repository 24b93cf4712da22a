package org.ntpguard.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * The earlier writer schemas of {@link BlocklistEntry}, kept as resources: version 1 had no {@code severity}, which
 * reads as {@code UNKNOWN}.
 */
final class BlocklistHistory {

    static final SchemaStore.Cache SCHEMAS = load("history/BlocklistEntry-1.avsc");

    private BlocklistHistory() {
    }

    private static SchemaStore.Cache load(final String... resources) {
        final SchemaStore.Cache store = new SchemaStore.Cache();
        for (final String resource : resources) {
            try (InputStream in = BlocklistHistory.class.getResourceAsStream(resource)) {
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
