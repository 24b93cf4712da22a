package org.ntpguard.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.streams.detect.FlowPorts;
import org.ntpguard.streams.detect.PairFlow;
import org.ntpguard.streams.serde.FlowListCodec;

/** The repartition's record of flows: every field back as it went in, damaged bytes refused with a reason. */
class FlowListCodecTest {

    @Test
    void shouldDecodeEveryFlowOfAScenarioAsItWasEncoded() throws Exception {
        final List<PairFlow> flows = PerPacket.flows(SensorFlows.byTime(
                ScenarioTest.intervals("c_kod_storm.pcap"), ScenarioTest.intervals("f_encapsulations.pcap")));

        final byte[] bytes = FlowListCodec.encode(flows);
        final List<PairFlow> decoded = FlowListCodec.decode(bytes);

        // Ports are not carried: the server side judges none.
        assertThat(decoded).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(flows.stream().map(f -> f.withPorts(FlowPorts.UNKNOWN)).toList());
        assertThat(flows).anySatisfy(f -> assertThat(f.firstRateKod()).isNotEqualTo(Long.MAX_VALUE));
        assertThat(flows).anySatisfy(f -> assertThat(f.client().ipv6()).isTrue());
        assertThat(bytes.length / (double) flows.size()).as("bytes a flow").isLessThan(60);
    }

    @Test
    void shouldRefuseTruncatedBytesNamingWhatIsWrong() throws Exception {
        final byte[] bytes = FlowListCodec.encode(PerPacket.flows(ScenarioTest.intervals("c_kod_storm.pcap")));

        assertThatThrownBy(() -> FlowListCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow list");
        assertThatThrownBy(() -> FlowListCodec.decode(new byte[] {9}))
                .hasMessageContaining("unsupported format version 9 (expected: 1 to 2)");
    }
}
