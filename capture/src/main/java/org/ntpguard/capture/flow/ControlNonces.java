package org.ntpguard.capture.flow;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mode 6 nonces servers hand to clients, per (client, server) pair and across flow intervals: ntpq
 * {@code mrulist} asks REQ_NONCE (opcode 12), then sends READ_MRU (opcode 10) carrying the nonce the server answered
 * to the same address. A requester that echoes it received the server's answer, so its address is not spoofed and
 * the READ_MRU answers (up to 32 fragments of 468 bytes) are no reflection. Checked here, where the datagrams are in
 * capture order.
 *
 * <p>Bounded: the {@value #MAX_PAIRS} most recently used pairs; an older one's nonce is forgotten and its next
 * READ_MRU counts as unverified, as it did before nonces were checked. Only opcodes 10 and 12 reach this class.
 */
final class ControlNonces {

    static final int MAX_PAIRS = 4_096;

    /** One pair's latest nonce, the size of the answer that carried it, and whether READ_MRU echoed it. */
    private static final class State {
        long nonce;
        int nonceAnswerBytes;
        boolean verified;
    }

    private record Pair(long clientHigh, long clientLow, long serverHigh, long serverLow) {
    }

    private final Map<Pair, State> pairs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<Pair, State> eldest) {
            return size() > MAX_PAIRS;
        }
    };

    /** A REQ_NONCE response of {@code bytes} handed {@code nonce} (a hash, 0 for none) to the pair's client. */
    void issued(final PairKey key, final long nonce, final int bytes) {
        if (nonce != 0) {
            final State state = state(key);
            state.nonce = nonce;
            state.nonceAnswerBytes = bytes;
        }
    }

    /**
     * A READ_MRU request carrying {@code nonce}: the NTP bytes of the REQ_NONCE answer it proves its client
     * received (then counted as a verified response too), or -1 when it is not the nonce the server handed out.
     */
    int request(final PairKey key, final long nonce) {
        final State state = pairs.get(pair(key));
        final boolean verified = state != null && nonce != 0 && state.nonce == nonce;
        if (state == null) {
            return -1;
        }
        state.verified = verified;
        if (!verified) {
            return -1;
        }
        final int proven = state.nonceAnswerBytes;
        state.nonceAnswerBytes = 0; // a nonce echoed twice proves its one answer once
        return proven;
    }

    /** A READ_MRU response: whether it answers a request that echoed the nonce. */
    boolean response(final PairKey key) {
        final State state = pairs.get(pair(key));
        return state != null && state.verified;
    }

    private State state(final PairKey key) {
        return pairs.computeIfAbsent(pair(key), p -> new State());
    }

    private static Pair pair(final PairKey key) {
        return new Pair(key.clientHigh, key.clientLow, key.serverHigh, key.serverLow);
    }
}
