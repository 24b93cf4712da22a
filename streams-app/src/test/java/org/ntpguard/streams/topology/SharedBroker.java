package org.ntpguard.streams.topology;

import java.util.Properties;
import org.ntpguard.broker.EmbeddedBroker;

/** One embedded KRaft broker for the whole test JVM, started on first use and stopped at exit. */
public final class SharedBroker {

    private static EmbeddedBroker broker;

    private SharedBroker() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = EmbeddedBroker.start(null, new Properties());
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-broker-stop"));
        }
        return broker.bootstrapServers();
    }
}
