package org.ntpguard.cli.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.schema.NtpAlert;

/**
 * RFC 5424 messages sent to a real rsyslogd (Debian's rsyslog) over TCP and UDP, as rsyslog parses them: a wrong
 * frame length, or a structured-data value escaped wrongly, shows as a field that is not the one sent.
 */
class SyslogTargetTest {

    private static final AlertPayload PAYLOAD = AlertPayload.alertFields();

    @TempDir
    Path dir;

    private static List<String> fields(final String line) {
        return List.of(line.split("\t", 6));
    }

    @Test
    void shouldSendOctetCountedFramesOverTcpThatRsyslogParsesAsRfc5424() throws Exception {
        try (RsyslogServer rsyslog = RsyslogServer.start(dir)) {
            // given
            final long now = System.currentTimeMillis();
            final NtpAlert first = TestAlerts.victim("7d2e-1", "192.0.2.77", now, 0);
            final NtpAlert second = TestAlerts.victim("7d2e-2", "2001:db8::9", now, 3);

            // when: two messages on one connection
            try (SyslogTarget target = new SyslogTarget(rsyslog.tcpUrl(), PAYLOAD, Clock.systemUTC())) {
                target.deliver(first);
                target.deliver(second);
            }
            final List<String> received = rsyslog.awaitMessages(2);

            // then
            assertThat(received).hasSize(2);
            final List<String> one = fields(received.get(0));
            assertThat(one.get(0)).isEqualTo("130"); // local0 (16) * 8 + critical (2)
            assertThat(one.get(1)).isEqualTo("ntpguard");
            assertThat(one.get(2)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(one.get(3)).isEqualTo("AMPLIFICATION_VICTIM");
            assertThat(one.get(4)).startsWith("[ntpguard@32473 id=\"7d2e-1\" type=\"AMPLIFICATION_VICTIM\" "
                    + "severity=\"HIGH\" subject=\"192.0.2.77\" role=\"VICTIM\"")
                    .contains(" responseBytes=\"440000\" ")
                    .endsWith(" summary=\"192.0.2.77 received 1,000 responses [monlist\\] from \\\"1\\\" "
                            + "server\\\\x in 30 s\"]");
            assertThat(one.get(5)).isEqualTo(PAYLOAD.json(first));
            final List<String> two = fields(received.get(1));
            assertThat(two.get(4)).contains(" subject=\"2001:db8::9\" ").contains(" updates=\"3\" ");
            assertThat(two.get(5)).isEqualTo(PAYLOAD.json(second));
        }
    }

    @Test
    void shouldKeepAPayloadWithLineBreaksOneMessageOverTcp() throws Exception {
        try (RsyslogServer rsyslog = RsyslogServer.start(dir)) {
            // given: a payload shaped with line breaks, which a newline-framed receiver would cut in two
            final AlertPayload pretty = alert -> "{\n  \"id\": \"" + alert.getId() + "\"\n}";
            final NtpAlert first = TestAlerts.victim("7d2e-4", "192.0.2.4", System.currentTimeMillis(), 0);
            final NtpAlert second = TestAlerts.victim("7d2e-5", "192.0.2.5", System.currentTimeMillis(), 0);

            // when
            try (SyslogTarget target = new SyslogTarget(rsyslog.tcpUrl(), pretty, Clock.systemUTC())) {
                target.deliver(first);
                target.deliver(second);
            }
            final List<String> received = rsyslog.awaitMessages(2);

            // then: two messages, the line breaks inside them (rsyslog writes a control character as #ooo)
            assertThat(received).hasSize(2);
            assertThat(fields(received.get(0)).get(5)).isEqualTo("{#012  \"id\": \"7d2e-4\"#012}");
            assertThat(fields(received.get(1)).get(5)).isEqualTo("{#012  \"id\": \"7d2e-5\"#012}");
        }
    }

    @Test
    void shouldSendOneMessageADatagramOverUdp() throws Exception {
        try (RsyslogServer rsyslog = RsyslogServer.start(dir)) {
            // given
            final NtpAlert alert = TestAlerts.victim("7d2e-3", "198.51.100.7", System.currentTimeMillis(), 0);

            // when
            try (SyslogTarget target = new SyslogTarget(rsyslog.udpUrl(), PAYLOAD, Clock.systemUTC())) {
                target.deliver(alert);
            }
            final List<String> received = rsyslog.awaitMessages(1);

            // then
            assertThat(received).hasSize(1);
            assertThat(fields(received.get(0)).get(3)).isEqualTo("AMPLIFICATION_VICTIM");
            assertThat(fields(received.get(0)).get(4)).contains(" subject=\"198.51.100.7\" ");
            assertThat(fields(received.get(0)).get(5)).isEqualTo(PAYLOAD.json(alert));
        }
    }

    @Test
    void shouldRefuseAUrlWithoutTcpOrUdp() {
        assertThatThrownBy(() -> new SyslogTarget("syslog.example:514", PAYLOAD, Clock.systemUTC()))
                .hasMessage("--syslog: syslog.example:514 (expected: tcp://HOST[:PORT] or udp://HOST[:PORT])");
    }
}
