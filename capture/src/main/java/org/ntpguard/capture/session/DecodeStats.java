package org.ntpguard.capture.session;

import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.DecodedPacket;
import org.ntpguard.capture.decode.MalformedReason;
import org.ntpguard.capture.decode.NtpMessage;
import org.ntpguard.capture.proto.KissCode;
import org.ntpguard.capture.proto.NtpMode;

/**
 * What a decode run saw, frame by frame: plain counters, written by the one capture thread and read for the summary
 * (and by metrics binders, which only need eventual values).
 */
public final class DecodeStats {

    /** NTP versions a 3-bit Version field can hold, 0 to 7 (RFC 5905 §7.3). */
    public static final int VERSIONS = 8;
    /** Packet modes a 3-bit Mode field can hold, 0 to 7 (RFC 5905 §7.3). */
    private static final int MODES = 8;

    /**
     * Which way an NTP datagram goes, from its mode alone (no addresses, no state): mode 3 and mode 6/7 without the R
     * bit are requests, mode 4 and mode 6/7 with the R bit responses; everything else (symmetric, broadcast,
     * reserved, a mode 6/7 datagram too short for its header) is other.
     */
    public enum Direction {
        REQUEST, RESPONSE, OTHER;

        private static final int COUNT = values().length;

        static Direction of(final NtpMessage ntp) {
            return switch (NtpMode.fromCode(ntp.mode())) {
                case CLIENT -> REQUEST;
                case SERVER -> RESPONSE;
                case CONTROL -> !ntp.hasControl() ? OTHER : ntp.control().response() ? RESPONSE : REQUEST;
                case PRIVATE -> !ntp.hasPrivate() ? OTHER : ntp.privateHeader().response() ? RESPONSE : REQUEST;
                default -> OTHER;
            };
        }

        /** Whether a datagram of {@code mode} can go this way: the only series metrics need to show. */
        public boolean possibleFor(final NtpMode mode) {
            return switch (mode) {
                case CLIENT -> this == REQUEST;
                case SERVER -> this == RESPONSE;
                case CONTROL, PRIVATE -> true;
                default -> this == OTHER;
            };
        }
    }

    private final long[] byResult = new long[DecodeResult.values().length];
    private final long[] byMalformedReason = new long[MalformedReason.values().length];
    /** NTP datagrams and their UDP payload bytes by mode, version and direction (see {@link #cell}). */
    private final long[] datagramsByKind = new long[MODES * VERSIONS * Direction.COUNT];
    private final long[] bytesByKind = new long[MODES * VERSIONS * Direction.COUNT];
    private final long[] kissOfDeathByCode = new long[KissCode.values().length];
    private long frames;
    private long malformedNtp;
    private long damagedInputs;
    private long unreadableInputs;

    void frame(final DecodeResult result) {
        frames++;
        byResult[result.ordinal()]++;
    }

    /** An NTP datagram (malformed ones too): by mode, version and direction, and its kiss code if it is a KoD. */
    void countNtp(final DecodedPacket packet) {
        final NtpMessage ntp = packet.ntp();
        final int cell = cell(ntp.mode(), ntp.version(), Direction.of(ntp));
        datagramsByKind[cell]++;
        bytesByKind[cell] += packet.ntpLength();
        if (ntp.isKissOfDeath()) {
            kissOfDeathByCode[ntp.header().kissCode().ordinal()]++;
        }
    }

    void countMalformedNtp(final MalformedReason reason) {
        malformedNtp++;
        byMalformedReason[reason.ordinal()]++;
    }

    public void damagedInput() {
        damagedInputs++;
    }

    public void unreadableInput() {
        unreadableInputs++;
    }

    public long frames() {
        return frames;
    }

    public long count(final DecodeResult result) {
        return byResult[result.ordinal()];
    }

    /** NTP datagrams emitted, malformed ones included. */
    public long ntpDatagrams() {
        return count(DecodeResult.NTP);
    }

    public long malformedNtp() {
        return malformedNtp;
    }

    public long malformedNtp(final MalformedReason reason) {
        return byMalformedReason[reason.ordinal()];
    }

    /** NTP datagrams of one mode (0-7), version (0-7) and direction. */
    public long ntpDatagrams(final NtpMode mode, final int version, final Direction direction) {
        return datagramsByKind[cell(mode.code(), version, direction)];
    }

    /** UDP payload bytes (as the UDP header declares them) of those datagrams. */
    public long ntpBytes(final NtpMode mode, final int version, final Direction direction) {
        return bytesByKind[cell(mode.code(), version, direction)];
    }

    /** Kiss-o'-Death packets with this code; {@link KissCode#UNKNOWN} for codes outside the registry. */
    public long kissOfDeath(final KissCode code) {
        return kissOfDeathByCode[code.ordinal()];
    }

    /** Frames that were not NTP: other traffic, and fragments of other datagrams. */
    public long notNtp() {
        return count(DecodeResult.NOT_NTP);
    }

    /** Frames that could not be followed: truncated, malformed or unsupported headers. */
    public long frameErrors() {
        return count(DecodeResult.TRUNCATED) + count(DecodeResult.MALFORMED) + count(DecodeResult.UNSUPPORTED);
    }

    /** Inputs with damage somewhere (a problem was reported), read as far as the format allowed. */
    public long damagedInputs() {
        return damagedInputs;
    }

    /** Inputs of which nothing could be read (missing, unreadable, not a capture). */
    public long unreadableInputs() {
        return unreadableInputs;
    }

    private static int cell(final int mode, final int version, final Direction direction) {
        return (mode * VERSIONS + version) * Direction.COUNT + direction.ordinal();
    }

    /** One line for stderr: {@code frames 120, NTP datagrams 100 (malformed 2), ...}. */
    public String summary() {
        return "frames " + frames
                + ", NTP datagrams " + ntpDatagrams() + " (malformed " + malformedNtp + ")"
                + ", NTP fragments " + count(DecodeResult.NTP_FRAGMENT)
                + ", non-NTP skipped " + notNtp()
                + ", frame errors " + frameErrors()
                + ", damaged inputs " + damagedInputs
                + ", unreadable inputs " + unreadableInputs;
    }
}
