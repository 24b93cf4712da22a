package org.ntpguard.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.capture.decode.NtpMessageTest.bytes;
import static org.ntpguard.capture.decode.NtpMessageTest.concat;
import static org.ntpguard.capture.decode.NtpMessageTest.entry;
import static org.ntpguard.capture.decode.NtpMessageTest.zeros;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** wrap() and every accessor allocate nothing once warm. */
class NtpMessageAllocationTest {
    private static final int PACKETS = 5_000;
    private static final long SLACK_BYTES = 1024;

    private final NtpMessage message = new NtpMessage();
    private final byte[] address = new byte[16];
    private final ByteBuffer[] packets = {
        ByteBuffer.wrap(concat(bytes(0x23, 2, 6, 0xec), zeros(44), bytes(0, 0, 0, 8), zeros(20))),
        ByteBuffer.wrap(concat(bytes(0xe4, 0, 3, 0xe9), zeros(8), bytes('R', 'A', 'T', 'E'), zeros(32))),
        ByteBuffer.wrap(concat(bytes(0x23, 0, 6, 0x20), zeros(44), bytes(0x01, 0x04, 0x00, 0x24), zeros(32),
            bytes(0x04, 0x04, 0x00, 0x28), zeros(36))),
        ByteBuffer.wrap(concat(bytes(0xd6, 0xa2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4), zeros(4))),
        ByteBuffer.wrap(bytes(0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00)),
        ByteBuffer.wrap(concat(bytes(0x97, 0x00, 0x03, 0x2a, 0x00, 0x02, 0x00, 0x48), entry(1, 2, 7, 2, 80, 3),
            entry(4, 5, 3, 4, 123, 6))),
        ByteBuffer.wrap(concat(bytes(0x97, 0x00, 0x03, 0x2a, 0x00, 0x06, 0x00, 0x48), zeros(72))),
        ByteBuffer.wrap(concat(bytes(0x23, 2, 6, 0xec), zeros(44), bytes(0x01, 0x04, 0x01, 0x00), zeros(28))),
        ByteBuffer.wrap(new byte[0]),
    };

    @Test
    void shouldNotAllocateWhenDecodingAfterWarmUp() {
        // given
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long sink = decodeAll(PACKETS * 4);

        // when
        final long before = threads.getThreadAllocatedBytes(thread);
        sink += decodeAll(PACKETS);
        final long after = threads.getThreadAllocatedBytes(thread);

        // then
        assertThat(sink).isNotZero();
        assertThat(after - before).isLessThan(SLACK_BYTES);
    }

    private long decodeAll(final int count) {
        long sink = 0;
        for (int i = 0; i < count; i++) {
            final ByteBuffer buffer = packets[i % packets.length];
            final MalformedReason reason = message.wrap(buffer, 0, buffer.capacity(), buffer.capacity());
            sink += null == reason ? 1 : reason.ordinal();
            sink += message.li() + message.version() + message.mode() + message.role().ordinal();
            if (message.hasStandardHeader()) {
                final NtpHeader h = message.header();
                sink += h.stratum() + h.poll() + h.precision() + h.refId() + h.refTime() + h.orgTime()
                    + h.recTime() + h.xmtTime() + h.rootDelayRaw() + h.rootDispersionRaw() + h.kissCodeRaw()
                    + h.kissCode().ordinal() + (long) (h.rootDelaySeconds() + h.rootDispersionSeconds());
                sink += message.extensionFields() + message.ntsExtensionFields() + message.macLength()
                    + message.keyId() + (message.isKissOfDeath() ? 1 : 0) + (message.isCryptoNak() ? 1 : 0);
            }
            if (message.hasControl()) {
                final NtpControlHeader c = message.control();
                sink += (c.response() ? 1 : 0) + (c.error() ? 1 : 0) + (c.more() ? 1 : 0) + c.opcode()
                    + c.opcodeEnum().ordinal() + c.sequence() + c.status() + c.associationId() + c.offset()
                    + c.count();
            }
            if (message.hasPrivate()) {
                final NtpPrivateHeader p = message.privateHeader();
                sink += (p.response() ? 1 : 0) + (p.more() ? 1 : 0) + (p.auth() ? 1 : 0) + p.sequence()
                    + p.implementation() + p.implementationEnum().ordinal() + p.requestCode()
                    + p.requestCodeEnum().ordinal() + p.error() + p.errorEnum().ordinal() + p.itemCount()
                    + p.itemSize();
                final int entries = message.monlistEntryCount();
                for (int e = 0; e < entries; e++) {
                    message.wrapEntry(e);
                    final MonlistEntryView v = message.monlistEntry();
                    sink += v.avgInterval() + v.lastInterval() + v.restrictFlags() + v.count() + v.flags()
                        + v.port() + v.mode() + v.version() + v.address(address) + v.localAddress(address);
                }
            }
        }
        return sink;
    }
}
