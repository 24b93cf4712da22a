package org.ntpguard.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FragmentTableTest {

    private static final long SECOND = 1_000_000_000L;

    /** Source at 0, destination at 4: two IPv4 addresses. */
    private static ByteBuffer addresses(final int source, final int destination) {
        return ByteBuffer.allocate(8).putInt(0, source).putInt(4, destination);
    }

    @Test
    void shouldAttributeLaterFragmentsOnlyToTheDatagramRemembered() {
        final FragmentTable table = new FragmentTable(64, 30 * SECOND);
        final ByteBuffer pair = addresses(0x0A000001, 0x0A000002);

        table.rememberNtp(pair, 0, 4, 4, 7, SECOND);

        assertThat(table.isNtpFragment(pair, 0, 4, 4, 7, 2 * SECOND)).isTrue();
        assertThat(table.isNtpFragment(pair, 0, 4, 4, 8, 2 * SECOND)).isFalse();
        assertThat(table.isNtpFragment(addresses(0x0A000003, 0x0A000002), 0, 4, 4, 7, 2 * SECOND)).isFalse();
    }

    @Test
    void shouldForgetADatagramAfterTheTimeout() {
        final FragmentTable table = new FragmentTable(64, 30 * SECOND);
        final ByteBuffer pair = addresses(1, 2);

        table.rememberNtp(pair, 0, 4, 4, 7, SECOND);

        assertThat(table.isNtpFragment(pair, 0, 4, 4, 7, 32 * SECOND)).isFalse();
    }

    @Test
    void shouldStayBoundedUnderAFragmentFloodAndCountEvictions() {
        final FragmentTable table = new FragmentTable(256, 30 * SECOND);
        final ByteBuffer pair = addresses(1, 2);

        for (int id = 0; id < 100_000; id++) {
            table.isNtpFragment(pair, 0, 4, 4, id, SECOND);
        }

        assertThat(table.size(SECOND)).isLessThanOrEqualTo(256);
        assertThat(table.evictions()).isGreaterThan(100_000 - 256 - 1);
    }

    @Test
    void shouldStillRecogniseARecentNtpDatagramDuringAFlood() {
        final FragmentTable table = new FragmentTable(64, 30 * SECOND);
        final ByteBuffer victim = addresses(9, 10);
        final ByteBuffer flood = addresses(1, 2);
        table.rememberNtp(victim, 0, 4, 4, 99, 2 * SECOND);

        for (int id = 0; id < 1000; id++) {
            table.isNtpFragment(flood, 0, 4, 4, id, SECOND); // older than the NTP entry: evicted first
        }

        assertThat(table.evictions()).as("the flood overflowed the table").isGreaterThan(900);
        assertThat(table.isNtpFragment(victim, 0, 4, 4, 99, 2 * SECOND)).isTrue();
    }
}
