package org.ntpguard.capture.proto;

/** Well-known UDP ports the decoder dispatches on. */
public final class Ports {

    /** NTP (RFC 5905 §7.2). */
    public static final int NTP = 123;
    /** VXLAN (RFC 7348 §5). */
    public static final int VXLAN = 4789;

    private Ports() {
    }
}
