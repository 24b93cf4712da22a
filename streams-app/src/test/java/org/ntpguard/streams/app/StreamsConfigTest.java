package org.ntpguard.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings the detector runs with, and the user's pass-through ones over them. */
class StreamsConfigTest {

    private final DetectorApp.Settings defaults = DetectorApp.Settings.of("127.0.0.1:9092", Path.of("state"));

    @Test
    void shouldRunExactlyOnceWithBuffersBoundForFlowBatchesAndNoTaskIdling() {
        final Properties props = DetectorApp.streamsConfig(defaults);

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG)).isEqualTo(1_000);
        assertThat(props.get("main.consumer.max.poll.records")).isEqualTo(1_000);
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(0L);
        // Every one of them is a setting Kafka Streams knows (a misspelt key would be ignored with a warning).
        assertThat(new StreamsConfig(props).getInt(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG))
                .isEqualTo(1_000);
        assertThat(new StreamsConfig(props).getMainConsumerConfigs("g", "c", 0)).containsEntry("max.poll.records",
                1_000);
    }

    @Test
    void shouldLetThePassThroughSettingsWinOverOurs() {
        final Properties user = new Properties();
        user.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, "500");
        user.put("security.protocol", "SSL");
        final DetectorApp.Settings settings = new DetectorApp.Settings(defaults.bootstrapServers(),
                defaults.applicationId(), defaults.stateDir(), 1, defaults.topics(), defaults.deadLetterTopic(),
                defaults.partitions(), false, user);

        final Properties props = DetectorApp.streamsConfig(settings);

        assertThat(props.get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG)).isEqualTo("500");
        assertThat(props.get("security.protocol")).isEqualTo("SSL");
    }
}
