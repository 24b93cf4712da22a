package org.ntpguard.streams.detect;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every threshold of the detection core, immutable. {@link #defaults()} gives the documented defaults;
 * {@link #toBuilder()} changes a few for a test; {@link #fromProperties(Properties)} reads {@code ntpguard.*} keys.
 *
 * <p>Byte counts are NTP payload bytes (the UDP payload), as {@link PacketEvent#ntpBytes()} reports them. The
 * numbers the defaults rest on:
 * <ul>
 *   <li>A well-behaved client sends 48 bytes and gets 48 back (ratio ≈ 1); MACs, RFC 7822 extension fields and NTS
 *       keep both directions within a few × of each other.</li>
 *   <li>ntpd and chrony poll no faster than every 16 s (minpoll 4) after an iburst of at most 8 requests 2 s apart:
 *       8 requests in 14 s, then one per 64 s by default (RFC 5905 §7.3, ntpd {@code iburst}).</li>
 *   <li>A full monlist reply is up to 100 packets of 440 NTP bytes (8-byte header + 6 × 72-byte entries) for one
 *       8-byte MON_GETLIST_1 request: 5,500× in payload (CVE-2013-5211). Rossow ("Amplification Hell", NDSS 2014)
 *       measured 556.9× on average for NTP monlist.</li>
 *   <li>An NTP pool client asks up to about 10 servers; a configured ntpd/chrony 4 to 10.</li>
 * </ul>
 */
public final class DetectionConfig {

    private static final DetectionConfig DEFAULTS = new Builder().build();

    private final Duration windowSize;
    private final Duration grace;
    private final Duration alertCooldown;
    private final Duration incidentQuiet;
    private final Duration blocklistExpiry;
    private final Duration unblockHold;
    private final int peerTableCap;
    private final int topPeers;
    private final Networks trustedNetworks;
    private final boolean homeNetworksConfigured;
    private final boolean blockHome;
    private final long blocklistMaxNewPerWindow;
    private final Duration upstreamMemory;
    private final Networks allowlist;
    private final Set<AlertType> blockedTypes;
    private final boolean blockOnlyUnsolicitedReflectors;
    private final long victimMinResponseBytes;
    private final double victimMinRatio;
    private final long victimMinUnsolicitedResponses;
    private final long victimMinUnsolicitedServers;
    private final long reflectorMinResponseBytes;
    private final long monlistMinResponses;
    private final long scannerMinServers;
    private final long scannerMinControlServers;
    private final long kodIgnoredMinRequests;
    private final long fastPollMinRequests;
    private final long unsynchronizedMinResponses;
    private final long fastPollMinAddressRequests;
    private final long monlistProbeMinRequests;
    private final long spoofMinPorts;

    private DetectionConfig(final Builder b) {
        windowSize = positive("window size", b.windowSize);
        grace = notNegative("grace", b.grace);
        alertCooldown = notNegative("alert cool-down", b.alertCooldown);
        incidentQuiet = positive("incident quiet period", b.incidentQuiet);
        blocklistExpiry = positive("blocklist expiry", b.blocklistExpiry);
        unblockHold = positive("unblock hold", b.unblockHold);
        peerTableCap = (int) atLeast("peer table cap", b.peerTableCap, 1);
        topPeers = (int) atLeast("top peers", b.topPeers, 0);
        trustedNetworks = b.trustedNetworks;
        homeNetworksConfigured = b.homeNetworksConfigured;
        blockHome = b.blockHome;
        blocklistMaxNewPerWindow = atLeast("blocklist max new per window", b.blocklistMaxNewPerWindow, 1);
        upstreamMemory = positive("upstream memory", b.upstreamMemory);
        allowlist = b.allowlist;
        blockedTypes = b.blockedTypes.isEmpty() ? Collections.emptySet()
                : Collections.unmodifiableSet(EnumSet.copyOf(b.blockedTypes));
        blockOnlyUnsolicitedReflectors = b.blockOnlyUnsolicitedReflectors;
        victimMinResponseBytes = atLeast("victim min response bytes", b.victimMinResponseBytes, 1);
        if (!(b.victimMinRatio > 0)) {
            throw new IllegalArgumentException("victim min ratio: " + b.victimMinRatio + " (expected: > 0)");
        }
        victimMinRatio = b.victimMinRatio;
        victimMinUnsolicitedResponses = atLeast("victim min unsolicited responses",
                b.victimMinUnsolicitedResponses, 1);
        victimMinUnsolicitedServers = atLeast("victim min unsolicited servers", b.victimMinUnsolicitedServers, 1);
        reflectorMinResponseBytes = atLeast("reflector min response bytes", b.reflectorMinResponseBytes, 1);
        monlistMinResponses = atLeast("monlist min responses", b.monlistMinResponses, 1);
        scannerMinServers = atLeast("scanner min servers", b.scannerMinServers, 1);
        scannerMinControlServers = atLeast("scanner min control servers", b.scannerMinControlServers, 1);
        kodIgnoredMinRequests = atLeast("KoD ignored min requests", b.kodIgnoredMinRequests, 1);
        fastPollMinRequests = atLeast("fast poll min requests", b.fastPollMinRequests, 1);
        unsynchronizedMinResponses = atLeast("unsynchronized min responses", b.unsynchronizedMinResponses, 1);
        fastPollMinAddressRequests = atLeast("fast poll min address requests", b.fastPollMinAddressRequests, 1);
        monlistProbeMinRequests = atLeast("monlist probe min requests", b.monlistProbeMinRequests, 1);
        spoofMinPorts = atLeast("spoof min ports", b.spoofMinPorts, 2);
    }

    public static DetectionConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Tumbling window of the per-client and per-server aggregates. Default 30 s: a whole monlist burst fits. */
    public Duration windowSize() {
        return windowSize;
    }

    /** How long a window accepts out-of-order packets after it ends. Default 5 s: sensors' clock and batching skew. */
    public Duration grace() {
        return grace;
    }

    /** One alert per subject and type as long as detections come closer than this. Default 15 min. */
    public Duration alertCooldown() {
        return alertCooldown;
    }

    /**
     * An incident closes once no alert of it has had new evidence for this long, in event time. Default 15 min, the
     * alert cool-down: an attack that pauses for less is the same attack.
     */
    public Duration incidentQuiet() {
        return incidentQuiet;
    }

    /** A blocklist entry expires this long after its last abuse. Default 1 h. */
    public Duration blocklistExpiry() {
        return blocklistExpiry;
    }

    /**
     * An address unblocked at runtime ({@code DELETE /blocklist/{address}}) stays off the blocklist this long after
     * the unblock, even if it abuses again; its alerts still stand. Default 24 h.
     */
    public Duration unblockHold() {
        return unblockHold;
    }

    /**
     * Peers tracked exactly per window aggregate. Default 1024: a hundred times what a sane client asks and twice
     * the largest reflector set in the scenarios; beyond it, peers only reach the overflow counters and the HLLs.
     */
    public int peerTableCap() {
        return peerTableCap;
    }

    /** Peers listed in an alert's evidence. Default 10. */
    public int topPeers() {
        return topPeers;
    }

    /**
     * The site's own networks (Suricata's HOME_NET): {@code --home-net}, or the keys {@code ntpguard.home.networks}
     * and {@code ntpguard.trusted.networks} (the older name, the same setting). Default
     * {@link Networks#privateAndLoopback()}. Use {@link #isHome(IpAddress)}, which adds what is always local.
     */
    public Networks trustedNetworks() {
        return trustedNetworks;
    }

    /**
     * Whether the address is the site's own: in the home networks, or loopback or link-local, which are local
     * whatever the setting (a host querying its own ntpd over 127.0.0.1 is never exposure).
     */
    public boolean isHome(final IpAddress address) {
        return Networks.alwaysLocal().contains(address) || trustedNetworks.contains(address);
    }

    /** Whether the home networks were set (rather than left at the default private ranges). */
    public boolean homeNetworksConfigured() {
        return homeNetworksConfigured;
    }

    /**
     * Whether alerts on home addresses put them on the blocklist. Default false: the blocklist feeds the site's own
     * edge, and blocking the site's own hosts there is the operator's decision. They are still alerted on.
     */
    public boolean blockHome() {
        return blockHome;
    }

    /**
     * New blocklist entries allowed per window (of {@link #windowSize()}, event time) per blocklist task; alerts past
     * it are still published, their subjects not blocked, and counted. Default 10,000: forged traffic can raise alerts
     * on any addresses it likes, and this bounds how much of the Internet it can make the site block at once.
     */
    public long blocklistMaxNewPerWindow() {
        return blocklistMaxNewPerWindow;
    }

    /**
     * How long a server stays a learned upstream of the site ({@link SiteUpstreams}) after home clients last used
     * it, and so off the blocklist. Default 1 d: a client polls every 64 s to 17 min; a day covers a weekend-quiet
     * office's servers that still poll, and a forgotten upstream is only alerted on again, never lost.
     */
    public Duration upstreamMemory() {
        return upstreamMemory;
    }

    /** Addresses and prefixes never blocklisted. Default empty. */
    public Networks allowlist() {
        return allowlist;
    }

    /**
     * Alert types that put their subject on the blocklist. Default SCANNER, REFLECTOR, KOD_IGNORED (issue 3): never
     * AMPLIFICATION_VICTIM, MONLIST_ABUSE or SPOOFED_SOURCE, whose subject may be the address spoofed requests claim
     * to come from; nor FAST_POLL (issue 11): the server was never asked to slow down, its own rate limit copes with
     * 48-byte polls, and the subject may be a NAT whose every host would lose time.
     */
    public Set<AlertType> blockedTypes() {
        return blockedTypes;
    }

    /**
     * Block a reflector only when it answered without any request. Default true: a reflector answering spoofed
     * requests is a misconfigured victim too, and may be a resolver its own users still need.
     */
    public boolean blockOnlyUnsolicitedReflectors() {
        return blockOnlyUnsolicitedReflectors;
    }

    /**
     * AMPLIFICATION_VICTIM by volume needs at least this many response bytes in a window. Default 40,000: about
     * one full 100-packet monlist reply of 440-byte payloads (44,000), far above what NTP polling gives (a client
     * asking 10 servers every 16 s gets under 1,000 bytes in 30 s). A mode-6 READVAR sweep of 250 servers yields
     * about 29,000 bytes for 3,000 sent (scenario d): the scanner stays below.
     */
    public long victimMinResponseBytes() {
        return victimMinResponseBytes;
    }

    /**
     * Response/request byte ratio for a victim, and per pair for a reflector. Default 10: a well-behaved client is
     * about 1; NTS and extension fields stay within a few ×; monlist goes up to 5,500× (Rossow: 556.9× on average).
     */
    public double victimMinRatio() {
        return victimMinRatio;
    }

    /**
     * AMPLIFICATION_VICTIM without requests: this many responses from servers it never asked in the window.
     * Default 50: a client only ever gets answers from servers it asked, so even a few unsolicited ones are
     * strange; 50 leaves room for NAT port reuse and a restarted client's late answers. Scenario e: 1,778.
     */
    public long victimMinUnsolicitedResponses() {
        return victimMinUnsolicitedResponses;
    }

    /** ...and from at least this many distinct unasked servers. Default 20: twice what a pool client asks. */
    public long victimMinUnsolicitedServers() {
        return victimMinUnsolicitedServers;
    }

    /**
     * REFLECTOR without a victim alert: response bytes to one client in a window, at {@link #victimMinRatio()}.
     * Default 10,000: about 23 full monlist packets; normal polling sends 48 bytes per 16 s at most.
     */
    public long reflectorMinResponseBytes() {
        return reflectorMinResponseBytes;
    }

    /**
     * MONLIST_ABUSE: monlist response packets. Default 20: a single full reply is up to 100, scenario b's
     * reflectors send 5 to 20 per probe; an operator's one-off {@code ntpdc -c monlist} on a quiet server is a few.
     * For a server, at least one response already raises MEDIUM: answering monlist at all is CVE-2013-5211.
     */
    public long monlistMinResponses() {
        return monlistMinResponses;
    }

    /** SCANNER: distinct servers asked in a window. Default 100: ten times what an NTP pool client asks. */
    public long scannerMinServers() {
        return scannerMinServers;
    }

    /**
     * SCANNER: distinct servers sent mode 6/7 in a window. Default 20: an operator's ntpq/ntpdc touches a handful of
     * own servers; 20 distinct ones in 30 s is a sweep.
     */
    public long scannerMinControlServers() {
        return scannerMinControlServers;
    }

    /**
     * KOD_IGNORED: requests to one server after its first RATE KoD in the window. Default 5: RFC 5905 §7.4 says a
     * client must stop or back off at once; ntpd doubles its poll interval, so it sends at most one or two more in
     * 30 s (one already in flight, one at the new interval). Counted order-independently up to
     * {@code ClientPeer.PENDING_REQUEST_TIMES} (16), a lower bound beyond.
     */
    public long kodIgnoredMinRequests() {
        return kodIgnoredMinRequests;
    }

    /**
     * FAST_POLL: requests to one server from one client source port in a window. Default 20: a well-behaved client
     * sends at most 8 in 14 s (iburst), then one per 16 s at the fastest; 20 in 30 s is one every 1.5 s. Stays safe
     * for windows up to about 10 minutes (8 + 600/64 &lt; 20). Judged per port, so that hosts behind one NAT address,
     * each on its own NAT port, add up to nothing.
     */
    public long fastPollMinRequests() {
        return fastPollMinRequests;
    }

    /**
     * UNSYNCHRONIZED_SERVER: normal (non-KoD) responses declaring LI=3 or stratum 0/16. Default 3: ntpd answers
     * unsynchronized for a moment after start-up, one stray answer is normal.
     */
    public long unsynchronizedMinResponses() {
        return unsynchronizedMinResponses;
    }

    /**
     * FAST_POLL from many ports: requests to one server from one address in a window, whatever their ports.
     * Default 1,000 (33/s): what catches a client that takes a new port per request (chrony), and what a NAT must
     * stay under. At 30 s windows it lets 2,133 NATed hosts poll one server every 64 s (each 0.47 requests per
     * window), 533 at minpoll 4 (16 s); a single chrony host is caught only past 33 requests a second.
     */
    public long fastPollMinAddressRequests() {
        return fastPollMinAddressRequests;
    }

    /**
     * MONLIST_ABUSE as PROBER: MON_GETLIST(_1) requests from one address outside the trusted networks in a window,
     * answered or not. Default 2, as ET Open's rule (2 in 60 s): one request may be an operator's typo, two are a
     * habit; no NTP client sends mode 7 at all.
     */
    public long monlistProbeMinRequests() {
        return monlistProbeMinRequests;
    }

    /**
     * SPOOFED_SOURCE instead of SCANNER: distinct client source ports among a would-be scanner's requests in a
     * window. Default 32: a scanner keeps one port (scenario d: 1); a spoofed flood draws one per packet (100
     * servers give about 100 ports, counted exactly up to {@value ClientWindow#PORT_SAMPLE}). A large NAT whose
     * hosts ask 100+ distinct servers (pool clients) shows many ports too: it gets SPOOFED_SOURCE, low and not
     * blocklisted, rather than SCANNER, the safe side of the trade-off.
     */
    public long spoofMinPorts() {
        return spoofMinPorts;
    }

    /**
     * Reads {@code ntpguard.*} keys over the defaults; other keys are ignored. Durations as {@code 500ms},
     * {@code 30s}, {@code 15m}, {@code 1h} or {@code 1d}; networks as {@link Networks#parse(String)}; alert types
     * comma-separated enum names.
     *
     * @throws IllegalArgumentException for an unknown {@code ntpguard.*} key (listing the known ones) or a bad value
     *                                  (naming key, value and the expected form)
     */
    public static DetectionConfig fromProperties(final Properties properties) {
        if (properties.containsKey(HOME_NETWORKS) && properties.containsKey(TRUSTED_NETWORKS)) {
            throw new IllegalArgumentException(HOME_NETWORKS + " and " + TRUSTED_NETWORKS + " are one setting (the "
                    + "second is its older name): give one of them");
        }
        final Builder builder = new Builder();
        for (final String key : properties.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            final Key<?> known = KEYS.get(key);
            if (known == null) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "' (expected one of: "
                        + String.join(", ", KEYS.keySet()) + ")");
            }
            known.apply(builder, properties.getProperty(key));
        }
        return builder.build();
    }

    /** The keys {@link #fromProperties(Properties)} knows, in documentation order. */
    public static Set<String> propertyKeys() {
        return Collections.unmodifiableSet(KEYS.keySet());
    }

    /**
     * Every setting of this configuration as {@link #fromProperties(Properties)} reads it, key to text, in
     * documentation order: what a report records as the settings it was made with.
     */
    public Map<String, String> settings() {
        final Map<String, String> settings = new LinkedHashMap<>();
        KEYS.forEach((name, key) -> {
            if (!name.equals(TRUSTED_NETWORKS)) { // the older name of the home networks: one key reads back
                settings.put(name, key.printer().apply(this));
            }
        });
        return settings;
    }

    @Override
    public String toString() {
        return "DetectionConfig{window=" + windowSize + ", grace=" + grace + ", cooldown=" + alertCooldown
                + ", incidentQuiet=" + incidentQuiet
                + ", expiry=" + blocklistExpiry + ", unblockHold=" + unblockHold + ", peerTableCap=" + peerTableCap
                + ", topPeers=" + topPeers
                + ", home=[" + trustedNetworks + "]" + (homeNetworksConfigured ? "" : " (default)") + ", blockHome=" + blockHome
                + ", blocklistMaxNewPerWindow=" + blocklistMaxNewPerWindow + ", upstreamMemory=" + upstreamMemory
                + ", allowlist=[" + allowlist + "], blocked=" + blockedTypes
                + ", onlyUnsolicitedReflectors=" + blockOnlyUnsolicitedReflectors
                + ", victimMinResponseBytes=" + victimMinResponseBytes + ", victimMinRatio=" + victimMinRatio
                + ", victimMinUnsolicitedResponses=" + victimMinUnsolicitedResponses
                + ", victimMinUnsolicitedServers=" + victimMinUnsolicitedServers
                + ", reflectorMinResponseBytes=" + reflectorMinResponseBytes
                + ", monlistMinResponses=" + monlistMinResponses + ", scannerMinServers=" + scannerMinServers
                + ", scannerMinControlServers=" + scannerMinControlServers
                + ", kodIgnoredMinRequests=" + kodIgnoredMinRequests + ", fastPollMinRequests=" + fastPollMinRequests
                + ", unsynchronizedMinResponses=" + unsynchronizedMinResponses
                + ", fastPollMinAddressRequests=" + fastPollMinAddressRequests
                + ", monlistProbeMinRequests=" + monlistProbeMinRequests + ", spoofMinPorts=" + spoofMinPorts + "}";
    }

    private static Duration positive(final String what, final Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    private static Duration notNegative(final String what, final Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    private static long atLeast(final String what, final long value, final long min) {
        if (value < min) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: >= " + min + ")");
        }
        return value;
    }

    // ---- properties ------------------------------------------------------------------------------------------

    private static final String PREFIX = "ntpguard.";
    /** The home networks' key; {@link #TRUSTED_NETWORKS} is its older name. */
    public static final String HOME_NETWORKS = "ntpguard.home.networks";
    public static final String TRUSTED_NETWORKS = "ntpguard.trusted.networks";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Map<String, Key<?>> KEYS = new LinkedHashMap<>();

    static {
        key("ntpguard.window.size", "a duration like 30s", DetectionConfig::duration, Builder::windowSize,
                c -> text(c.windowSize));
        key("ntpguard.window.grace", "a duration like 5s", DetectionConfig::duration, Builder::grace,
                c -> text(c.grace));
        key("ntpguard.alert.cooldown", "a duration like 15m", DetectionConfig::duration, Builder::alertCooldown,
                c -> text(c.alertCooldown));
        key("ntpguard.incident.quiet", "a duration like 15m", DetectionConfig::duration, Builder::incidentQuiet,
                c -> text(c.incidentQuiet));
        key("ntpguard.blocklist.expiry", "a duration like 1h", DetectionConfig::duration, Builder::blocklistExpiry,
                c -> text(c.blocklistExpiry));
        key("ntpguard.unblock.hold", "a duration like 24h", DetectionConfig::duration, Builder::unblockHold,
                c -> text(c.unblockHold));
        key("ntpguard.peer.table.cap", "a whole number", v -> (int) whole(v), Builder::peerTableCap,
                c -> String.valueOf(c.peerTableCap));
        key("ntpguard.top.peers", "a whole number", v -> (int) whole(v), Builder::topPeers,
                c -> String.valueOf(c.topPeers));
        key(HOME_NETWORKS, "comma-separated addresses or CIDR prefixes", Networks::parse,
                Builder::trustedNetworks,
                c -> c.trustedNetworks.toString());
        key(TRUSTED_NETWORKS, "comma-separated addresses or CIDR prefixes", Networks::parse,
                Builder::trustedNetworks,
                c -> c.trustedNetworks.toString());
        key("ntpguard.blocklist.home", "true or false", DetectionConfig::bool, Builder::blockHome,
                c -> String.valueOf(c.blockHome));
        key("ntpguard.blocklist.max.new.per.window", "a whole number", DetectionConfig::whole,
                Builder::blocklistMaxNewPerWindow,
                c -> String.valueOf(c.blocklistMaxNewPerWindow));
        key("ntpguard.upstream.memory", "a duration like 1d", DetectionConfig::duration, Builder::upstreamMemory,
                c -> text(c.upstreamMemory));
        key("ntpguard.allowlist", "comma-separated addresses or CIDR prefixes", Networks::parse,
                Builder::allowlist,
                c -> c.allowlist.toString());
        key("ntpguard.blocklist.types", "comma-separated alert types " + EnumSet.allOf(AlertType.class),
                DetectionConfig::alertTypes, Builder::blockedTypes,
                c -> c.blockedTypes.stream().map(Enum::name).collect(Collectors.joining(",")));
        key("ntpguard.blocklist.only.unsolicited.reflectors", "true or false", DetectionConfig::bool,
                Builder::blockOnlyUnsolicitedReflectors,
                c -> String.valueOf(c.blockOnlyUnsolicitedReflectors));
        key("ntpguard.victim.min.response.bytes", "a whole number", DetectionConfig::whole,
                Builder::victimMinResponseBytes,
                c -> String.valueOf(c.victimMinResponseBytes));
        key("ntpguard.victim.min.ratio", "a positive number", Double::parseDouble, Builder::victimMinRatio,
                c -> String.valueOf(c.victimMinRatio));
        key("ntpguard.victim.min.unsolicited.responses", "a whole number", DetectionConfig::whole,
                Builder::victimMinUnsolicitedResponses,
                c -> String.valueOf(c.victimMinUnsolicitedResponses));
        key("ntpguard.victim.min.unsolicited.servers", "a whole number", DetectionConfig::whole,
                Builder::victimMinUnsolicitedServers,
                c -> String.valueOf(c.victimMinUnsolicitedServers));
        key("ntpguard.reflector.min.response.bytes", "a whole number", DetectionConfig::whole,
                Builder::reflectorMinResponseBytes,
                c -> String.valueOf(c.reflectorMinResponseBytes));
        key("ntpguard.monlist.min.responses", "a whole number", DetectionConfig::whole,
                Builder::monlistMinResponses,
                c -> String.valueOf(c.monlistMinResponses));
        key("ntpguard.scanner.min.servers", "a whole number", DetectionConfig::whole, Builder::scannerMinServers,
                c -> String.valueOf(c.scannerMinServers));
        key("ntpguard.scanner.min.control.servers", "a whole number", DetectionConfig::whole,
                Builder::scannerMinControlServers,
                c -> String.valueOf(c.scannerMinControlServers));
        key("ntpguard.kod.ignored.min.requests", "a whole number", DetectionConfig::whole,
                Builder::kodIgnoredMinRequests,
                c -> String.valueOf(c.kodIgnoredMinRequests));
        key("ntpguard.fast.poll.min.requests", "a whole number", DetectionConfig::whole,
                Builder::fastPollMinRequests,
                c -> String.valueOf(c.fastPollMinRequests));
        key("ntpguard.unsynchronized.min.responses", "a whole number", DetectionConfig::whole,
                Builder::unsynchronizedMinResponses,
                c -> String.valueOf(c.unsynchronizedMinResponses));
        key("ntpguard.fast.poll.min.address.requests", "a whole number", DetectionConfig::whole,
                Builder::fastPollMinAddressRequests, c -> String.valueOf(c.fastPollMinAddressRequests));
        key("ntpguard.monlist.probe.min.requests", "a whole number", DetectionConfig::whole,
                Builder::monlistProbeMinRequests, c -> String.valueOf(c.monlistProbeMinRequests));
        key("ntpguard.spoof.min.ports", "a whole number", DetectionConfig::whole, Builder::spoofMinPorts,
                c -> String.valueOf(c.spoofMinPorts));
    }

    private static <T> void key(final String name, final String expected,
                                final java.util.function.Function<String, T> parser,
                                final BiConsumer<Builder, T> setter,
                                final java.util.function.Function<DetectionConfig, String> printer) {
        KEYS.put(name, new Key<>(name, expected, parser, setter, printer));
    }

    /** One configuration key: how to parse its text, where it goes, and how a configuration's value reads. */
    private record Key<T>(String name, String expected, java.util.function.Function<String, T> parser,
                          BiConsumer<Builder, T> setter, java.util.function.Function<DetectionConfig, String> printer) {

        void apply(final Builder builder, final String text) {
            final T value;
            try {
                value = parser.apply(text.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad value for " + name + ": '" + text + "' (expected: "
                        + expected + ")", e);
            }
            setter.accept(builder, value);
        }
    }

    /** A duration as {@link #duration(String)} reads it, in its largest exact unit: {@code 30s}, {@code 15m}. */
    static String text(final Duration duration) {
        final long millis = duration.toMillis();
        if (millis % 86_400_000L == 0 && millis != 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0 && millis != 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0 && millis != 0) {
            return millis / 60_000L + "m";
        }
        return millis % 1_000L == 0 ? millis / 1_000L + "s" : millis + "ms";
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 1d}. */
    static Duration duration(final String text) {
        final Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        final long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static long whole(final String text) {
        return Long.parseLong(text.replace("_", "").replace(",", ""));
    }

    private static boolean bool(final String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
        };
    }

    private static Set<AlertType> alertTypes(final String text) {
        final Set<AlertType> types = EnumSet.noneOf(AlertType.class);
        for (final String name : text.split("[,\\s]+")) {
            if (!name.isEmpty()) {
                types.add(AlertType.valueOf(name.toUpperCase(Locale.ROOT)));
            }
        }
        return types;
    }

    /** Mutable builder, starting from the defaults. */
    public static final class Builder {
        private Duration windowSize = Duration.ofSeconds(30);
        private Duration grace = Duration.ofSeconds(5);
        private Duration alertCooldown = Duration.ofMinutes(15);
        private Duration incidentQuiet = Duration.ofMinutes(15);
        private Duration blocklistExpiry = Duration.ofHours(1);
        private Duration unblockHold = Duration.ofHours(24);
        private int peerTableCap = 1024;
        private int topPeers = 10;
        private Networks trustedNetworks = Networks.privateAndLoopback();
        private boolean homeNetworksConfigured;
        private boolean blockHome;
        private long blocklistMaxNewPerWindow = 10_000;
        private Duration upstreamMemory = Duration.ofDays(1);
        private Networks allowlist = Networks.empty();
        private Set<AlertType> blockedTypes = EnumSet.of(AlertType.SCANNER, AlertType.REFLECTOR,
                AlertType.KOD_IGNORED);
        private boolean blockOnlyUnsolicitedReflectors = true;
        private long victimMinResponseBytes = 40_000;
        private double victimMinRatio = 10;
        private long victimMinUnsolicitedResponses = 50;
        private long victimMinUnsolicitedServers = 20;
        private long reflectorMinResponseBytes = 10_000;
        private long monlistMinResponses = 20;
        private long scannerMinServers = 100;
        private long scannerMinControlServers = 20;
        private long kodIgnoredMinRequests = 5;
        private long fastPollMinRequests = 20;
        private long unsynchronizedMinResponses = 3;
        private long fastPollMinAddressRequests = 1_000;
        private long monlistProbeMinRequests = 2;
        private long spoofMinPorts = 32;

        private Builder() {
        }

        private Builder(final DetectionConfig c) {
            windowSize = c.windowSize;
            grace = c.grace;
            alertCooldown = c.alertCooldown;
            incidentQuiet = c.incidentQuiet;
            blocklistExpiry = c.blocklistExpiry;
            unblockHold = c.unblockHold;
            peerTableCap = c.peerTableCap;
            topPeers = c.topPeers;
            trustedNetworks = c.trustedNetworks;
            homeNetworksConfigured = c.homeNetworksConfigured;
            blockHome = c.blockHome;
            blocklistMaxNewPerWindow = c.blocklistMaxNewPerWindow;
            upstreamMemory = c.upstreamMemory;
            allowlist = c.allowlist;
            blockedTypes = c.blockedTypes;
            blockOnlyUnsolicitedReflectors = c.blockOnlyUnsolicitedReflectors;
            victimMinResponseBytes = c.victimMinResponseBytes;
            victimMinRatio = c.victimMinRatio;
            victimMinUnsolicitedResponses = c.victimMinUnsolicitedResponses;
            victimMinUnsolicitedServers = c.victimMinUnsolicitedServers;
            reflectorMinResponseBytes = c.reflectorMinResponseBytes;
            monlistMinResponses = c.monlistMinResponses;
            scannerMinServers = c.scannerMinServers;
            scannerMinControlServers = c.scannerMinControlServers;
            kodIgnoredMinRequests = c.kodIgnoredMinRequests;
            fastPollMinRequests = c.fastPollMinRequests;
            unsynchronizedMinResponses = c.unsynchronizedMinResponses;
            fastPollMinAddressRequests = c.fastPollMinAddressRequests;
            monlistProbeMinRequests = c.monlistProbeMinRequests;
            spoofMinPorts = c.spoofMinPorts;
        }

        public Builder windowSize(final Duration v) {
            windowSize = v;
            return this;
        }

        public Builder grace(final Duration v) {
            grace = v;
            return this;
        }

        public Builder alertCooldown(final Duration v) {
            alertCooldown = v;
            return this;
        }

        public Builder incidentQuiet(final Duration v) {
            incidentQuiet = v;
            return this;
        }

        public Builder blocklistExpiry(final Duration v) {
            blocklistExpiry = v;
            return this;
        }

        public Builder unblockHold(final Duration v) {
            unblockHold = v;
            return this;
        }

        public Builder peerTableCap(final int v) {
            peerTableCap = v;
            return this;
        }

        public Builder topPeers(final int v) {
            topPeers = v;
            return this;
        }

        /** The home networks; setting them, even to the default, marks them as configured. */
        public Builder trustedNetworks(final Networks v) {
            trustedNetworks = v;
            homeNetworksConfigured = true;
            return this;
        }

        public Builder blockHome(final boolean v) {
            blockHome = v;
            return this;
        }

        public Builder blocklistMaxNewPerWindow(final long v) {
            blocklistMaxNewPerWindow = v;
            return this;
        }

        public Builder upstreamMemory(final Duration v) {
            upstreamMemory = v;
            return this;
        }

        public Builder allowlist(final Networks v) {
            allowlist = v;
            return this;
        }

        public Builder blockedTypes(final Set<AlertType> v) {
            blockedTypes = v;
            return this;
        }

        public Builder blockOnlyUnsolicitedReflectors(final boolean v) {
            blockOnlyUnsolicitedReflectors = v;
            return this;
        }

        public Builder victimMinResponseBytes(final long v) {
            victimMinResponseBytes = v;
            return this;
        }

        public Builder victimMinRatio(final double v) {
            victimMinRatio = v;
            return this;
        }

        public Builder victimMinUnsolicitedResponses(final long v) {
            victimMinUnsolicitedResponses = v;
            return this;
        }

        public Builder victimMinUnsolicitedServers(final long v) {
            victimMinUnsolicitedServers = v;
            return this;
        }

        public Builder reflectorMinResponseBytes(final long v) {
            reflectorMinResponseBytes = v;
            return this;
        }

        public Builder monlistMinResponses(final long v) {
            monlistMinResponses = v;
            return this;
        }

        public Builder scannerMinServers(final long v) {
            scannerMinServers = v;
            return this;
        }

        public Builder scannerMinControlServers(final long v) {
            scannerMinControlServers = v;
            return this;
        }

        public Builder kodIgnoredMinRequests(final long v) {
            kodIgnoredMinRequests = v;
            return this;
        }

        public Builder fastPollMinRequests(final long v) {
            fastPollMinRequests = v;
            return this;
        }

        public Builder unsynchronizedMinResponses(final long v) {
            unsynchronizedMinResponses = v;
            return this;
        }

        public Builder fastPollMinAddressRequests(final long v) {
            fastPollMinAddressRequests = v;
            return this;
        }

        public Builder monlistProbeMinRequests(final long v) {
            monlistProbeMinRequests = v;
            return this;
        }

        public Builder spoofMinPorts(final long v) {
            spoofMinPorts = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value out of range */
        public DetectionConfig build() {
            return new DetectionConfig(this);
        }
    }
}
