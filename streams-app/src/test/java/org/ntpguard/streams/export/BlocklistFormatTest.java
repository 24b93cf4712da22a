package org.ntpguard.streams.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ntpguard.streams.export.Entries.HOST_V4;
import static org.ntpguard.streams.export.Entries.HOST_V6;
import static org.ntpguard.streams.export.Entries.INSIDE_PREFIX_V4;
import static org.ntpguard.streams.export.Entries.NOW;
import static org.ntpguard.streams.export.Entries.ONE_HOUR;
import static org.ntpguard.streams.export.Entries.PREFIX_V4;
import static org.ntpguard.streams.export.Entries.PREFIX_V6;
import static org.ntpguard.streams.export.Entries.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Severity;

/** Every feed over a small mixed list; Cisco, Junos and ExaBGP against a line grammar each (no tool at hand). */
class BlocklistFormatTest {

    private static final String IPV4 = "(?:\\d{1,3}\\.){3}\\d{1,3}";
    private static final String IPV6 = "[0-9a-f:]*:[0-9a-f:.]*";

    private static List<String> lines(final BlocklistFormat format, final BlocklistSnapshot snapshot,
                                      final FeedSettings settings) {
        final String text = format.render(snapshot, NOW, settings);
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    }

    private static List<String> lines(final BlocklistFormat format) {
        return lines(format, Entries.mixed(), ONE_HOUR);
    }

    /** Checks the text is a real address of the family, via the same parser the detector's configuration uses. */
    private static void assertAddress(final String text, final boolean ipv6) {
        assertThat(IpAddress.parse(text).ipv6()).as(text).isEqualTo(ipv6);
    }

    private static void assertGrammar(final List<String> lines, final Pattern... rules) {
        assertThat(lines).allSatisfy(line -> assertThat(rules).as("no rule for: %s", line)
                .anySatisfy(rule -> assertThat(rule.matcher(line).matches()).isTrue()));
    }

    @Test
    void shouldListSingleAddressesBareAndPrefixesAsCidrIpv4FirstWhenText() {
        assertThat(lines(BlocklistFormat.TEXT)).containsExactly("192.0.2.1", "198.51.100.0/24", "198.51.100.7",
                "2001:db8::66", "2001:db8:1::/48");
    }

    @Test
    void shouldKeepTheMostSevereThenTheMostRecentWhenCapped() {
        final BlocklistSnapshot snapshot = BlocklistSnapshot.of(List.of(
                entry("203.0.113.1/32", Severity.LOW, -1_000, 60_000),
                entry("203.0.113.2/32", Severity.MEDIUM, -50_000, 60_000),
                entry("203.0.113.3/32", Severity.MEDIUM, -5_000, 60_000),
                entry("203.0.113.4/32", Severity.HIGH, -900_000, 60_000),
                entry("2001:db8::4/128", Severity.INFO, 0, 60_000)));

        final List<String> capped = lines(BlocklistFormat.TEXT, snapshot, new FeedSettings(Duration.ofHours(1), 2));

        assertThat(capped).containsExactly("203.0.113.3", "203.0.113.4");
    }

    @ParameterizedTest
    @EnumSource(BlocklistFormat.class)
    void shouldApplyTheCapToEveryFormatWhenCapped(final BlocklistFormat format) {
        final String capped = format.render(Entries.mixed(), NOW, new FeedSettings(Duration.ofHours(1), 2));

        // The two HIGH entries stay; the others go, whatever the format.
        assertThat(capped).contains("192.0.2.1", "2001:db8::66").doesNotContain("198.51.100", "2001:db8:1:");
    }

    @Test
    void shouldLowerButNeverRaiseTheConfiguredLimitWhenARequestAsks() {
        final FeedSettings capped = new FeedSettings(Duration.ofHours(1), 50_000);

        assertThat(capped.limitedTo(10).limit()).isEqualTo(10);
        assertThat(capped.limitedTo(150_000).limit()).isEqualTo(50_000);
        assertThat(ONE_HOUR.limitedTo(150_000).limit()).isEqualTo(150_000);
    }

    @ParameterizedTest
    @EnumSource(BlocklistFormat.class)
    void shouldRenderTheSameTextWhateverTheOrderOfTheEntries(final BlocklistFormat format) {
        final List<BlockEntry> shuffled = new ArrayList<>(Entries.mixed().entries());
        Collections.shuffle(shuffled, new Random(7));

        assertThat(format.render(BlocklistSnapshot.of(shuffled), NOW, ONE_HOUR))
                .isEqualTo(format.render(Entries.mixed(), NOW, ONE_HOUR));
    }

