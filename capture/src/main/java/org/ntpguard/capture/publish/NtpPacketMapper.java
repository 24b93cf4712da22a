package org.ntpguard.capture.publish;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.MonlistEntryView;
import org.ntpguard.capture.decode.NtpControlHeader;
import org.ntpguard.capture.decode.NtpHeader;
import org.ntpguard.capture.decode.NtpMessage;
import org.ntpguard.capture.decode.NtpPrivateHeader;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.capture.proto.Ports;
import org.ntpguard.schema.MonlistEntry;
import org.ntpguard.schema.NtpControl;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.NtpPrivate;
import org.ntpguard.schema.Role;

/**
 * Builds the Avro event from a decoded packet: the publishing edge, and the only place per packet where objects are
 * allocated. Also decides who is the client of the exchange, the key that co-partitions a client's requests with
 * the responses sent to it.
 */
public final class NtpPacketMapper {

    private final String sensor;
    private final byte[] address = new byte[DecodedPacket.IPV6_ADDRESS_LENGTH];

    public NtpPacketMapper(final String sensor) {
        this.sensor = sensor;
    }

    public NtpPacket map(final DecodedPacket packet) {
        final NtpMessage ntp = packet.ntp();
        final ByteBuffer src = ByteBuffer.wrap(Arrays.copyOf(address, packet.source(address)));
        final ByteBuffer dst = ByteBuffer.wrap(Arrays.copyOf(address, packet.destination(address)));
        final Role role = ntp.role();
        final boolean clientIsSource = clientIsSource(packet, ntp, role);
        final NtpPacket.Builder event = NtpPacket.newBuilder()
                .setSensor(sensor)
                .setTs(packet.timestampNanos())
                .setFrame(packet.frameNumber())
                .setSrc(src)
                .setDst(dst)
                .setSport(packet.sourcePort())
                .setDport(packet.destinationPort())
                .setVlans(vlans(packet))
                .setTunnel(packet.tunnel().label())
                .setIpVersion(packet.ipVersion())
                .setIpLen(packet.ipLength())
                .setNtpLen(packet.ntpLength())
                .setFragmented(packet.fragmented())
                .setLi(ntp.li())
                .setVersion(ntp.version())
                .setMode(ntp.mode())
                .setExtensionFields(ntp.extensionFields())
                .setMacLength(ntp.macLength())
                .setKeyId(ntp.hasMac() ? ntp.keyId() : null)
                .setClientAddr(clientIsSource ? src : dst)
                .setServerAddr(clientIsSource ? dst : src)
                .setRole(role)
                .setMalformed(packet.malformed() == null ? null : packet.malformed().text());
        if (ntp.hasStandardHeader()) {
            standardHeader(event, ntp);
        }
        if (ntp.hasControl()) {
            event.setControl(control(ntp.control()));
        }
        if (ntp.hasPrivate()) {
            event.setPrivateHeader(privateHeader(ntp));
        }
        return event.build();
    }

    /**
     * The client sends requests (mode 3, mode 6/7 without R, symmetric active) and receives responses. A broadcast
     * server is the server. Without a usable mode, the port decides: the side that is not on 123 is the client, and
     * when both are, the source.
     */
    public static boolean clientIsSource(final DecodedPacket packet, final NtpMessage ntp, final Role role) {
        switch (role) {
            case REQUEST:
                return true;
            case RESPONSE:
            case BROADCAST:
                return false;
            case SYMMETRIC:
                return ntp.mode() == 1;
            default:
                return packet.sourcePort() != Ports.NTP || packet.destinationPort() == Ports.NTP;
        }
    }

    private static List<Integer> vlans(final DecodedPacket packet) {
        final int count = packet.vlanCount();
        if (count == 0) {
            return List.of();
        }
        final List<Integer> vlans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            vlans.add(packet.vlan(i));
        }
        return vlans;
    }

    private static void standardHeader(final NtpPacket.Builder event, final NtpMessage ntp) {
        final NtpHeader header = ntp.header();
        event.setStratum(header.stratum())
                .setPoll(header.poll())
                .setPrecision(header.precision())
                .setRootDelay(header.rootDelaySeconds())
                .setRootDispersion(header.rootDispersionSeconds())
                .setRefId(NtpHeader.appendHex(header.refId(), new StringBuilder(8)).toString())
                .setKissCode(ntp.isKissOfDeath() ? KissCode.text(header.kissCodeRaw()) : null)
                .setRefTime(header.refTime())
                .setOrgTime(header.orgTime())
                .setRecTime(header.recTime())
                .setXmtTime(header.xmtTime());
    }

    private static NtpControl control(final NtpControlHeader control) {
        return NtpControl.newBuilder()
                .setResponse(control.response())
                .setError(control.error())
                .setMore(control.more())
                .setOpcode(control.opcode())
                .setSequence(control.sequence())
                .setStatus(control.status())
                .setAssociationId(control.associationId())
                .setOffset(control.offset())
                .setCount(control.count())
                .build();
    }

    private NtpPrivate privateHeader(final NtpMessage ntp) {
        final NtpPrivateHeader header = ntp.privateHeader();
        return NtpPrivate.newBuilder()
                .setResponse(header.response())
                .setMore(header.more())
                .setAuth(header.auth())
                .setSequence(header.sequence())
                .setImplementation(header.implementation())
                .setRequestCode(header.requestCode())
                .setError(header.error())
                .setItemCount(header.itemCount())
                .setItemSize(header.itemSize())
                .setMonlistEntries(ntp.isMonlistResponse() ? monlistEntries(ntp) : null)
                .build();
    }

    private List<MonlistEntry> monlistEntries(final NtpMessage ntp) {
        final int count = ntp.monlistEntryCount();
        final List<MonlistEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count && ntp.wrapEntry(i); i++) {
            final MonlistEntryView entry = ntp.monlistEntry();
            entries.add(MonlistEntry.newBuilder()
                    .setAddr(ByteBuffer.wrap(Arrays.copyOf(address, entry.address(address))))
                    .setDaddr(entry.hasLocalAddress()
                            ? ByteBuffer.wrap(Arrays.copyOf(address, entry.localAddress(address))) : null)
                    .setPort(entry.port())
                    .setMode(entry.mode())
                    .setVersion(entry.version())
                    .setCount(entry.count())
                    .setAvgInterval(entry.avgInterval())
                    .setLastInterval(entry.lastInterval())
                    .setRestrictFlags(entry.restrictFlags())
                    .build());
        }
        return entries;
    }
}
