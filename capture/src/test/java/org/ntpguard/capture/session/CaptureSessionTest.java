package org.ntpguard.capture.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.capture.decode.FrameBuilder.CLIENT_V4;
import static org.ntpguard.capture.decode.FrameBuilder.SERVER_V4;
import static org.ntpguard.capture.decode.FrameBuilder.ntpClientRequest;
import static org.ntpguard.capture.decode.FrameBuilder.payload;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.MalformedReason;
import org.ntpguard.capture.pcap.CaptureProblem;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.proto.LinkType;

class CaptureSessionTest {

    private final StringWriter lines = new StringWriter();
    private final ProblemLog problems = new ProblemLog(new PrintWriter(lines, true));
    private final DecodeStats stats = new DecodeStats();
    private final List<String> emitted = new ArrayList<>();

    /** Frames in memory, numbered from 1, with a made-up file offset per frame. */
    private static CaptureReader reader(final List<byte[]> frames, final int linkType) {
        return new CaptureReader() {
            private int next;

            @Override
            public boolean next(final CapturedFrame frame) {
                if (next == frames.size()) {
                    return false;
                }
                final byte[] bytes = frames.get(next++);
                frame.set(java.nio.ByteBuffer.wrap(bytes), 0, bytes.length, bytes.length, linkType,
                        next * 1_000_000L, next, 24L + 100L * next);
                return true;
            }

            @Override
            public String source() {
                return "mem.pcap";
            }

            @Override
            public void close() {
            }
        };
    }

    private long run(final List<byte[]> frames, final int linkType) throws Exception {
        return new CaptureSession(stats, problems).run(reader(frames, linkType),
                packet -> emitted.add(packet.frameNumber() + ":" + packet.ntp().mode()
                        + ":" + (packet.malformed() == null ? "ok" : packet.malformed().name())), Long.MAX_VALUE);
    }

    private static byte[] ntpFrame(final byte[] ntp) {
        return payload(ntp).udp(40001, 123).ipv4(CLIENT_V4, SERVER_V4, 17).ethernet(0x0800).bytes();
    }

    @Test
    void shouldEmitMalformedNtpWithOneLineNamingFrameAndOffset() throws Exception {
        final byte[] overrun = {
            (byte) 0x97,            // R=1, M=0, VN 2, mode 7
            0x00,                   // A=0, sequence 0
            0x03,                   // implementation XNTPD
            0x2a,                   // request MON_GETLIST_1
            0x00, 0x06,             // err 0, 6 items
            0x00, 0x48              // item size 72: 432 bytes of items in a 16-byte payload
        };
        final byte[] payloadBytes = java.util.Arrays.copyOf(overrun, 16);

        run(List.of(ntpFrame(ntpClientRequest()), ntpFrame(payloadBytes)), LinkType.ETHERNET);

        assertThat(emitted).containsExactly("1:3:ok", "2:7:PRIVATE_ITEMS_OVERRUN");
        assertThat(stats.malformedNtp(MalformedReason.PRIVATE_ITEMS_OVERRUN)).isEqualTo(1);
        assertThat(lines.toString()).isEqualTo(
                "mem.pcap: frame 2, offset 224: malformed NTP: mode 7 item count overruns the packet\n");
    }

    @Test
    void shouldReportTruncatedFramesAndGoOn() throws Exception {
        final byte[] whole = ntpFrame(ntpClientRequest());
        final byte[] cut = java.util.Arrays.copyOf(whole, 14 + 20 + 3);

        run(List.of(cut, whole), LinkType.ETHERNET);

        assertThat(emitted).containsExactly("2:3:ok");
        assertThat(stats.count(DecodeResult.TRUNCATED)).isEqualTo(1);
        assertThat(lines.toString()).isEqualTo("mem.pcap: frame 1, offset 124: frame ends inside the UDP header: "
                + "3 bytes (expected: 8+) at frame byte 34\n");
    }

    @Test
    void shouldSayOnceThatALinkTypeIsNotDecoded() throws Exception {
        final byte[] frame = ntpFrame(ntpClientRequest());

        run(List.of(frame, frame, frame), 147);

        assertThat(emitted).isEmpty();
        assertThat(stats.count(DecodeResult.UNSUPPORTED)).isEqualTo(3);
        assertThat(lines.toString()).isEqualTo("mem.pcap: frame 1, offset 124: link type unknown(147) is not decoded: "
                + "its frames are skipped\n");
    }

    @Test
    void shouldReportAFragmentFloodOnceAndStayBounded() throws Exception {
        final List<byte[]> flood = new ArrayList<>();
        for (int id = 0; id < 10_000; id++) {
            flood.add(payload(new byte[64]).ipv4(CLIENT_V4, SERVER_V4, 17, 100, id, new byte[0]).ethernet(0x0800)
                    .bytes()); // later fragments (offset 800 bytes) of datagrams never seen
        }

        run(flood, LinkType.ETHERNET);

        assertThat(stats.notNtp()).isEqualTo(10_000);
        assertThat(problems.count(CaptureProblem.Kind.FRAGMENT_TABLE_FULL)).isEqualTo(1);
        assertThat(lines.toString()).startsWith("mem.pcap: frame ").contains("IP fragment table full")
                .hasLineCount(1);
    }

    @Test
    void shouldHoldBackRepeatedLinesAndSayHowManyOnFlush() throws Exception {
        final List<byte[]> zeros = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            zeros.add(ntpFrame(new byte[48])); // version 0: port 123 but not NTP
        }

        run(zeros, LinkType.ETHERNET);
        problems.flush();

        assertThat(emitted).hasSize(25).allSatisfy(line -> assertThat(line).endsWith("VERSION_ZERO"));
        assertThat(lines.toString().lines()).hasSize(ProblemLog.DEFAULT_LINES_PER_KIND + 1)
                .last().isEqualTo("mem.pcap: 5 more malformed ntp problems not shown");
    }
}
