package org.ntpguard.schema.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ntpguard.schema.AlertRole;
import org.ntpguard.schema.AlertType;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.Severity;

class TimeTextTest {

    /** 2025-03-01T14:00:00.001Z. */
    private static final long T = 1_740_837_600_001L;

    @Test
    void shouldWriteIso8601InUtcWithAlwaysThreeFractionDigits() {
        assertThat(TimeText.isoMillis(T)).isEqualTo("2025-03-01T14:00:00.001Z");
        assertThat(TimeText.isoMillis(T - 1)).isEqualTo("2025-03-01T14:00:00.000Z");
        assertThat(TimeText.isoMillis(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(TimeText.isoMillis(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Test
    void shouldWriteEachAlertTimeInJsonAsIsoWithItsEpochNanosecondsAsDigitsBesideIt() {
        final NtpAlert alert = NtpAlert.newBuilder().setId("a").setType(AlertType.SCANNER)
                .setSeverity(Severity.MEDIUM).setSubject(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, (byte) 200}))
                .setRole(AlertRole.SCANNER).setUnsolicited(false).setWindowStart(T - 1).setWindowEnd(T + 29_999)
                .setFirstSeen(T).setLastSeen(T + 28_998).setRequests(1).setRequestBytes(48).setResponses(0)
                .setResponseBytes(0).setByteRatio(null).setDistinctPeers(1).setTopPeers(List.of())
                .setKissCodes(Map.of()).setSensors(List.of()).setSummary("s").setUpdates(0).build();

        final String json = JsonLines.append(new StringBuilder(), alert).toString();

        assertThat(json).contains("\"windowStart\":\"2025-03-01T14:00:00.000Z\","
                        + "\"windowStartNanos\":\"1740837600000000000\",",
                "\"windowEnd\":\"2025-03-01T14:00:30.000Z\",\"windowEndNanos\":\"1740837630000000000\",",
                "\"firstSeen\":\"2025-03-01T14:00:00.001Z\",\"firstSeenNanos\":\"1740837600001000000\",",
                "\"lastSeen\":\"2025-03-01T14:00:28.999Z\",\"lastSeenNanos\":\"1740837628999000000\",")
                .doesNotContain("1740837600.");
    }
}
