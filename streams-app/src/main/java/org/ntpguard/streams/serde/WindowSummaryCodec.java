package org.ntpguard.streams.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ntpguard.streams.detect.WindowSummary;

/**
 * Binary form of a {@link WindowSummary}, the value of the recent closed windows' store: about 40 bytes plus the
 * names of its counts, in the primitives of {@link ClientWindowCodec}.
 *
 * <pre>
 * version byte (1)
 * windowStart, requests, requestBytes, responses, responseBytes                   zig-zag varints
 * counts: count, then per count its name (text) and value
 * kiss codes                                                                      as in ClientWindowCodec
 * </pre>
 */
public final class WindowSummaryCodec {

    public static final int VERSION = 1;
    private static final int MAX_COUNTS = 64;

    private WindowSummaryCodec() {
    }

    public static byte[] encode(final WindowSummary s) {
        final WireWriter out = new WireWriter(128);
        out.writeByte(VERSION).writeLong(s.windowStart()).writeLong(s.requests()).writeLong(s.requestBytes())
                .writeLong(s.responses()).writeLong(s.responseBytes());
        out.writeLong(s.counts().size());
        s.counts().forEach((name, n) -> out.writeText(name).writeLong(n));
        out.writeLong(s.kissCodes().size());
        s.kissCodes().forEach((code, n) -> out.writeText(code).writeLong(n));
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException naming what is wrong with the bytes */
    public static WindowSummary decode(final byte[] bytes) {
        final WireReader in = new WireReader(bytes, "window summary").version(VERSION);
        final long start = in.readLong("window start");
        final long requests = in.readLong("requests");
        final long requestBytes = in.readLong("request bytes");
        final long responses = in.readLong("responses");
        final long responseBytes = in.readLong("response bytes");
        final int count = in.readInt("count of counts", 0, MAX_COUNTS);
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            counts.put(in.readText("count name", ClientWindowCodec.MAX_TEXT_BYTES), in.readLong("count"));
        }
        final Map<String, Long> kisses = ClientWindowCodec.readKissCodes(in);
        in.end();
        return new WindowSummary(start, requests, requestBytes, responses, responseBytes, counts, kisses);
    }
}
