package org.ntpguard.cli;

import java.io.PrintWriter;
import org.ntpguard.capture.live.LiveCaptureException;
import org.ntpguard.capture.live.LiveCaptureOptions;
import org.ntpguard.capture.live.LiveCaptureReader;
import org.ntpguard.capture.proto.LinkType;

/** Opening a live interface for a command, and saying in one line what was opened or why not. */
final class LiveInput {

    private LiveInput() {
    }

    /** The open reader, or null after one line on stderr saying why it could not be opened. */
    static LiveCaptureReader open(final String command, final String interfaceName, final String filter,
                                  final LiveCaptureTuning tuning, final PrintWriter err) {
        LiveCaptureOptions options = tuning.applyTo(LiveCaptureOptions.of(interfaceName));
        if (filter != null) {
            options = options.withFilter(filter);
        }
        try {
            return LiveCaptureReader.open(options);
        } catch (LiveCaptureException e) {
            err.println("ntpguard " + command + ": " + e.getMessage());
            return null;
        }
    }

    /** {@code capturing on lo (link type ETHERNET(1), filter: ...)}. */
    static String describe(final LiveCaptureReader reader) {
        return "capturing on " + reader.source() + " (link type " + LinkType.describe(reader.linkType())
                + ", filter: " + reader.filter() + ")";
    }
}
