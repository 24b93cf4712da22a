package org.ntpguard.streams.export;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.schema.text.TimeText;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.IpAddress;

/**
 * The blocklist feeds: one text format per kind of firewall or router, each a pure function of a snapshot, the wall
 * clock (only the ipset and nftables timeouts depend on it) and the settings. A blocked address loses its NTP, in both
 * directions: reflectors answer from port 123, scanners and clients ignoring KoD send to it.
 */
public enum BlocklistFormat {

    /** One address or prefix a line: a Palo Alto external dynamic list (IP list), a FortiGate threat feed. */
    TEXT("/blocklist.txt", "blocklist.txt", "text/plain; charset=utf-8"),
    /** An {@code ipset restore} script filling hash:net sets, one per family, swapped in whole. */
    IPSET("/blocklist/ipset", "blocklist.ipset", "text/plain; charset=utf-8"),
    /** An {@code nft -f} script replacing the table {@code inet ntpguard}: two sets and the chain dropping their NTP. */
    NFTABLES("/blocklist/nftables", "blocklist.nft", "text/plain; charset=utf-8"),
    /** Cisco IOS extended access lists, IPv4 and IPv6, replaced whole. */
    CISCO("/blocklist/cisco", "blocklist.cisco", "text/plain; charset=utf-8"),
    /** Junos set commands replacing the prefix list {@code ntpguard-block}. */
    JUNOS("/blocklist/junos", "blocklist.junos", "text/plain; charset=utf-8"),
    /** ExaBGP API commands, one flow route announcement (RFC 8955, RFC 8956) a line. */
    FLOWSPEC("/blocklist/flowspec", "blocklist.flowspec", "text/plain; charset=utf-8"),
    /** The entries with what the detector knows of them. */
    JSON("/blocklist.json", "blocklist.json", "application/json");

    static final String IPSET_V4 = "ntpguard-v4";
    static final String IPSET_V6 = "ntpguard-v6";
    /** Fixed: {@code create -exist} accepts an existing set only with the same parameters. */
    static final int IPSET_MAX_ELEMENTS = 1 << 20;
    static final String NFT_TABLE = "inet ntpguard";
    static final String NFT_SET_V4 = "blocklist_v4";
    static final String NFT_SET_V6 = "blocklist_v6";
    static final String CISCO_ACL_V4 = "NTPGUARD-BLOCK";
    static final String CISCO_ACL_V6 = "NTPGUARD-BLOCK-V6";
    static final String JUNOS_PREFIX_LIST = "ntpguard-block";
    private static final int NTP_PORT = 123;

    private final String path;
    private final String fileName;
    private final String contentType;

    BlocklistFormat(final String path, final String fileName, final String contentType) {
        this.path = path;
        this.fileName = fileName;
        this.contentType = contentType;
    }

    /** Where the detector serves it, e.g. {@code /blocklist/ipset}. */
    public String path() {
        return path;
    }

    /** Its file in an export folder, e.g. {@code blocklist.ipset}. */
    public String fileName() {
        return fileName;
    }

    public String contentType() {
        return contentType;
    }

