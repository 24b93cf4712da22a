package org.ntpguard.streams.detect;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kiss-o'-Death counts by kiss code (RFC 5905 §7.4), bounded: a server can put any four bytes in the refid, so
 * codes beyond the first {@value #MAX_CODES} distinct ones are counted under {@value #OTHER}.
 */
public final class KissCodes {

    /** RFC 5905 lists 14 codes; twice that leaves room for implementation-specific ones. */
    public static final int MAX_CODES = 32;
    /** The bucket for codes beyond {@link #MAX_CODES}. */
    public static final String OTHER = "OTHER";
    /** The code asking a client to slow down. */
    public static final String RATE = "RATE";

    private final TreeMap<String, Long> counts = new TreeMap<>();

    public void add(final String code, final long count) {
        final String key = counts.containsKey(code) || counts.size() < MAX_CODES - 1 ? code : OTHER;
        counts.merge(key, count, Long::sum);
    }

    public void addAll(final KissCodes other) {
        other.counts.forEach(this::add);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sorted by code, unmodifiable copy. */
    public Map<String, Long> asMap() {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }
}
