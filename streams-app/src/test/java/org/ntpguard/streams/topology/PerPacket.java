package org.ntpguard.streams.topology;

import java.util.ArrayList;
import java.util.List;
import org.ntpguard.schema.NtpFlow;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.PacketEvent;
import org.ntpguard.streams.detect.PairFlow;

/**
 * The per-packet detector's reduction of an {@code NtpPacket} to a {@link PacketEvent} (what its topology read
 * before flows), kept as the reference the flows are compared with; and the flows of {@link SensorFlows} as the
 * topology reads them.
 */
final class PerPacket {

    private static final int MODE_SERVER = 4;

    private PerPacket() {
    }

    static PacketEvent event(final NtpPacket packet) {
        final PacketEvent.Kind kind = switch (packet.getRole()) {
            case REQUEST -> PacketEvent.Kind.REQUEST;
            case RESPONSE -> PacketEvent.Kind.RESPONSE;
            default -> PacketEvent.Kind.OTHER;
        };
        return new PacketEvent(
                Math.floorDiv(packet.getTs(), 1_000_000L),
                IpAddress.of(packet.getClientAddr()),
                IpAddress.of(packet.getServerAddr()),
                kind,
                packet.getMode(),
                packet.getNtpLen(),
                packet.getControl() == null ? -1 : packet.getControl().getOpcode(),
                packet.getPrivateHeader() == null ? -1 : packet.getPrivateHeader().getRequestCode(),
                packet.getKissCode(),
                kind == PacketEvent.Kind.RESPONSE && isUnsynchronizedAnswer(packet),
                packet.getSensor());
    }

    /** LI=3, or stratum 0 or 16+, in a mode 4 answer that is neither a KoD nor a crypto-NAK (RFC 5905 §7.3). */
    private static boolean isUnsynchronizedAnswer(final NtpPacket packet) {
        if (packet.getMode() != MODE_SERVER || packet.getKissCode() != null || packet.getStratum() == null) {
            return false;
        }
        final boolean cryptoNak = packet.getKeyId() != null && packet.getMacLength() == 0;
        final int stratum = packet.getStratum();
        return !cryptoNak && (packet.getLi() == 3 || stratum == 0 || stratum >= 16);
    }

    /** The flows of the intervals as the topology reads them, in order. */
    static List<PairFlow> flows(final List<SensorFlows.Interval> intervals) {
        final List<PairFlow> flows = new ArrayList<>();
        for (final SensorFlows.Interval interval : intervals) {
            for (final NtpFlow flow : interval.flows().flows()) {
                flows.add(org.ntpguard.streams.serde.FlowBatchReader.from(flow, interval.sensor()));
            }
        }
        return flows;
    }
}
