package org.ntpguard.capture.session;

import org.ntpguard.capture.decode.DecodeResult;
import org.ntpguard.capture.decode.MalformedReason;

/**
 * What a decode run saw, frame by frame: plain counters, written by the one capture thread and read for the summary
 * (and by metrics binders, which only need eventual values).
 */
public final class DecodeStats {

    private final long[] byResult = new long[DecodeResult.values().length];
    private final long[] byMalformedReason = new long[MalformedReason.values().length];
    private long frames;
    private long malformedNtp;
    private long damagedInputs;
    private long unreadableInputs;

    void frame(final DecodeResult result) {
        frames++;
        byResult[result.ordinal()]++;
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
