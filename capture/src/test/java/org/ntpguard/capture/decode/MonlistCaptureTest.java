package org.ntpguard.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Monlist responses from real and scenario captures, entry by entry. */
class MonlistCaptureTest {
    private final NtpMessage message = new NtpMessage();
    private final byte[] address = new byte[16];

    @Test
    void shouldReadFiveEntriesWhenRealMonlistReflection() throws IOException {
        // given: ndpi/NTPv2.pcap, reflector 208.104.95.10 -> victim 78.46.76.2
        final List<PcapFixtures.Payload> payloads = payloads("captures/ndpi/NTPv2.pcap");
        final PcapFixtures.Payload p = payloads.get(0);

        // when
        final MalformedReason reason = message.wrap(p.frameBuffer(), p.offset(), p.available(), p.declared());

        // then
        assertThat(reason).isNull();
        assertThat(p.declared()).isEqualTo(368);
        assertThat(message.isMonlistResponse()).isTrue();
        assertThat(message.privateHeader().more()).isFalse();
        assertThat(message.monlistEntryCount()).isEqualTo(5);
        assertThat(message.wrapEntry(0)).isTrue();
        final MonlistEntryView entry = message.monlistEntry();
        assertThat(entry.avgInterval()).isZero();
        assertThat(entry.lastInterval()).isEqualTo(0x103aL);
        assertThat(entry.restrictFlags()).isZero();
        assertThat(entry.count()).isEqualTo(0x188L);
        assertThat(entry.address(address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).containsExactly(72, (byte) 239, 89, 109);
        assertThat(entry.localAddress(address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).containsExactly((byte) 172, 16, 12, 101);
        assertThat(entry.flags()).isEqualTo(1L);
        assertThat(entry.port()).isEqualTo(0x0c02);
        assertThat(entry.mode()).isEqualTo(7);
        assertThat(entry.version()).isEqualTo(2);
        assertThat(entry.isIpv6()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(message.wrapEntry(i)).isTrue();
            assertThat(entry.version()).isBetween(1, 4);
        }
    }

    @Test
    void shouldFindVictimFirstWhenScenarioMonlistResponses() throws IOException {
        // given: labels.json "The first MRU entry is the victim itself" (203.0.113.66, mode 7, v2)
        final List<PcapFixtures.Payload> payloads = payloads("scenarios/b_monlist_amplification.pcap");
        int firstPackets = 0;
        int entries = 0;

        // when
        for (final PcapFixtures.Payload p : payloads) {
            assertThat(message.wrap(p.frameBuffer(), p.offset(), p.available(), p.declared())).isNull();
            if (!message.isMonlistResponse()) {
                continue;
            }
            entries += message.monlistEntryCount();
            if (0 == message.privateHeader().sequence() && message.wrapEntry(0)) {
                firstPackets++;
                final MonlistEntryView entry = message.monlistEntry();
                assertThat(entry.address(address)).isEqualTo(4);
                assertThat(Arrays.copyOf(address, 4)).containsExactly((byte) 203, 0, 113, 66);
                assertThat(entry.mode()).isEqualTo(7);
                assertThat(entry.version()).isEqualTo(2);
            }
        }

        // then
        assertThat(firstPackets).isPositive();
        assertThat(entries).isGreaterThan(firstPackets);
    }

    private static List<PcapFixtures.Payload> payloads(final String file) throws IOException {
        final Path shared = PcapFixtures.sharedDir();
        assumeTrue(null != shared, "shared/ captures not found beside the project");
        return PcapFixtures.ntpPayloads(shared.resolve(file));
    }
}
