package org.ntpguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** When a detector says it is ready: stream threads running, input lag at or under the threshold. */
class ReadinessTest {

    @Test
    void shouldBeReadyOnlyWhenRunningAndCaughtUpEnough() {
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, 0, 1_000)).isEmpty();
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, 1_000, 1_000)).isEmpty();
        assertThat(DetectorApp.notReady(KafkaStreams.State.RUNNING, 1_001, 1_000))
                .hasValue("input lag 1001 records (ready at 1000 or less)");
        assertThat(DetectorApp.notReady(KafkaStreams.State.REBALANCING, 0, 1_000))
                .hasValue("stream threads REBALANCING");
        assertThat(DetectorApp.notReady(KafkaStreams.State.ERROR, 0, 1_000)).hasValue("stream threads ERROR");
    }
}
