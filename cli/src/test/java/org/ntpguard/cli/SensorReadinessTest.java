package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ntpguard.cli.SensorReadiness.Capture;

/** When a sensor says it is ready: capturing, its broker answering, live with its publish queue at most half full. */
class SensorReadinessTest {

    private static final String BROKER = "kafka-1:9092";

    @Test
    void shouldBeReadyOnlyWhileCapturingWithTheBrokerAnsweringAndTheQueueAtMostHalfFull() {
        assertThat(SensorReadiness.notReady(Capture.NOT_STARTED, true, BROKER, 0, 100, true))
                .hasValue("capture not started");
        assertThat(SensorReadiness.notReady(Capture.ENDED, true, BROKER, 0, 100, true)).hasValue("capture ended");
        assertThat(SensorReadiness.notReady(Capture.RUNNING, false, BROKER, 0, 100, true))
                .hasValue("broker kafka-1:9092 did not answer within 2 s");
        assertThat(SensorReadiness.notReady(Capture.RUNNING, true, BROKER, 51, 100, true))
                .hasValue("publish queue 51 of 100 items (ready at 50 or less)");
        assertThat(SensorReadiness.notReady(Capture.RUNNING, true, BROKER, 50, 100, true)).isEmpty();
        // A replay waits for room in the queue: full is its normal pace.
        assertThat(SensorReadiness.notReady(Capture.RUNNING, true, BROKER, 100, 100, false)).isEmpty();
    }
}
