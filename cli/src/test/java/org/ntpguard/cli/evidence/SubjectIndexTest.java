package org.ntpguard.cli.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.FrameBuilder;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.proto.EtherType;
import org.ntpguard.capture.proto.IpProtocol;
import org.ntpguard.capture.proto.LinkType;

/** Which alerts a decoded packet's addresses belong to, without allocating for the packets that match none. */
class SubjectIndexTest {

    private static final byte[] OTHER_V4 = {(byte) 203, 0, 113, 9};
    /** ::192.0.2.10, whose last four bytes are CLIENT_V4's: it must not be taken for it. */
    private static final byte[] CLIENT_V4_IN_V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 192, 0, 2, 10};

    private static AlertSpan span(final String id, final byte[] subject) {
        return new AlertSpan(id, subject, 0, Long.MAX_VALUE);
    }

    private static DecodedPacket decoded(final byte[] source, final byte[] destination) {
        final FrameBuilder frame = FrameBuilder.payload(FrameBuilder.ntpClientRequest()).udp(40_000, 123);
        final boolean v4 = source.length == 4;
        (v4 ? frame.ipv4(source, destination, IpProtocol.UDP) : frame.ipv6(source, destination, IpProtocol.UDP))
                .ethernet(v4 ? EtherType.IPV4 : EtherType.IPV6);
        final DecodedPacket packet = new DecodedPacket();
        assertThat(new PacketDecoder().decode(frame.frame(LinkType.ETHERNET), packet)).isEqualTo(DecodeResult.NTP);
        return packet;
    }

    private final SubjectIndex index = new SubjectIndex(List.of(
            span("server-1", FrameBuilder.SERVER_V4),
            span("client-v6", FrameBuilder.CLIENT_V6),
            span("server-2", FrameBuilder.SERVER_V4),
            span("mapped", CLIENT_V4_IN_V6)));

    @Test
    void shouldFindEveryAlertOfTheSourceOrTheDestination() {
        final DecodedPacket v4 = decoded(FrameBuilder.CLIENT_V4, FrameBuilder.SERVER_V4);
        final DecodedPacket v6 = decoded(FrameBuilder.CLIENT_V6, FrameBuilder.SERVER_V6);

        assertThat(index.alertsOf(v4, false)).containsExactly(0, 2);
        assertThat(index.alertsOf(v4, true)).isEmpty(); // 192.0.2.10 is not ::192.0.2.10
        assertThat(index.alertsOf(v6, true)).containsExactly(1);
        assertThat(index.alertsOf(v6, false)).isEmpty();
    }

    @Test
    void shouldNotAllocateForPacketsThatMatchNoAlert() {
        final DecodedPacket v4 = decoded(OTHER_V4, FrameBuilder.CLIENT_V4);
        final DecodedPacket v6 = decoded(FrameBuilder.SERVER_V6, FrameBuilder.SERVER_V6);
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long found = lookUp(v4, v6, 200_000);

        final long before = threads.getThreadAllocatedBytes(thread);
        found += lookUp(v4, v6, 1_000_000);
        final long after = threads.getThreadAllocatedBytes(thread);

        assertThat(found).isZero();
        assertThat(after - before).isLessThan(1_024); // 4 million lookups: not one object each
    }

    private long lookUp(final DecodedPacket v4, final DecodedPacket v6, final int times) {
        long found = 0;
        for (int i = 0; i < times; i++) {
            found += index.alertsOf(v4, true).length + index.alertsOf(v4, false).length
                    + index.alertsOf(v6, true).length + index.alertsOf(v6, false).length;
        }
        return found;
    }
}
