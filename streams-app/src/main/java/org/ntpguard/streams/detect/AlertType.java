package org.ntpguard.streams.detect;

/** The detections ntpguard raises; the README documents what triggers each and its defaults. */
public enum AlertType {
    /** An address receiving NTP responses far above what it asked for. */
    AMPLIFICATION_VICTIM,
    /** A server answering a client far beyond its requests, or answering a victim that never asked. */
    REFLECTOR,
    /** Mode 7 MON_GETLIST / MON_GETLIST_1 requests and their responses. */
    MONLIST_ABUSE,
    /** One source sending NTP requests to many distinct servers. */
    SCANNER,
    /** A client polling on after RATE KoDs sent to it (to its port); and the server kissing it. */
    KOD_IGNORED,
    /** A server answering mode 6 or 7 queries from outside the trusted networks. */
    EXPOSED_CONTROL,
    /** A server handing out time while declaring itself unsynchronized. */
    UNSYNCHRONIZED_SERVER,
    /** A client polling one server far faster than any sane client, without a KoD it ignored. */
    FAST_POLL,
    /** An address in whose name requests come from many random source ports: the target of spoofing. */
    SPOOFED_SOURCE
}