    @Test
    void shouldCountTimeoutsFromNowAndGiveEntriesExpiredByTheWallClockTheFullExpiry() {
        assertThat(FeedEntries.timeoutSeconds(HOST_V4, NOW, ONE_HOUR)).isEqualTo(91);
        assertThat(FeedEntries.timeoutSeconds(HOST_V6, NOW, ONE_HOUR)).isEqualTo(10);
        assertThat(FeedEntries.timeoutSeconds(INSIDE_PREFIX_V4, NOW, ONE_HOUR)).isEqualTo(3600);
        assertThat(FeedEntries.timeoutSeconds(HOST_V4, NOW.plusSeconds(91), ONE_HOUR)).isEqualTo(3600);
        assertThat(FeedEntries.timeoutSeconds(HOST_V4, NOW, new FeedSettings(Duration.ofDays(365), 0)))
                .isEqualTo(91);
        assertThat(FeedEntries.timeoutSeconds(INSIDE_PREFIX_V4, NOW, new FeedSettings(Duration.ofDays(365), 0)))
                .isEqualTo(FeedEntries.MAX_TIMEOUT_SECONDS);
    }

    @Test
    void shouldNeverGiveMoreThanTheExpiryWhenTheEntrysClockRunsAhead() {
        final BlockEntry ahead = entry("203.0.113.9/32", Severity.MEDIUM, 7_200_000, 10_800_000);

        assertThat(FeedEntries.timeoutSeconds(ahead, NOW, ONE_HOUR)).isEqualTo(3600);
    }

    @Test
    void shouldCreateSwapAndAddEachEntryToItsFamilysSetWithItsTimeoutWhenIpset() {
        final List<String> lines = lines(BlocklistFormat.IPSET);

        assertGrammar(lines,
                Pattern.compile("# .*"),
                Pattern.compile("create ntpguard-v[46](-next)? hash:net family inet6? timeout 3600 maxelem \\d+ -exist"),
                Pattern.compile("flush ntpguard-v[46]-next"),
                Pattern.compile("add ntpguard-v4-next " + IPV4 + "(/\\d{1,2})? timeout \\d+ -exist"),
                Pattern.compile("add ntpguard-v6-next " + IPV6 + "(/\\d{1,3})? timeout \\d+ -exist"),
                Pattern.compile("swap ntpguard-v([46])-next ntpguard-v\\1"),
                Pattern.compile("destroy ntpguard-v[46]-next"));
        assertThat(lines).contains("add ntpguard-v4-next 192.0.2.1 timeout 91 -exist",
                "add ntpguard-v4-next 198.51.100.7 timeout 3600 -exist",
                "add ntpguard-v6-next 2001:db8::66 timeout 10 -exist",
                "add ntpguard-v6-next 2001:db8:1::/48 timeout 20 -exist");
        assertThat(lines.stream().filter(line -> line.startsWith("add "))).hasSize(5);
        assertThat(lines).containsSubsequence("create ntpguard-v6 hash:net family inet6 timeout 3600 maxelem "
                + BlocklistFormat.IPSET_MAX_ELEMENTS + " -exist", "add ntpguard-v6-next 2001:db8::66 timeout 10 -exist",
                "swap ntpguard-v6-next ntpguard-v6", "destroy ntpguard-v6-next");
    }

    @Test
    void shouldDeclareIntervalSetsWithElementTimeoutsAndLeaveOutCoveredEntriesWhenNftables() {
        final String script = BlocklistFormat.NFTABLES.render(Entries.mixed(), NOW, ONE_HOUR);

        assertThat(script.lines()).containsSubsequence("table inet ntpguard", "delete table inet ntpguard",
                "table inet ntpguard {", "\t\ttype ipv4_addr", "\t\tflags interval,timeout", "\t\ttimeout 3600s",
                "\t\ttype ipv6_addr");
        assertThat(script).contains("192.0.2.1 timeout 91s", "198.51.100.0/24 timeout 3000s",
                "2001:db8::66 timeout 10s", "2001:db8:1::/48 timeout 20s",
                "ip saddr @blocklist_v4 udp sport 123 drop", "ip6 saddr @blocklist_v6 udp dport 123 drop");
        // nftables refuses overlapping intervals: the address inside the listed /24 must not be there.
        assertThat(script).doesNotContain("198.51.100.7");
    }

