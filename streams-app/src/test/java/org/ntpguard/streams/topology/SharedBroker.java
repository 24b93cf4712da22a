package org.ntpguard.streams.topology;

import org.ntpguard.capture.TestBroker;

/**
 * The one real KRaft broker of this test JVM: Kafka's own test kit ({@code KafkaClusterTestKit}, through capture's
 * {@link TestBroker}), started on first use and shared by every integration test here.
 */
public final class SharedBroker {

    private SharedBroker() {
    }

    public static String bootstrapServers() {
        return TestBroker.bootstrapServers();
    }
}
