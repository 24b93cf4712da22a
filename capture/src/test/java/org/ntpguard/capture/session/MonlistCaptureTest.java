package org.ntpguard.capture.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.schema.MonlistEntry;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.Role;
import org.ntpguard.schema.text.IpText;

/** Monlist responses from a real reflection and from the amplification scenario, entry by entry, as emitted. */
class MonlistCaptureTest {

    private static String text(final ByteBuffer address) {
        return IpText.append(new StringBuilder(), address).toString();
    }

    @Test
    void shouldEmitTheFiveEntriesOfARealMonlistReflection() throws IOException {
        // ndpi/NTPv2.pcap: reflector 208.104.95.10 answers MON_GETLIST_1 to the victim 78.46.76.2 (2015)
        final List<NtpPacket> packets = SharedMaterial.decode(SharedMaterial.captures().resolve("ndpi/NTPv2.pcap"))
                .packets();

        assertThat(packets).hasSize(1);
        final NtpPacket reflection = packets.get(0);
        assertThat(reflection.getRole()).isEqualTo(Role.RESPONSE);
        assertThat(text(reflection.getClientAddr())).isEqualTo("78.46.76.2");
        assertThat(text(reflection.getServerAddr())).isEqualTo("208.104.95.10");
        assertThat(reflection.getNtpLen()).isEqualTo(368);
        final List<MonlistEntry> entries = reflection.getPrivateHeader().getMonlistEntries();
        assertThat(entries).hasSize(5);
        final MonlistEntry first = entries.get(0);
        assertThat(text(first.getAddr())).isEqualTo("72.239.89.109");
        assertThat(text(first.getDaddr())).isEqualTo("172.16.12.101");
        assertThat(first.getPort()).isEqualTo(0x0c02);
        assertThat(first.getMode()).isEqualTo(7);
        assertThat(first.getVersion()).isEqualTo(2);
        assertThat(first.getCount()).isEqualTo(0x188L);
        assertThat(first.getLastInterval()).isEqualTo(0x103aL);
        assertThat(entries).allSatisfy(entry -> assertThat(entry.getVersion()).isBetween(1, 4));
    }

    @Test
    void shouldListTheVictimFirstInEveryScenarioMonlistReply() throws IOException {
        // labels.json: "The first MRU entry is the victim itself" (203.0.113.66, mode 7, v2)
        final List<NtpPacket> packets = SharedMaterial.decode(
                SharedMaterial.scenarios().resolve("b_monlist_amplification.pcap")).packets();

        final List<NtpPacket> firstReplies = packets.stream()
                .filter(p -> p.getPrivateHeader() != null && p.getPrivateHeader().getResponse()
                        && p.getPrivateHeader().getSequence() == 0)
                .toList();

        assertThat(firstReplies).isNotEmpty().allSatisfy(reply -> {
            final MonlistEntry first = reply.getPrivateHeader().getMonlistEntries().get(0);
            assertThat(text(first.getAddr())).isEqualTo("203.0.113.66");
            assertThat(first.getMode()).isEqualTo(7);
            assertThat(first.getVersion()).isEqualTo(2);
            assertThat(text(reply.getClientAddr())).isEqualTo("203.0.113.66");
        });
        final long entries = packets.stream().filter(p -> p.getPrivateHeader() != null
                && p.getPrivateHeader().getMonlistEntries() != null)
                .mapToLong(p -> p.getPrivateHeader().getMonlistEntries().size()).sum();
        assertThat(entries).isGreaterThan(firstReplies.size());
    }
}
