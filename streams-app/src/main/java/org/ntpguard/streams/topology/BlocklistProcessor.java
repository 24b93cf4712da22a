package org.ntpguard.streams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.ntpguard.schema.BlocklistEntry;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.streams.allowlist.ListChange;
import org.ntpguard.streams.allowlist.RuntimeAllowlist;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.Blocklist;
import org.ntpguard.streams.detect.DetectionConfig;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.metrics.DetectorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the blocklist: alerts of blocking types add or refresh entries (keyed by address/prefix, published to the
 * compacted blocklist topic), and entries with no new abuse for the expiry time are removed with a tombstone. Expiry
 * follows the wall clock when live and event time in a replay, where the wall clock means nothing. That event time is
 * this processor's own (the alerts' and ticks' times), not its task's stream time: in a one-task topology the task's
 * stream time is the end-of-replay heartbeat's, an hour past the capture, which would expire every entry at once.
 *
 * <p>New entries are limited per window of event time ({@link DetectionConfig#blocklistMaxNewPerWindow()}), counted
 * per task in memory: forged traffic can raise alerts on any address it likes, and the limit bounds how many the site
 * blocks at once. Refreshing an existing entry is never limited.
 *
 * <p>Upstream marks ({@link NtpTopology#upstreamMark}) name servers the site's own clients use: they are kept in
 * {@link #UPSTREAM_STORE} for {@link DetectionConfig#upstreamMemory()} and never blocked while there; a mark that
 * comes after an entry was made (its alert's window closed first) removes the entry.
 *
 * <p>The operators' runtime changes ({@link #RUNTIME_ALLOWLIST_STORE}, global: every instance sees every change) keep
 * allowlisted prefixes, and unblocked addresses for {@link DetectionConfig#unblockHold()}, off the blocklist: an
 * alert on one adds nothing, and an entry made before the change is removed at the next expiry check (a global
 * table's update reaches no processor by itself). The hold counts on the clock of expiry.
 */
final class BlocklistProcessor implements Processor<String, NtpAlert, String, BlocklistEntry> {

    private static final Logger LOG = LoggerFactory.getLogger(BlocklistProcessor.class);

    static final String STORE = "blocklist-store";
    static final String UPSTREAM_STORE = "site-upstream-store";
    /** A global table of the allowlist topic: key {@link ListChange#key()}, value its JSON. */
    static final String RUNTIME_ALLOWLIST_STORE = "runtime-allowlist-store";
    /** How often expiry is checked. */
    static final Duration EXPIRY_CHECK = Duration.ofSeconds(10);

    /** Which clock drives expiry. */
    enum Clock { STREAM_TIME, WALL_CLOCK }

    private final DetectionConfig config;
    private final Clock clock;
    private final DetectorMetrics metrics;
    /** The window (event time / window size) whose new entries {@link #newInWindow} counts. */
    private long quotaWindow = Long.MIN_VALUE;
    private long newInWindow;
    private ProcessorContext<String, BlocklistEntry> context;
    private KeyValueStore<String, BlocklistEntry> entries;
    private KeyValueStore<String, Long> upstreams;
    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<String>> runtimeAllowlist;
    /** The latest alert or tick time seen here: this processor's own stream time. */
    private long observedTime = Long.MIN_VALUE;
    /** In event time, when expiry is next checked. */
    private long nextExpiryCheck = Long.MIN_VALUE;

    BlocklistProcessor(final DetectionConfig config, final Clock clock, final DetectorMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void init(final ProcessorContext<String, BlocklistEntry> context) {
        this.context = context;
        this.entries = context.getStateStore(STORE);
        this.upstreams = context.getStateStore(UPSTREAM_STORE);
        this.runtimeAllowlist = context.getStateStore(RUNTIME_ALLOWLIST_STORE);
        observedTime = Long.MIN_VALUE; // a revived task rewinds its input
        nextExpiryCheck = Long.MIN_VALUE;
        if (clock == Clock.WALL_CLOCK) {
            context.schedule(EXPIRY_CHECK, PunctuationType.WALL_CLOCK_TIME, this::expire);
        }
    }

    @Override
    public void process(final Record<String, NtpAlert> alert) {
        observedTime = Math.max(observedTime, alert.timestamp());
        if (NtpTopology.isUpstreamMark(alert.key(), alert.value())) {
            learnUpstream(alert.key(), alert.timestamp());
        } else if (!NtpTopology.isTick(alert.key())) {
            add(alert);
        }
        if (clock == Clock.STREAM_TIME && observedTime >= nextExpiryCheck) {
            expire(observedTime);
            nextExpiryCheck = observedTime + EXPIRY_CHECK.toMillis();
        }
    }

    private void add(final Record<String, NtpAlert> alert) {
        final String key = alert.key();
        final BlocklistEntry stored = entries.get(key);
        final Optional<BlockEntry> next = Blocklist.block(AlertRecords.toAlert(alert.value()),
                stored == null ? null : AlertRecords.toBlockEntry(stored), config);
        if (next.isEmpty()) {
            return;
        }
        final long now = clock == Clock.WALL_CLOCK ? context.currentSystemTimeMs() : alert.timestamp();
        final Optional<String> keptOff = keptOff(next.get().address(), now);
        if (keptOff.isPresent()) {
            LOG.info("blocklist: {} not blocked: {}; the alert stands", key, keptOff.get());
            if (stored != null) {
                entries.delete(key);
                context.forward(new Record<String, BlocklistEntry>(key, null, alert.timestamp()));
            }
            return;
        }
        final Long upstreamLastUsed = upstreams.get(key);
        if (upstreamLastUsed != null && alert.timestamp() - upstreamLastUsed <= config.upstreamMemory().toMillis()) {
            metrics.blocklistSiteUpstream();
            LOG.info("blocklist: {} not blocked: the site's own clients use it (learned upstream); the alert stands",
                    key);
            return;
        }
        if (stored == null && !withinQuota(alert.timestamp())) {
            metrics.blocklistRateLimited();
            LOG.warn("blocklist: {} not blocked: {} new entries in this window already (ntpguard.blocklist.max.new"
                    + ".per.window); the alert stands", key, config.blocklistMaxNewPerWindow());
            return;
        }
        if (clock == Clock.STREAM_TIME && Blocklist.expired(next.get(), observedTime)) {
            // Stream time from other partitions' ticks has passed its expiry already: an entry added now would be
            // removed at the next expiry check, or kept, depending only on which record came first.
            if (stored != null) {
                entries.delete(key);
                context.forward(new Record<String, BlocklistEntry>(key, null, alert.timestamp()));
            }
            return;
        }
        final BlocklistEntry record = AlertRecords.blocklistEntry(next.get());
        entries.put(key, record);
        context.forward(new Record<>(key, record, alert.timestamp()));
    }

    private void learnUpstream(final String key, final long time) {
        final Long known = upstreams.get(key);
        upstreams.put(key, known == null ? time : Math.max(known, time));
        if (entries.get(key) != null) {
            entries.delete(key);
            context.forward(new Record<String, BlocklistEntry>(key, null, time));
            metrics.blocklistSiteUpstream();
            LOG.info("blocklist: {} removed: the site's own clients use it (learned upstream)", key);
        }
    }

    /** Why the operators' runtime changes keep this address off the blocklist at {@code now}, if they do. */
    private Optional<String> keptOff(final IpAddress address, final long now) {
        final List<ListChange> changes = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<String>> all = runtimeAllowlist.all()) {
            while (all.hasNext()) {
                final KeyValue<String, ValueAndTimestamp<String>> change = all.next();
                if (change.value == null || change.value.value() == null) {
                    continue;
                }
                try {
                    changes.add(ListChange.fromJson(change.value.value()));
                } catch (final IllegalArgumentException e) {
                    LOG.warn("allowlist topic: change {} ignored: {}", change.key, e.getMessage());
                }
            }
        }
        return RuntimeAllowlist.keepsOff(address, now, config.unblockHold(), changes);
    }

    /** Takes one new entry from the quota of the window of {@code eventTime}, if any is left. */
    private boolean withinQuota(final long eventTime) {
        final long window = Math.floorDiv(eventTime, config.windowSize().toMillis());
        if (window > quotaWindow) {
            quotaWindow = window;
            newInWindow = 0;
        }
        if (newInWindow >= config.blocklistMaxNewPerWindow()) {
            return false;
        }
        newInWindow++;
        return true;
    }

    private void expire(final long now) {
        final List<KeyValue<String, BlocklistEntry>> expired = new ArrayList<>();
        try (KeyValueIterator<String, BlocklistEntry> all = entries.all()) {
            while (all.hasNext()) {
                final KeyValue<String, BlocklistEntry> entry = all.next();
                final BlockEntry blocked = AlertRecords.toBlockEntry(entry.value);
                if (Blocklist.expired(blocked, now)) {
                    expired.add(entry);
                } else {
                    final Optional<String> keptOff = keptOff(blocked.address(), now);
                    if (keptOff.isPresent()) {
                        LOG.info("blocklist: {} removed: {}", entry.key, keptOff.get());
                        expired.add(entry);
                    }
                }
            }
        }
        for (final KeyValue<String, BlocklistEntry> entry : expired) {
            entries.delete(entry.key);
            context.forward(new Record<String, BlocklistEntry>(entry.key, null, now));
        }
        final List<String> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = upstreams.all()) {
            while (all.hasNext()) {
                final KeyValue<String, Long> upstream = all.next();
                if (now - upstream.value > config.upstreamMemory().toMillis()) {
                    forgotten.add(upstream.key);
                }
            }
        }
        forgotten.forEach(upstreams::delete);
    }
}
