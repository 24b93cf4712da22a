package org.ntpguard.cli.evidence;

import org.ntpguard.schema.text.JsonLines;

/**
 * An alert's evidence capture, as {@code alerts.jsonl} names it.
 *
 * @param file        the capture, relative to the report folder ({@code evidence/ID.pcap} or {@code .pcapng}); null
 *                    when no packet of the subject was found in the span
 * @param packets     packets written, at most {@code limit}
 * @param beyondLimit packets of the subject in the span that were not written because the limit was reached
 * @param limit       the most packets an evidence capture holds
 * @param first       where the first packet written was read; null with no packet
 * @param last        where the last packet written was read; null with no packet
 */
public record AlertEvidence(String file, long packets, long beyondLimit, int limit, FramePosition first,
                            FramePosition last) {

    /**
     * A frame of an input file.
     *
     * @param input the file as it was given on the command line
     * @param frame its 1-based frame number in that file, as tshark and Wireshark count (pcapng: packet blocks)
     */
    public record FramePosition(String input, long frame) {

        void appendJson(final StringBuilder json) {
            json.append("{\"input\":");
            JsonLines.appendString(json, input);
            json.append(",\"frame\":").append(frame).append('}');
        }
    }

    /** The JSON object {@code alerts.jsonl} holds as the alert's {@code evidence}. */
    public String json() {
        final StringBuilder json = new StringBuilder("{\"file\":");
        if (file == null) {
            json.append("null");
        } else {
            JsonLines.appendString(json, file);
        }
        json.append(",\"packets\":").append(packets).append(",\"beyondLimit\":").append(beyondLimit)
                .append(",\"limit\":").append(limit).append(",\"first\":");
        appendPosition(json, first);
        json.append(",\"last\":");
        appendPosition(json, last);
        return json.append('}').toString();
    }

    private static void appendPosition(final StringBuilder json, final FramePosition position) {
        if (position == null) {
            json.append("null");
        } else {
            position.appendJson(json);
        }
    }
}
