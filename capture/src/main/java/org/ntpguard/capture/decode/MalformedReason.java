package org.ntpguard.capture.decode;

/** Why a UDP payload on port 123 is not valid NTP. The packet is still emitted: abuse hides in malformed packets. */
public enum MalformedReason {
    EMPTY("empty UDP payload");

    private final String text;

    MalformedReason(final String text) {
        this.text = text;
    }

    /** The short reason carried in {@code NtpPacket.malformed}. */
    public String text() {
        return text;
    }
}
