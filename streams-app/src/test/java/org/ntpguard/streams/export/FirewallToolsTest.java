package org.ntpguard.streams.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.ntpguard.streams.export.Entries.NOW;
import static org.ntpguard.streams.export.Entries.ONE_HOUR;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.streams.detect.BlockEntry;

/**
 * The ipset and nftables scripts loaded by the real tools, each in a network namespace of its own ({@code unshare
 * -n}) so that the host's firewall is never touched. Needs root (CI runs as root); skipped otherwise.
 */
class FirewallToolsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRootAndTheTools() throws Exception {
        assumeTrue(run("id -u").output().trim().equals("0"), "not root: ipset and nft need CAP_NET_ADMIN");
        assumeTrue(run("unshare -n true").status() == 0, "unshare -n is not permitted here");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ipset")), "ipset is not installed (apt-get install ipset)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nft is not installed (apt-get install nftables)");
    }

    private record Result(int status, String output) {
    }

    /** Runs a shell command (with {@code $1}, {@code $2}... bound to the arguments); stdout and stderr together. */
    private static Result run(final String command, final Object... args) throws IOException, InterruptedException {
        final List<String> argv = new ArrayList<>(List.of("sh", "-c", command, "sh"));
        for (final Object arg : args) {
            argv.add(arg.toString());
        }
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), output);
    }

    /** Runs the command in a fresh network namespace, which vanishes with it. */
    private static Result inNamespace(final String command, final Object... args) throws Exception {
        final Object[] all = new Object[args.length];
        System.arraycopy(args, 0, all, 0, args.length);
        final StringBuilder quoted = new StringBuilder("unshare -n sh -c '" + command + "' sh");
        for (int i = 1; i <= args.length; i++) {
            quoted.append(" \"$").append(i).append('"');
        }
        return run(quoted.toString(), all);
    }

    private Path script(final String name, final BlocklistFormat format, final BlocklistSnapshot snapshot)
            throws IOException {
        return Files.writeString(dir.resolve(name), format.render(snapshot, NOW, ONE_HOUR));
    }

    /** The members of a set in {@code ipset save} output: {@code add SET MEMBER timeout N}. */
    private static Set<String> members(final String save, final String set) {
        final Set<String> members = new TreeSet<>();
        for (final String line : save.split("\n")) {
            final String[] words = line.split(" ");
            if (words.length >= 3 && words[0].equals("add") && words[1].equals(set)) {
                members.add(words[2]);
            }
        }
        return members;
    }

    private static Set<String> expected(final BlocklistSnapshot snapshot, final boolean ipv6) {
        final Set<String> members = new TreeSet<>();
        for (final BlockEntry entry : snapshot.entries()) {
            if (entry.address().ipv6() == ipv6) {
                members.add(FeedEntries.addressOrPrefix(entry));
            }
        }
        return members;
    }

    @Test
    void shouldLoadTheIpsetScriptTwiceAndHoldExactlyTheEntries() throws Exception {
        final BlocklistSnapshot snapshot = Entries.mixed();
        final Path script = script("blocklist.ipset", BlocklistFormat.IPSET, snapshot);

        final Result result = inNamespace("ipset restore < \"$1\" && ipset restore < \"$1\" && ipset save", script);

        assertThat(result.status()).as(result.output()).isZero();
        assertThat(members(result.output(), BlocklistFormat.IPSET_V4)).isEqualTo(expected(snapshot, false));
        assertThat(members(result.output(), BlocklistFormat.IPSET_V6)).isEqualTo(expected(snapshot, true));
        assertThat(result.output()).contains("create ntpguard-v6 hash:net family inet6")
                .doesNotContain("ntpguard-v4-next");
    }

    @Test
    void shouldDropWhatLeftTheListWhenTheIpsetScriptOfANewerListIsLoaded() throws Exception {
        final Path before = script("before.ipset", BlocklistFormat.IPSET, Entries.mixed());
        final BlocklistSnapshot shorter = BlocklistSnapshot.of(List.of(Entries.PREFIX_V4, Entries.PREFIX_V6));
        final Path after = script("after.ipset", BlocklistFormat.IPSET, shorter);

        final Result result = inNamespace("ipset restore < \"$1\" && ipset restore < \"$2\" && ipset save", before,
                after);

        assertThat(result.status()).as(result.output()).isZero();
        assertThat(members(result.output(), BlocklistFormat.IPSET_V4)).containsExactly("198.51.100.0/24");
        assertThat(members(result.output(), BlocklistFormat.IPSET_V6)).containsExactly("2001:db8:1::/48");
    }

    @Test
    void shouldPassNftCheckAndLoadTheNftablesScriptTwiceWithEveryUncoveredEntry() throws Exception {
        final Path script = script("blocklist.nft", BlocklistFormat.NFTABLES, Entries.mixed());

        final Result result = inNamespace("nft -c -f \"$1\" && nft -f \"$1\" && nft -f \"$1\" "
                + "&& nft list table inet ntpguard", script);

        assertThat(result.status()).as(result.output()).isZero();
        assertThat(result.output()).contains("192.0.2.1 timeout", "198.51.100.0/24 timeout", "2001:db8::66 timeout",
                "2001:db8:1::/48 timeout", "ip saddr @blocklist_v4 udp sport 123 drop",
                "ip6 saddr @blocklist_v6 udp dport 123 drop").doesNotContain("198.51.100.7");
        // Loaded twice, the chain holds its four rules once.
        assertThat(result.output().split("udp sport 123 drop", -1)).hasSize(3);
    }

    @Test
    void shouldDropWhatLeftTheListWhenTheNftablesScriptOfANewerListIsLoaded() throws Exception {
        final Path before = script("before.nft", BlocklistFormat.NFTABLES, Entries.mixed());
        final Path after = script("after.nft", BlocklistFormat.NFTABLES,
                BlocklistSnapshot.of(List.of(Entries.HOST_V4)));

        final Result result = inNamespace("nft -f \"$1\" && nft -f \"$2\" && nft list table inet ntpguard", before,
                after);

        assertThat(result.status()).as(result.output()).isZero();
        assertThat(result.output()).contains("192.0.2.1 timeout").doesNotContain("198.51.100.0", "2001:db8");
    }

    @Test
    void shouldLoadTheEmptyListWithBothTools() throws Exception {
        final BlocklistSnapshot empty = BlocklistSnapshot.of(List.of());
        final Path ipset = script("empty.ipset", BlocklistFormat.IPSET, empty);
        final Path nft = script("empty.nft", BlocklistFormat.NFTABLES, empty);

        final Result result = inNamespace("ipset restore < \"$1\" && nft -f \"$2\" && ipset save "
                + "&& nft list table inet ntpguard", ipset, nft);

        assertThat(result.status()).as(result.output()).isZero();
        assertThat(result.output()).contains("create ntpguard-v4 ", "set blocklist_v6");
        assertThat(members(result.output(), BlocklistFormat.IPSET_V4)).isEmpty();
    }

    @Test
    void shouldEmptyTheSetsWhenMonitorOnlyScriptsFollowEnforcingOnes() throws Exception {
        final FeedSettings monitor = ONE_HOUR.in(FeedMode.MONITOR);
        final Path ipsetBefore = script("before.ipset", BlocklistFormat.IPSET, Entries.mixed());
        final Path nftBefore = script("before.nft", BlocklistFormat.NFTABLES, Entries.mixed());
        final Path ipset = Files.writeString(dir.resolve("monitor.ipset"),
                BlocklistFormat.IPSET.render(Entries.mixed(), NOW, monitor));
        final Path nft = Files.writeString(dir.resolve("monitor.nft"),
                BlocklistFormat.NFTABLES.render(Entries.mixed(), NOW, monitor));

        final Result result = inNamespace("ipset restore < \"$1\" && nft -f \"$2\" && ipset restore < \"$3\" "
                + "&& nft -c -f \"$4\" && nft -f \"$4\" && ipset save && nft list table inet ntpguard",
                ipsetBefore, nftBefore, ipset, nft);

        assertThat(result.status()).as(result.output()).isZero();
        assertThat(members(result.output(), BlocklistFormat.IPSET_V4)).isEmpty();
        assertThat(members(result.output(), BlocklistFormat.IPSET_V6)).isEmpty();
        assertThat(result.output()).contains("set blocklist_v4", "ip saddr @blocklist_v4 udp sport 123 drop")
                .doesNotContain("192.0.2.1", "2001:db8");
    }

    @Test
    void shouldGiveTheToolsTheTimeoutsCountedFromNow() throws Exception {
        final Path script = script("timeouts.ipset", BlocklistFormat.IPSET, Entries.mixed());

        final Result result = inNamespace("ipset restore < \"$1\" && ipset save", script);

        assertThat(result.status()).as(result.output()).isZero();
        // 91 s left at NOW; the kernel may already have counted a second down.
        assertThat(result.output()).containsPattern("add ntpguard-v4 192\\.0\\.2\\.1 timeout (91|90|89)\\b")
                .containsPattern("add ntpguard-v4 198\\.51\\.100\\.7 timeout (3600|3599|3598)\\b");
    }
}
