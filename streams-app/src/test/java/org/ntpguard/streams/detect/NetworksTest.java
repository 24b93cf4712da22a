package org.ntpguard.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ntpguard.streams.detect.Traffic.ip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetworksTest {

    private static final Networks NETWORKS = Networks.parse("10.0.0.0/8, 2001:db8::/32, 192.0.2.7");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.0, true", "10.255.255.255, true", "11.0.0.0, false", "9.255.255.255, false",
        "192.0.2.7, true", "192.0.2.8, false",
        "2001:db8::1, true", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true", "2001:db9::, false"})
    void shouldMatchPrefixesWhenGivenAnAddress(final String address, final boolean contained) {
        assertThat(NETWORKS.contains(ip(address))).isEqualTo(contained);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "127.0.0.1, true", "10.1.2.3, true", "172.16.0.1, true", "172.31.255.255, true", "172.32.0.0, false",
        "192.168.1.1, true", "169.254.0.1, true", "192.0.2.5, false", "8.8.8.8, false",
        "::1, true", "fd00::1, true", "fe80::1, true", "fec0::1, false", "2001:db8::1, false"})
    void shouldTrustPrivateAndLoopbackWhenDefault(final String address, final boolean trusted) {
        assertThat(Networks.privateAndLoopback().contains(ip(address))).isEqualTo(trusted);
    }

    @Test
    void shouldKeepIpv4MappedIpv6OutOfIpv4PrefixesWhenSeenOnTheWire() {
        // InetAddress parses "::ffff:10.0.0.1" to IPv4, so build the 16 wire bytes directly.
        final IpAddress mapped = new IpAddress(0, 0x0000_FFFF_0A00_0001L, true);

        assertThat(NETWORKS.contains(mapped)).isFalse();
    }

    @Test
    void shouldPrintParseableTextWhenFormatted() {
        assertThat(NETWORKS.toString()).isEqualTo("10.0.0.0/8, 2001:db8::/32, 192.0.2.7/32");
        assertThat(Networks.parse(NETWORKS.toString())).isEqualTo(NETWORKS);
        assertThat(Networks.parse(" ").isEmpty()).isTrue();
        assertThat(Networks.parse("0.0.0.0/0").contains(ip("203.0.113.1"))).isTrue();
    }

    @Test
    void shouldReturnTheLongestPrefixWhenSeveralMatch() {
        final Networks nested = Networks.parse("10.0.0.0/8 10.1.0.0/16 ::/0");

        assertThat(nested.mostSpecificMatch(ip("10.1.2.3"))).contains("10.1.0.0/16");
        assertThat(nested.mostSpecificMatch(ip("10.2.2.3"))).contains("10.0.0.0/8");
        assertThat(nested.mostSpecificMatch(ip("2001:db8::1"))).contains("::/0");
        assertThat(nested.mostSpecificMatch(ip("11.0.0.1"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8, banana | bad network 'banana'",
        "10.0.0.0/33 | bad prefix length in '10.0.0.0/33' (expected: 0 ~ 32)",
        "2001:db8::/129 | bad prefix length in '2001:db8::/129' (expected: 0 ~ 128)",
        "10.0.0.1/8 | host bits set in '10.0.0.1/8' (expected: 10.0.0.0/8)",
        "10.0.0.0/x | bad prefix length in '10.0.0.0/x'",
        "example.com | bad network 'example.com'"})
    void shouldNameTheBadEntryWhenParsingFails(final String text, final String message) {
        assertThatThrownBy(() -> Networks.parse(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
