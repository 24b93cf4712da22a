package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import org.ntpguard.schema.NtpControl;
import org.ntpguard.schema.NtpPacket;
import org.ntpguard.schema.NtpPrivate;
import org.ntpguard.schema.Role;
import org.ntpguard.streams.detect.IpAddress;

/** NtpPacket records as a sensor emits them, for topology tests. */
final class Packets {

    static final long T0 = 1_740_830_400_000L; // 2025-03-01 12:00:00 UTC, a window boundary for 30 s windows

    private Packets() {
    }

    private static NtpPacket.Builder base(final long millis, final String src, final String dst, final int sport,
                                          final int dport, final int ntpLen) {
        return NtpPacket.newBuilder()
                .setSensor("s1").setTs(millis * 1_000_000L).setFrame(1)
                .setSrc(address(src)).setDst(address(dst)).setSport(sport).setDport(dport)
                .setIpVersion(src.contains(":") ? 6 : 4).setIpLen(ntpLen + 28).setNtpLen(ntpLen).setFragmented(false)
                .setLi(0);
    }

    static ByteBuffer address(final String text) {
        return IpAddress.parse(text).toByteBuffer();
    }

    /** Mode 3, 48 bytes. */
    static NtpPacket clientRequest(final long millis, final String client, final String server) {
        return base(millis, client, server, 40000, 123, 48).setVersion(4).setMode(3).setStratum(0).setPoll(6)
                .setPrecision(-20).setRefId("00000000").setRefTime(0L).setOrgTime(0L).setRecTime(0L).setXmtTime(1L)
                .setClientAddr(address(client)).setServerAddr(address(server)).setRole(Role.REQUEST).build();
    }

    /** Mode 4, 48 bytes, stratum 2 (or a KoD when {@code kissCode} is set). */
    static NtpPacket serverResponse(final long millis, final String server, final String client,
                                    final String kissCode) {
        return base(millis, server, client, 123, 40000, 48).setVersion(4).setMode(4)
                .setLi(kissCode == null ? 0 : 3).setStratum(kissCode == null ? 2 : 0).setPoll(6).setPrecision(-23)
                .setRefId(kissCode == null ? "c0000201" : "52415445").setKissCode(kissCode)
                .setRefTime(1L).setOrgTime(1L).setRecTime(2L).setXmtTime(3L)
                .setClientAddr(address(client)).setServerAddr(address(server)).setRole(Role.RESPONSE).build();
    }

    /** Mode 4, 48 bytes, from a server declaring itself unsynchronized: LI=3 (alarm), stratum 16, no kiss code. */
    static NtpPacket unsynchronizedResponse(final long millis, final String server, final String client) {
        return base(millis, server, client, 123, 40000, 48).setVersion(4).setMode(4).setLi(3).setStratum(16)
                .setPoll(6).setPrecision(-23).setRefId("494e4954").setRefTime(0L).setOrgTime(1L).setRecTime(2L)
                .setXmtTime(3L).setClientAddr(address(client)).setServerAddr(address(server))
                .setRole(Role.RESPONSE).build();
    }

    /** Mode 7 MON_GETLIST_1 probe, 8 bytes, claiming to come from {@code claimedClient}. */
    static NtpPacket monlistProbe(final long millis, final String claimedClient, final String server) {
        return base(millis, claimedClient, server, 40000, 123, 8).setVersion(2).setMode(7)
                .setPrivateHeader(privateHeader(false, 0, 0))
                .setClientAddr(address(claimedClient)).setServerAddr(address(server)).setRole(Role.REQUEST).build();
    }

    /** Mode 7 MON_GETLIST_1 response: 440 bytes, 6 entries (entries themselves left out). */
    static NtpPacket monlistReply(final long millis, final String server, final String client, final int sequence) {
        return base(millis, server, client, 123, 40000, 440).setVersion(2).setMode(7)
                .setPrivateHeader(privateHeader(true, sequence, 6))
                .setClientAddr(address(client)).setServerAddr(address(server)).setRole(Role.RESPONSE).build();
    }

    /** Mode 6 READVAR request (12 bytes) or response (468 bytes). */
    static NtpPacket readvar(final long millis, final String from, final String to, final boolean response) {
        final NtpControl control = NtpControl.newBuilder().setResponse(response).setError(false).setMore(false)
                .setOpcode(2).setSequence(1).setStatus(response ? 0x0615 : 0).setAssociationId(0).setOffset(0)
                .setCount(response ? 456 : 0).build();
        return base(millis, from, to, response ? 123 : 41234, response ? 41234 : 123, response ? 468 : 12)
                .setVersion(2).setMode(6).setControl(control)
                .setClientAddr(address(response ? to : from)).setServerAddr(address(response ? from : to))
                .setRole(response ? Role.RESPONSE : Role.REQUEST).build();
    }

    private static NtpPrivate privateHeader(final boolean response, final int sequence, final int items) {
        return NtpPrivate.newBuilder().setResponse(response).setMore(false).setAuth(false).setSequence(sequence)
                .setImplementation(3).setRequestCode(42).setError(0).setItemCount(items).setItemSize(72).build();
    }
}
