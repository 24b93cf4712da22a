package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.detect.ServerWindow;
import org.ntpguard.streams.metrics.DetectorMetrics;

/**
 * The per-server windows close on the slowest upstream partition's progress mark, so the marks must outlive a task
 * that starts over (a restart, a revived task): a partition that has gone quiet does not mark again, and without
 * its last mark no per-server window would ever close.
 */
class UpstreamMarksTest {

    private static final DetectionConfig CONFIG = DetectionConfig.defaults();
    private static final int UPSTREAM_PARTITIONS = 3;

    @TempDir
    Path stateDir;

    private OpenWindowStore<ServerWindow> store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void shouldKeepTheMarksWrittenAtACommitForATaskThatStartsOver() {
        context();
        store.mark(0, 1_000);
        store.mark(2, 5_000);
        store.mark(0, 500); // older: ignored
        store.flushCache();
        store.mark(1, 9_000); // not committed: goes with the input that is read again

        store.rebuild();

        assertThat(store.upstreamMarks()).containsExactly(1_000L, Long.MIN_VALUE, 5_000L);
    }

    @Test
    void shouldReadAProgressValueWrittenBeforeMarksWereKeptAsNoMarks() {
        final byte[] older = ByteBuffer.allocate(8).putLong(30_000).array();

        assertThat(WindowKeys.progress(older)).isEqualTo(30_000);
        assertThat(WindowKeys.upstreamMarks(older)).isEmpty();
        assertThat(WindowKeys.upstreamMarks(WindowKeys.progressValue(30_000, new long[] {7, Long.MIN_VALUE})))
                .containsExactly(7L, Long.MIN_VALUE);
    }

    @Test
    void shouldCloseTheServerWindowsOfATaskStartedOverAfterAQuietPartitionsLastMark() throws Exception {
        final MockProcessorContext<String, NtpAlert> context = context();
        final List<PairFlow> flows = PerPacket.flows(ScenarioTest.intervals("d_mode6_scan.pcap"));
        final long first = flows.stream().mapToLong(PairFlow::firstSeen).min().orElseThrow();
        final long last = flows.stream().mapToLong(PairFlow::lastSeen).max().orElseThrow();
        final WindowAggregator<ServerWindow> aggregator = aggregator();
        aggregator.init(context);
        for (final PairFlow flow : flows) {
            aggregator.process(new Record<>(Bytes.wrap(new byte[] {'P', 0, 0, 0, 0}), List.of(flow),
                    flow.lastSeen()));
        }
        // Partition 2 is done (its end-of-replay heartbeat); 0 and 1 are still at the capture's start.
        aggregator.process(mark(2, last + 3_600_000));
        aggregator.process(mark(0, first));
        aggregator.process(mark(1, first));
        store.flushCache(); // the commit
        assertThat(context.forwarded()).as("nothing closes before every partition has got past").isEmpty();

        aggregator.init(context); // Kafka Streams revives the task: memory is dropped, the store stays
        aggregator.process(mark(0, last + 3_600_000));
        aggregator.process(mark(1, last + 3_600_000));

        assertThat(context.forwarded()).extracting(forward -> forward.record().value().getType())
                .contains(AlertType.EXPOSED_CONTROL);
    }

    private MockProcessorContext<String, NtpAlert> context() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "upstream-marks-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        final MockProcessorContext<String, NtpAlert> context = new MockProcessorContext<>(props,
                new TaskId(1, 0), stateDir.toFile());
        store = OpenWindowStore.builder(NtpTopology.SERVER_WINDOW_STORE,
                WindowSide.servers(CONFIG, DetectorMetrics.none())).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        final WindowStore<Bytes, byte[]> recent = RecentWindows.builder(NtpTopology.SERVER_RECENT_STORE, CONFIG)
                .withLoggingDisabled().build();
        recent.init(context.getStateStoreContext(), recent);
        context.addStateStore(recent);
        return context;
    }

    private static WindowAggregator<ServerWindow> aggregator() {
        return new WindowAggregator<>(WindowSide.servers(CONFIG, DetectorMetrics.none()),
                NtpTopology.SERVER_WINDOW_STORE, NtpTopology.SERVER_RECENT_STORE, CONFIG.windowSize().toMillis(),
                CONFIG.grace().toMillis(),
                () -> Watermark.slowestOf(UPSTREAM_PARTITIONS), false);
    }

    private static Record<Bytes, List<PairFlow>> mark(final int upstreamPartition, final long time) {
        return new Record<>(ProgressMarks.markKey(upstreamPartition), FlowEvents.NONE, time);
    }
}
