package org.ntpguard.capture.decode;

/**
 * BSD loopback header (LINKTYPE_NULL 0, LINKTYPE_LOOP 108): a 4-byte address family, in the capturing host's byte
 * order for NULL and in network order for LOOP. AF_INET is 2 everywhere; AF_INET6 differs by system.
 */
final class LoopbackHeader {

    static final int LENGTH = 4;
    static final int AF_INET = 2;
    /** NetBSD, OpenBSD, BSD/OS. */
    static final int AF_INET6_BSD = 24;
    /** FreeBSD, DragonFly BSD. */
    static final int AF_INET6_FREEBSD = 28;
    /** macOS, iOS. */
    static final int AF_INET6_DARWIN = 30;
    /** Linux and Solaris in a capture taken there with this link type. */
    static final int AF_INET6_LINUX = 10;

    private LoopbackHeader() {
    }

    /** The family whichever byte order the capturing host wrote it in: a valid family fits in the low byte. */
    static int family(final int rawBigEndian) {
        return (rawBigEndian & 0xFFFFFF00) == 0 ? rawBigEndian : Integer.reverseBytes(rawBigEndian);
    }

    static boolean isInet6(final int family) {
        return family == AF_INET6_BSD || family == AF_INET6_FREEBSD || family == AF_INET6_DARWIN
                || family == AF_INET6_LINUX;
    }
}
