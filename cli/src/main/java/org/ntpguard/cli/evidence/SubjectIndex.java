package org.ntpguard.cli.evidence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntpguard.capture.decode.DecodedPacket;

/**
 * The alerts of each subject address, looked up by a decoded packet's source or destination without allocating: an
 * open-addressing table keyed by the address as two longs and its length, since most frames of a capture match no
 * alert and the lookup is done twice for every one of them.
 */
final class SubjectIndex {

    private static final int[] NONE = new int[0];
    private static final int EMPTY = -1;

    private final long[] highs;
    private final long[] lows;
    private final int[] lengths;
    /** Indexes into the span list of each slot's alerts; null for an empty slot. */
    private final int[][] alerts;
    private final int mask;

    /** Indexes {@code spans} by subject; each entry of a slot's array is an index into {@code spans}. */
    SubjectIndex(final List<AlertSpan> spans) {
        final Map<String, List<Integer>> bySubject = new LinkedHashMap<>();
        for (int i = 0; i < spans.size(); i++) {
            bySubject.computeIfAbsent(Arrays.toString(spans.get(i).subject()), key -> new ArrayList<>()).add(i);
        }
        final int capacity = Integer.highestOneBit(Math.max(2, bySubject.size()) * 2) * 2; // at most half full
        highs = new long[capacity];
        lows = new long[capacity];
        lengths = new int[capacity];
        Arrays.fill(lengths, EMPTY);
        alerts = new int[capacity][];
        mask = capacity - 1;
        for (final List<Integer> indexes : bySubject.values()) {
            final byte[] subject = spans.get(indexes.get(0)).subject();
            final long high = subject.length == DecodedPacket.IPV6_ADDRESS_LENGTH ? word(subject, 0) : 0;
            final long low = subject.length == DecodedPacket.IPV6_ADDRESS_LENGTH ? word(subject, 8)
                    : word4(subject);
            int slot = slot(high, low);
            while (lengths[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            highs[slot] = high;
            lows[slot] = low;
            lengths[slot] = subject.length;
            alerts[slot] = indexes.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** The alerts about the packet's source ({@code source}) or destination address; empty when none. */
    int[] alertsOf(final DecodedPacket packet, final boolean source) {
        final int length = packet.addressLength();
        long high = 0;
        long low = 0;
        if (length == DecodedPacket.IPV6_ADDRESS_LENGTH) {
            for (int i = 0; i < 8; i++) {
                high = high << 8 | (source ? packet.sourceByte(i) : packet.destinationByte(i)) & 0xFF;
                low = low << 8 | (source ? packet.sourceByte(i + 8) : packet.destinationByte(i + 8)) & 0xFF;
            }
        } else {
            for (int i = 0; i < DecodedPacket.IPV4_ADDRESS_LENGTH; i++) {
                low = low << 8 | (source ? packet.sourceByte(i) : packet.destinationByte(i)) & 0xFF;
            }
        }
        for (int slot = slot(high, low); lengths[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (lows[slot] == low && highs[slot] == high && lengths[slot] == length) {
                return alerts[slot];
            }
        }
        return NONE;
    }

    private int slot(final long high, final long low) {
        final long mixed = (high * 0x9E3779B97F4A7C15L + low) * 0xBF58476D1CE4E5B9L;
        return (int) (mixed ^ mixed >>> 31) & mask;
    }

    private static long word(final byte[] address, final int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = value << 8 | address[i] & 0xFF;
        }
        return value;
    }

    private static long word4(final byte[] address) {
        long value = 0;
        for (final byte b : address) {
            value = value << 8 | b & 0xFF;
        }
        return value;
    }
}