    @Test
    void shouldDenyNtpFromEachSourceAndPermitTheRestInBothAclsWhenCisco() {
        final List<String> lines = lines(BlocklistFormat.CISCO);
        final String source = "(host " + IPV4 + "|" + IPV4 + " " + IPV4 + ")";
        final String source6 = "(host " + IPV6 + "|" + IPV6 + "/\\d{1,3})";

        assertGrammar(lines,
                Pattern.compile("! .*"),
                Pattern.compile("(no )?ip access-list extended NTPGUARD-BLOCK"),
                Pattern.compile(" deny udp " + source + " eq 123 any"),
                Pattern.compile(" deny udp " + source + " any eq 123"),
                Pattern.compile(" permit ip any any"),
                Pattern.compile("(no )?ipv6 access-list NTPGUARD-BLOCK-V6"),
                Pattern.compile(" deny udp " + source6 + " eq 123 any"),
                Pattern.compile(" deny udp " + source6 + " any eq 123"),
                Pattern.compile(" permit ipv6 any any"));
        assertThat(lines).containsSubsequence("ip access-list extended NTPGUARD-BLOCK",
                " deny udp host 192.0.2.1 eq 123 any", " deny udp 198.51.100.0 0.0.0.255 eq 123 any",
                " permit ip any any", "ipv6 access-list NTPGUARD-BLOCK-V6", " deny udp host 2001:db8::66 eq 123 any",
                " deny udp 2001:db8:1::/48 any eq 123");
        assertThat(lines).last().isEqualTo(" permit ipv6 any any");
        assertThat(lines.stream().filter(line -> line.startsWith(" deny "))).hasSize(2 * 5);
        for (final String line : lines) {
            if (line.startsWith(" deny udp host ")) {
                assertAddress(line.split(" ")[4], line.contains(":"));
            }
        }
    }

    @Test
    void shouldReplaceThePrefixListWithSetCommandsWhenJunos() {
        final List<String> lines = lines(BlocklistFormat.JUNOS);
        final Pattern member = Pattern.compile("set policy-options prefix-list ntpguard-block (\\S+)/(\\d{1,3})");

        assertThat(lines).startsWith("delete policy-options prefix-list ntpguard-block",
                "set policy-options prefix-list ntpguard-block");
        assertGrammar(lines.subList(2, lines.size()), member);
        assertThat(lines.subList(2, lines.size())).hasSize(5).allSatisfy(line -> {
            final var match = member.matcher(line);
            assertThat(match.matches()).isTrue();
            final IpAddress address = IpAddress.parse(match.group(1));
            final int length = Integer.parseInt(match.group(2));
            assertThat(length).isBetween(0, address.ipv6() ? 128 : 32);
            assertThat(address.masked(length)).as("no host bits: %s", line).isEqualTo(address);
        });
        assertThat(lines).contains("set policy-options prefix-list ntpguard-block 192.0.2.1/32",
                "set policy-options prefix-list ntpguard-block 2001:db8::66/128");
    }

    @Test
    void shouldAnnounceOneDiscardRoutePerEntryInExabgpSyntaxWhenFlowspec() {
        final List<String> lines = lines(BlocklistFormat.FLOWSPEC);
        final String then = " port =123; \\} then \\{ discard; \\} \\}";

        assertGrammar(lines,
                Pattern.compile("announce flow route \\{ match \\{ source " + IPV4 + "/\\d{1,2}; protocol udp;" + then),
                Pattern.compile("announce flow route \\{ match \\{ source " + IPV6 + "/\\d{1,3}/0; next-header udp;"
                        + then));
        assertThat(lines).hasSize(5).contains(
                "announce flow route { match { source 192.0.2.1/32; protocol udp; port =123; } then { discard; } }",
                "announce flow route { match { source 2001:db8::66/128/0; next-header udp; port =123; } then "
                        + "{ discard; } }");
    }

