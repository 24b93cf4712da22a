package org.ntpguard.schema;

import java.nio.ByteBuffer;
import java.util.List;

/** A fully populated NtpPacket for tests. */
final class NtpPackets {

    private NtpPackets() {
    }

    static NtpPacket monlistResponse() {
        final MonlistEntry victim = MonlistEntry.newBuilder()
                .setAddr(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 66}))
                .setDaddr(ByteBuffer.wrap(new byte[] {(byte) 198, 18, 0, 1}))
                .setPort(40005).setMode(7).setVersion(2).setCount(11).setAvgInterval(1).setLastInterval(0)
                .setRestrictFlags(0).build();
        return NtpPacket.newBuilder()
                .setSensor("s1").setTs(1_740_834_000_123_456_789L).setFrame(7)
                .setSrc(ByteBuffer.wrap(new byte[] {(byte) 198, 18, 0, 1}))
                .setDst(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 66}))
                .setSport(123).setDport(40005).setVlans(List.of(100, 200)).setTunnel(null)
                .setIpVersion(4).setIpLen(468).setNtpLen(440).setFragmented(false)
                .setLi(0).setVersion(2).setMode(7)
                .setPrivateHeader(NtpPrivate.newBuilder().setResponse(true).setMore(true).setAuth(false)
                        .setSequence(0).setImplementation(3).setRequestCode(42).setError(0).setItemCount(6)
                        .setItemSize(72).setMonlistEntries(List.of(victim)).build())
                .setClientAddr(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 66}))
                .setServerAddr(ByteBuffer.wrap(new byte[] {(byte) 198, 18, 0, 1}))
                .setRole(Role.RESPONSE).setMalformed(null)
                .build();
    }
}
