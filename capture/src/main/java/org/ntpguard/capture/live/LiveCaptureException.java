package org.ntpguard.capture.live;

import java.io.IOException;

/**
 * Live capture could not start or went on failing: libpcap missing, an unknown interface, no permission, a filter
 * libpcap rejects, or the interface going away while read.
 *
 * <p>The message is one sentence meant for the user as it stands (it names the interface or filter and libpcap's own
 * words), so callers print {@link #getMessage()} and need no stack trace.
 */
public final class LiveCaptureException extends IOException {

    public LiveCaptureException(final String message) {
        super(message);
    }

    public LiveCaptureException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
