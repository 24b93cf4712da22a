package org.ntpguard.streams.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An immutable set of CIDR prefixes, IPv4 and IPv6: the trusted networks (Suricata's HOME_NET idea) and the
 * allowlist. Lookups scan the list; configuration lists are short, and detection asks once per peer, not per packet.
 *
 * <p>IPv4 and IPv6 never match each other: an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is not in
 * {@code 10.0.0.0/8}, because the decoder reports addresses as they were on the wire.
 */
public final class Networks {

    private static final Networks EMPTY = new Networks(List.of());

    private static final Networks PRIVATE_AND_LOOPBACK = parse(
            "127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, ::1/128, fc00::/7, fe80::/10");

    private static final Networks ALWAYS_LOCAL = parse("127.0.0.0/8, 169.254.0.0/16, ::1/128, fe80::/10");

    private final List<Prefix> prefixes;

    private Networks(final List<Prefix> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    public static Networks empty() {
        return EMPTY;
    }

    /**
     * Loopback, RFC 1918, link-local and unique-local ranges: what an operator's own hosts usually use, so a
     * reasonable default for "trusted" (Suricata's default HOME_NET is the same idea).
     */
    public static Networks privateAndLoopback() {
        return PRIVATE_AND_LOOPBACK;
    }

    /** Loopback and link-local: a host's own and its link's addresses, local whatever the home networks say. */
    public static Networks alwaysLocal() {
        return ALWAYS_LOCAL;
    }

    /**
     * Parses a comma- or whitespace-separated list of prefixes ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) and bare
     * addresses (a /32 or /128). An empty or blank text gives the empty set.
     *
     * @throws IllegalArgumentException naming the first bad entry and what was expected
     */
    public static Networks parse(final String text) {
        final List<Prefix> parsed = new ArrayList<>();
        for (final String entry : text.trim().split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                parsed.add(Prefix.parse(entry));
            }
        }
        return parsed.isEmpty() ? EMPTY : new Networks(parsed);
    }

    public boolean contains(final IpAddress address) {
        for (final Prefix prefix : prefixes) {
            if (prefix.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The longest prefix containing the address, as CIDR text, for blocklist entries by prefix. */
    public Optional<String> mostSpecificMatch(final IpAddress address) {
        Prefix best = null;
        for (final Prefix prefix : prefixes) {
            if (prefix.contains(address) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return Optional.ofNullable(best).map(Prefix::toString);
    }

    public boolean isEmpty() {
        return prefixes.isEmpty();
    }

    /** The prefixes as parseable text: {@code Networks.parse(n.toString())} equals {@code n}. */
    @Override
    public String toString() {
        return prefixes.stream().map(Prefix::toString).collect(Collectors.joining(", "));
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof Networks n && prefixes.equals(n.prefixes);
    }

    @Override
    public int hashCode() {
        return prefixes.hashCode();
    }

    /**
     * One CIDR prefix; host bits are always zero. The masks are kept so that a lookup compares two longs each way and
     * allocates nothing: detection asks for every peer of every closed window.
     */
    private record Prefix(IpAddress network, int length, long highMask, long lowMask) {

        Prefix(final IpAddress network, final int length) {
            this(network, length, IpAddress.highMask(network.ipv6(), length),
                    IpAddress.lowMask(network.ipv6(), length));
        }

        static Prefix parse(final String entry) {
            final int slash = entry.indexOf('/');
            final IpAddress address;
            try {
                address = IpAddress.parse(slash < 0 ? entry : entry.substring(0, slash));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad network '" + entry
                        + "' (expected: an IPv4 or IPv6 address, optionally /prefix-length)", e);
            }
            final int max = address.ipv6() ? 128 : 32;
            int length = max;
            if (slash >= 0) {
                final String digits = entry.substring(slash + 1);
                if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > max) {
                    throw new IllegalArgumentException("bad prefix length in '" + entry + "' (expected: 0 ~ " + max
                            + ")");
                }
                length = Integer.parseInt(digits);
            }
            final Prefix prefix = new Prefix(address.masked(length), length);
            if (!prefix.network.equals(address)) {
                throw new IllegalArgumentException("host bits set in '" + entry + "' (expected: " + prefix + ")");
            }
            return prefix;
        }

        boolean contains(final IpAddress address) {
            return address.ipv6() == network.ipv6() && (address.high() & highMask) == network.high()
                    && (address.low() & lowMask) == network.low();
        }

        @Override
        public String toString() {
            return network + "/" + length;
        }
    }
}