    /** The format served at this exact path. */
    public static Optional<BlocklistFormat> forPath(final String path) {
        for (final BlocklistFormat format : values()) {
            if (format.path.equals(path)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /**
     * The feed's text for these entries, {@code now} being the wall clock. Monitor-only, a firewall format lists no
     * entry (applied, it blocks nothing) and starts with a comment counting those it would list.
     */
    public String render(final BlocklistSnapshot snapshot, final Instant now, final FeedSettings settings) {
        final List<BlockEntry> wouldList = FeedEntries.select(snapshot.entries(), settings.limit());
        final boolean withheld = settings.monitorOnly() && this != JSON;
        final List<BlockEntry> entries = withheld ? List.of() : wouldList;
        final StringBuilder out = new StringBuilder(64 + entries.size() * 48);
        if (withheld) {
            out.append(this == CISCO ? "!" : "#").append(" ntpguard blocklist, monitor-only: ")
                    .append(wouldList.size()).append(" entries would be listed, none is (see blocklist.json)\n");
        }
        switch (this) {
            case TEXT -> entries.forEach(entry -> out.append(FeedEntries.addressOrPrefix(entry)).append('\n'));
            case IPSET -> ipset(out, entries, now, settings);
            case NFTABLES -> nftables(out, FeedEntries.withoutCovered(entries), now, settings);
            case CISCO -> cisco(out, entries);
            case JUNOS -> junos(out, entries);
            case FLOWSPEC -> entries.forEach(entry -> flowspec(out, entry));
            case JSON -> json(out, entries, !settings.monitorOnly());
        }
        return out.toString();
    }

    /**
     * Fills a fresh set per family and swaps it with the live one, so a firewall rule matching the live set never
     * sees it half filled; {@code -exist} makes the creates re-runnable.
     */
    private static void ipset(final StringBuilder out, final List<BlockEntry> entries, final Instant now,
                              final FeedSettings settings) {
        out.append("# ntpguard blocklist for ipset restore: ").append(entries.size())
                .append(" entries, each with its seconds left\n");
        for (final boolean ipv6 : new boolean[] {false, true}) {
            final String live = ipv6 ? IPSET_V6 : IPSET_V4;
            final String next = live + "-next";
            final String create = " hash:net family " + (ipv6 ? "inet6" : "inet") + " timeout "
                    + FeedEntries.defaultTimeoutSeconds(settings) + " maxelem " + IPSET_MAX_ELEMENTS + " -exist\n";
            out.append("create ").append(live).append(create);
            out.append("create ").append(next).append(create);
            out.append("flush ").append(next).append('\n');
            for (final BlockEntry entry : entries) {
                if (entry.address().ipv6() == ipv6) {
                    out.append("add ").append(next).append(' ').append(FeedEntries.addressOrPrefix(entry))
                            .append(" timeout ").append(FeedEntries.timeoutSeconds(entry, now, settings))
                            .append(" -exist\n");
                }
            }
            out.append("swap ").append(next).append(' ').append(live).append('\n');
            out.append("destroy ").append(next).append('\n');
        }
    }

    /**
     * Replaces the whole table in one transaction: {@code table} creates it when missing so that {@code delete}
     * never fails, then it is declared again. The table belongs to ntpguard; put no rules of your own in it. The
     * chain drops before connection tracking (priority -300), so a flood does not fill the conntrack table.
     */
    private static void nftables(final StringBuilder out, final List<BlockEntry> entries, final Instant now,
                                 final FeedSettings settings) {
        out.append("# ntpguard blocklist for nft -f: ").append(entries.size())
                .append(" entries, each with its seconds left\n");
        out.append("table ").append(NFT_TABLE).append('\n');
        out.append("delete table ").append(NFT_TABLE).append('\n');
        out.append("table ").append(NFT_TABLE).append(" {\n");
        for (final boolean ipv6 : new boolean[] {false, true}) {
            out.append("\tset ").append(ipv6 ? NFT_SET_V6 : NFT_SET_V4).append(" {\n")
                    .append("\t\ttype ").append(ipv6 ? "ipv6_addr" : "ipv4_addr").append('\n')
                    .append("\t\tflags interval,timeout\n")
                    .append("\t\ttimeout ").append(FeedEntries.defaultTimeoutSeconds(settings)).append("s\n");
            final String elements = nftElements(entries, ipv6, now, settings);
            if (!elements.isEmpty()) {
                out.append("\t\telements = { ").append(elements).append(" }\n");
            }
            out.append("\t}\n");
        }
        out.append("\tchain drop_ntp {\n")
                .append("\t\ttype filter hook prerouting priority -300; policy accept;\n");
        for (final String family : new String[] {"ip", "ip6"}) {
            final String set = family.equals("ip") ? NFT_SET_V4 : NFT_SET_V6;
            for (final String port : new String[] {"sport", "dport"}) {
                out.append("\t\t").append(family).append(" saddr @").append(set).append(" udp ").append(port)
                        .append(' ').append(NTP_PORT).append(" drop\n");
            }
        }
        out.append("\t}\n}\n");
    }

    private static String nftElements(final List<BlockEntry> entries, final boolean ipv6, final Instant now,
                                      final FeedSettings settings) {
        final StringBuilder elements = new StringBuilder();
        for (final BlockEntry entry : entries) {
            if (entry.address().ipv6() == ipv6) {
                if (!elements.isEmpty()) {
                    elements.append(",\n\t\t\t");
                }
                elements.append(FeedEntries.addressOrPrefix(entry)).append(" timeout ")
                        .append(FeedEntries.timeoutSeconds(entry, now, settings)).append('s');
            }
        }
        return elements.toString();
    }

    /**
     * For configuration mode: each list is removed and declared again (while it is re-entered, an interface using it
     * passes everything), then ends by permitting the rest.
     */
    private static void cisco(final StringBuilder out, final List<BlockEntry> entries) {
        out.append("! ntpguard blocklist: ").append(entries.size()).append(" entries; NTP from them is denied\n");
        out.append("no ip access-list extended ").append(CISCO_ACL_V4).append('\n');
        out.append("ip access-list extended ").append(CISCO_ACL_V4).append('\n');
        for (final BlockEntry entry : entries) {
            if (!entry.address().ipv6()) {
                final String source = FeedEntries.isSingleAddress(entry) ? "host " + FeedEntries.network(entry)
                        : FeedEntries.network(entry) + " " + wildcard(entry.prefixLength());
                ciscoDenies(out, source);
            }
        }
        out.append(" permit ip any any\n");
        out.append("no ipv6 access-list ").append(CISCO_ACL_V6).append('\n');
        out.append("ipv6 access-list ").append(CISCO_ACL_V6).append('\n');
        for (final BlockEntry entry : entries) {
            if (entry.address().ipv6()) {
                ciscoDenies(out, FeedEntries.isSingleAddress(entry) ? "host " + FeedEntries.network(entry)
                        : FeedEntries.cidr(entry));
            }
        }
        out.append(" permit ipv6 any any\n");
    }

    private static void ciscoDenies(final StringBuilder out, final String source) {
        out.append(" deny udp ").append(source).append(" eq ").append(NTP_PORT).append(" any\n");
        out.append(" deny udp ").append(source).append(" any eq ").append(NTP_PORT).append('\n');
    }

    /** IOS wildcard mask of an IPv4 prefix: the host bits set. */
    private static String wildcard(final int prefixLength) {
        return new IpAddress(0, 0xFFFF_FFFFL >>> prefixLength, false).toString();
    }

    /**
     * Set commands for {@code load set}: the list is deleted and declared again, empty if need be, so that a firewall
     * filter naming it still commits.
     */
    private static void junos(final StringBuilder out, final List<BlockEntry> entries) {
        final String list = "policy-options prefix-list " + JUNOS_PREFIX_LIST;
        out.append("delete ").append(list).append('\n');
        out.append("set ").append(list).append('\n');
        for (final BlockEntry entry : entries) {
            out.append("set ").append(list).append(' ').append(FeedEntries.cidr(entry)).append('\n');
        }
    }

    /**
     * ExaBGP's syntax: IPv6 prefixes carry their offset ({@code /128/0}) and the upper-layer protocol is
     * {@code next-header}; {@code port} matches either port.
     */
    private static void flowspec(final StringBuilder out, final BlockEntry entry) {
        out.append("announce flow route { match { source ").append(FeedEntries.cidr(entry));
        out.append(entry.address().ipv6() ? "/0; next-header udp;" : "; protocol udp;");
        out.append(" port =").append(NTP_PORT).append("; } then { discard; } }\n");
    }

    private static void json(final StringBuilder out, final List<BlockEntry> entries, final boolean enforced) {
        out.append('[');
        boolean first = true;
        for (final BlockEntry entry : entries) {
            out.append(first ? "\n" : ",\n");
            first = false;
            out.append("{\"address\":");
            JsonLines.appendString(out, FeedEntries.network(entry).toString());
            out.append(",\"prefixLength\":").append(entry.prefixLength());
            out.append(",\"severity\":\"").append(entry.severity()).append('"');
            out.append(",\"reason\":");
            JsonLines.appendString(out, entry.reason());
            out.append(",\"alertIds\":[");
            for (int i = 0; i < entry.alertIds().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                JsonLines.appendString(out, entry.alertIds().get(i));
            }
            out.append(']');
            out.append(',');
            TimeText.appendJsonMembers(out, "firstSeen", entry.firstSeen());
            out.append(',');
            TimeText.appendJsonMembers(out, "lastSeen", entry.lastSeen());
            out.append(',');
            TimeText.appendJsonMembers(out, "expiresAt", entry.expiresAt());
            out.append(",\"enforced\":").append(enforced);
            out.append('}');
        }
        out.append(first ? "]\n" : "\n]\n");
    }
}