    @Test
    void shouldGiveEachEntryItsFieldsWithIsoAndEpochTimesWhenJson() throws Exception {
        final JsonNode array = new ObjectMapper().readTree(BlocklistFormat.JSON.render(Entries.mixed(), NOW,
                ONE_HOUR));

        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(5);
        final JsonNode first = array.get(0);
        assertThat(first.get("address").asText()).isEqualTo("192.0.2.1");
        assertThat(first.get("prefixLength").asInt()).isEqualTo(32);
        assertThat(first.get("severity").asText()).isEqualTo("HIGH");
        assertThat(first.get("reason").asText()).isEqualTo(HOST_V4.reason());
        assertThat(first.get("alertIds").get(0).asText()).isEqualTo(HOST_V4.alertIds().get(0));
        // the nanoseconds as a string of digits: as a JSON number, a double-based reader would round them
        assertThat(first.get("expiresAtNanos").isTextual()).isTrue();
        assertThat(Long.parseLong(first.get("expiresAtNanos").asText())).isEqualTo(HOST_V4.expiresAt() * 1_000_000L);
        for (final JsonNode entry : array) {
            for (final String time : List.of("firstSeen", "lastSeen", "expiresAt")) {
                assertThat(entry.get(time).asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
                final Instant iso = Instant.parse(entry.get(time).asText());
                assertThat(iso.getEpochSecond() * 1_000_000_000L + iso.getNano())
                        .isEqualTo(Long.parseLong(entry.get(time + "Nanos").asText()));
            }
            assertThat(entry.has("expiresAtMillis")).isFalse();
        }
        assertThat(array.get(4).get("address").asText() + "/" + array.get(4).get("prefixLength").asInt())
                .isEqualTo("2001:db8:1::/48");
    }

    @Test
    void shouldStayValidWhenTheListIsEmpty() throws Exception {
        final BlocklistSnapshot empty = BlocklistSnapshot.of(List.of());

        assertThat(BlocklistFormat.TEXT.render(empty, NOW, ONE_HOUR)).isEmpty();
        assertThat(BlocklistFormat.FLOWSPEC.render(empty, NOW, ONE_HOUR)).isEmpty();
        assertThat(new ObjectMapper().readTree(BlocklistFormat.JSON.render(empty, NOW, ONE_HOUR))).isEmpty();
        assertThat(BlocklistFormat.IPSET.render(empty, NOW, ONE_HOUR)).doesNotContain("\nadd ")
                .contains("swap ntpguard-v4-next ntpguard-v4");
        assertThat(BlocklistFormat.NFTABLES.render(empty, NOW, ONE_HOUR)).doesNotContain("elements")
                .contains("type ipv6_addr");
        assertThat(lines(BlocklistFormat.CISCO, empty, ONE_HOUR)).noneMatch(line -> line.startsWith(" deny"))
                .contains(" permit ip any any", " permit ipv6 any any");
        assertThat(lines(BlocklistFormat.JUNOS, empty, ONE_HOUR)).containsExactly(
                "delete policy-options prefix-list ntpguard-block", "set policy-options prefix-list ntpguard-block");
    }

    @Test
    void shouldServeEachFormatAtItsOwnPathAndFile() {
        for (final BlocklistFormat format : BlocklistFormat.values()) {
            assertThat(BlocklistFormat.forPath(format.path())).contains(format);
        }
        assertThat(BlocklistFormat.forPath("/blocklist/")).isEmpty();
        assertThat(BlocklistFormat.forPath("/blocklist.txt/x")).isEmpty();
        assertThat(java.util.Arrays.stream(BlocklistFormat.values()).map(BlocklistFormat::fileName).distinct())
                .hasSize(BlocklistFormat.values().length);
    }

    @ParameterizedTest
    @EnumSource(value = BlocklistFormat.class, names = "JSON", mode = EnumSource.Mode.EXCLUDE)
    void shouldListNothingButCountTheWouldBeEntriesWhenMonitorOnly(final BlocklistFormat format) {
        final List<String> enforcing = lines(format);
        final List<String> monitoring = lines(format, Entries.mixed(), ONE_HOUR.in(FeedMode.MONITOR));

        assertThat(monitoring.get(0)).matches("[#!] ntpguard blocklist, monitor-only: 5 entries would be listed.*");
        // After the comment, the script of an empty list: applied, it unblocks what an enforcing one blocked.
        assertThat(String.join("\n", enforcing)).contains("192.0.2.1");
        assertThat(monitoring.subList(1, monitoring.size()))
                .isEqualTo(lines(format, BlocklistSnapshot.of(List.of()), ONE_HOUR));
    }

    @Test
    void shouldListTheWouldBeEntriesNotEnforcedInJsonWhenMonitorOnly() throws Exception {
        final JsonNode enforcing = new ObjectMapper().readTree(BlocklistFormat.JSON.render(Entries.mixed(), NOW,
                ONE_HOUR));
        final JsonNode monitoring = new ObjectMapper().readTree(BlocklistFormat.JSON.render(Entries.mixed(), NOW,
                ONE_HOUR.in(FeedMode.MONITOR)));

        assertThat(monitoring).hasSize(5);
        assertThat(monitoring).allSatisfy(entry -> assertThat(entry.get("enforced").asBoolean(true)).isFalse());
        assertThat(enforcing).allSatisfy(entry -> assertThat(entry.get("enforced").asBoolean(false)).isTrue());
        for (int i = 0; i < 5; i++) {
            assertThat(monitoring.get(i).get("address")).isEqualTo(enforcing.get(i).get("address"));
        }
    }
}
