package org.ntpguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** When a detector says it is ready: threads running, its broker answering, input lag at or under the threshold. */
class ReadinessTest {

    private static final String BROKER = "kafka-1:9092";

    @Test
    void shouldBeReadyOnlyWhenRunningWithTheBrokerAnsweringAndCaughtUpEnough() {
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, true, BROKER, 0, 1_000)).isEmpty();
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, true, BROKER, 1_000, 1_000)).isEmpty();
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, true, BROKER, 1_001, 1_000))
                .hasValue("input lag 1001 records (ready at 1000 or less)");
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, false, BROKER, 0, 1_000))
                .hasValue("broker kafka-1:9092 did not answer within 2 s");
        assertThat(DetectorApp.notReady(KafkaStreams.State.REBALANCING, true, BROKER, 0, 1_000))
                .hasValue("stream threads REBALANCING");
        assertThat(DetectorApp.notReady(KafkaStreams.State.ERROR, false, BROKER, 0, 1_000))
                .hasValue("stream threads ERROR");
    }
}
