package org.ntpguard.capture.session;

import java.io.IOException;
import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.FrameDefect;
import org.ntpguard.capture.decode.PacketDecoder;
import org.ntpguard.capture.pcap.CaptureProblem;
import org.ntpguard.capture.pcap.CaptureProblems;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.pcap.CapturedFrame;
import org.ntpguard.capture.proto.LinkType;

/**
 * Drives captures through the decoder: every frame is read, decoded, counted, and either handed to the sink (NTP)
 * or reported with its file, frame and offset (damage). One session per capture thread; its decoder's fragment
 * table spans the inputs it reads, as a sensor's would.
 */
public final class CaptureSession {

    private final PacketDecoder decoder;
    private final DecodedPacket packet = new DecodedPacket();
    private final CapturedFrame frame = new CapturedFrame();
    private final DecodeStats stats;
    private final CaptureProblems problems;

    public CaptureSession(final DecodeStats stats, final CaptureProblems problems) {
        this(new PacketDecoder(), stats, problems);
    }

    public CaptureSession(final PacketDecoder decoder, final DecodeStats stats, final CaptureProblems problems) {
        this.decoder = decoder;
        this.stats = stats;
        this.problems = problems;
    }

    /**
     * Reads {@code reader} to its end, or until {@code limit} NTP datagrams went to the sink.
     *
     * @return the NTP datagrams handed to the sink
     */
    public long run(final CaptureReader reader, final PacketSink sink, final long limit) throws IOException {
        long emitted = 0;
        long evictionsSeen = decoder.fragmentEvictions();
        int unsupportedLinkType = -1;
        String unsupportedSource = null;
        while (emitted < limit && reader.next(frame)) {
            // Asked per frame: a merge of several files names the file of each frame.
            final String source = reader.source();
            final DecodeResult result = decoder.decode(frame, packet);
            stats.frame(result);
            switch (result) {
                case NTP -> {
                    stats.countNtp(packet);
                    if (packet.malformed() != null) {
                        stats.countMalformedNtp(packet.malformed());
                        problems.report(new CaptureProblem(source, frame.frameNumber(), frame.fileOffset(),
                                CaptureProblem.Kind.MALFORMED_NTP, "malformed NTP: " + packet.malformed().text()));
                    }
                    sink.accept(packet);
                    emitted++;
                }
                case TRUNCATED -> report(source, CaptureProblem.Kind.TRUNCATED_FRAME);
                case MALFORMED -> report(source, CaptureProblem.Kind.MALFORMED_FRAME);
                case UNSUPPORTED -> {
                    // One line per link type and input, not one per frame.
                    if (packet.defect() != FrameDefect.UNSUPPORTED_LINK_TYPE || frame.linkType() != unsupportedLinkType
                            || !source.equals(unsupportedSource)) {
                        unsupportedLinkType = frame.linkType();
                        unsupportedSource = source;
                        problems.report(new CaptureProblem(source, frame.frameNumber(), frame.fileOffset(),
                                CaptureProblem.Kind.UNSUPPORTED_FRAME, packet.defect() == FrameDefect.UNSUPPORTED_LINK_TYPE
                                        ? "link type " + LinkType.describe(frame.linkType())
                                        + " is not decoded: its frames are skipped"
                                        : packet.describeDefect()));
                    }
                }
                default -> {
                    // NOT_NTP and NTP_FRAGMENT are only counted.
                }
            }
            if (decoder.fragmentEvictions() != evictionsSeen) {
                if (evictionsSeen == 0) {
                    problems.report(new CaptureProblem(source, frame.frameNumber(), frame.fileOffset(),
                            CaptureProblem.Kind.FRAGMENT_TABLE_FULL, "IP fragment table full: more fragmented "
                                    + "datagrams in flight than it holds (a fragment flood?); the oldest are "
                                    + "forgotten and counted"));
                }
                evictionsSeen = decoder.fragmentEvictions();
            }
        }
        return emitted;
    }

    /** IP fragment table entries evicted while live, over the session. */
    public long fragmentEvictions() {
        return decoder.fragmentEvictions();
    }

    private void report(final String source, final CaptureProblem.Kind kind) {
        problems.report(new CaptureProblem(source, frame.frameNumber(), frame.fileOffset(), kind,
                packet.describeDefect() + " at frame byte " + packet.defectFrameOffset()));
    }
}
