package org.ntpguard.capture.pcap;

/**
 * One piece of damaged input, with where it is.
 *
 * @param source     the file (as given by the user) or interface
 * @param frame      1-based frame number the problem is in or just after, 0 when before the first frame
 * @param offset     byte offset in the (uncompressed) file, -1 when it has none
 * @param kind       what is wrong, a closed set that metrics count by
 * @param detail     a short sentence in the form "what: actual (expected: ...)"
 */
public record CaptureProblem(String source, long frame, long offset, Kind kind, String detail) {

    /** What is wrong; {@link #fatal()} kinds end the reading of their file. */
    public enum Kind {
        /** Not a pcap, pcapng or gzip file. */
        BAD_MAGIC(true, true),
        /** The file ends inside its file header (or the first pcapng section header). */
        TRUNCATED_FILE_HEADER(true, true),
        /** The file ends inside a record: the last frame is incomplete. */
        TRUNCATED_RECORD(true, true),
        /** A record claims more captured bytes than the snap length or the 256 KiB sanity limit. */
        OVERSIZED_RECORD(true, true),
        /** A frame with no bytes captured: skipped. */
        ZERO_LENGTH_FRAME(false, true),
        /** A pcapng block that is malformed (bad length, unknown interface): skipped where its length allows. */
        BAD_BLOCK(false, true),
        /** A link type ntpguard does not decode: frames of it are skipped. */
        UNSUPPORTED_LINK_TYPE(false, false),
        /** The gzip stream is corrupt or ends early. */
        CORRUPT_COMPRESSION(true, true),
        /** A frame that ends inside one of its headers (snap length, or a length field larger than the frame). */
        TRUNCATED_FRAME(false, false),
        /** A frame whose link, IP, UDP or tunnel header breaks its own rules. */
        MALFORMED_FRAME(false, false),
        /** An encapsulation ntpguard does not follow (GRE version 1, ...). */
        UNSUPPORTED_FRAME(false, false),
        /** UDP on port 123 that is not valid NTP: still emitted, with the reason. */
        MALFORMED_NTP(false, false),
        /** More fragmented datagrams in flight than the fragment table holds: the oldest are forgotten. */
        FRAGMENT_TABLE_FULL(false, false);

        private final boolean fatal;
        private final boolean damagesInput;

        Kind(final boolean fatal, final boolean damagesInput) {
            this.fatal = fatal;
            this.damagesInput = damagesInput;
        }

        /**
         * The capture file itself is damaged (its format is broken), as opposed to the traffic it recorded being
         * odd (snap-cut frames, malformed NTP, unsupported encapsulations): what makes {@code decode} exit 1.
         */
        public boolean damagesInput() {
            return damagesInput;
        }

        public boolean fatal() {
            return fatal;
        }
    }

    /** One line for a terminal or log: {@code file: frame 12, offset 1536: what: actual (expected: ...)}. */
    public String describe() {
        final StringBuilder line = new StringBuilder(source);
        if (frame > 0) {
            line.append(": frame ").append(frame);
        }
        if (offset >= 0) {
            line.append(frame > 0 ? ", offset " : ": offset ").append(offset);
        }
        return line.append(": ").append(detail).toString();
    }
}
