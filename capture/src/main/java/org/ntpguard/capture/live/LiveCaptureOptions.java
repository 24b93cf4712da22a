package org.ntpguard.capture.live;

import java.util.Objects;

/**
 * How to open a live interface: an immutable record with defaults from {@link #of(String)} and one {@code withX} per
 * setting.
 *
 * @param interfaceName     the interface as libpcap names it ({@code eth0}, {@code lo}, {@code any})
 * @param promiscuous       whether to put the interface in promiscuous mode (default true: a sensor watches traffic
 *                          that is not addressed to it, e.g. on a SPAN port)
 * @param snaplen           bytes kept of each frame, 1 to {@value #MAX_SNAPLEN} (default {@value #DEFAULT_SNAPLEN},
 *                          libpcap's own maximum, so nothing is cut)
 * @param filter            a BPF expression in tcpdump syntax, empty for everything (default {@link #DEFAULT_FILTER})
 * @param readTimeoutMillis how long libpcap may hold packets to deliver them in batches (default
 *                          {@value #DEFAULT_READ_TIMEOUT_MILLIS}); 0 means wait for a full buffer
 * @param bufferSizeBytes   the kernel ring buffer size (default {@value #DEFAULT_BUFFER_SIZE_BYTES}, 32 MiB); larger
 *                          buffers ride out longer bursts before the kernel drops
 * @param immediateMode     deliver each packet as soon as it arrives (default false). On Linux immediate mode makes
 *                          libpcap use TPACKET_V2 instead of the batched TPACKET_V3: lower latency, but one system
 *                          call per packet and a ring of fixed slots each sized for the whole snap length, so a
 *                          32 MiB buffer at snaplen 262144 holds only about 128 frames. Measured on {@code lo}: about
 *                          35-45k frames/s with heavy kernel drops, against no drops at 60-85k/s without it
 */
public record LiveCaptureOptions(String interfaceName, boolean promiscuous, int snaplen, String filter,
                                 int readTimeoutMillis, int bufferSizeBytes, boolean immediateMode) {

    /** libpcap's MAXIMUM_SNAPLEN: the largest snap length it accepts without silently lowering it. */
    public static final int MAX_SNAPLEN = 262_144;

    /** Default snap length: whole frames, up to libpcap's maximum. */
    public static final int DEFAULT_SNAPLEN = MAX_SNAPLEN;

    /** Default read timeout: at most 100 ms between a packet arriving and it being handed over. */
    public static final int DEFAULT_READ_TIMEOUT_MILLIS = 100;

    /**
     * Default kernel buffer: 32 MiB, about 200k small NTP frames (TPACKET_V3 adds about 70 bytes of header and
     * alignment to each), so about 2 s of a busy mirror port at 100k frames/s: enough to ride out a full garbage
     * collection or a burst of monlist responses. libpcap's own default is 2 MiB, about 0.1 s at that rate.
     */
    public static final int DEFAULT_BUFFER_SIZE_BYTES = 32 * 1024 * 1024;

    /**
     * NTP and everything that may carry it, untagged or inside one 802.1Q tag or two (QinQ). The clauses of
     * {@link #NTP_AND_CARRIERS}, then the same again after each {@code vlan}:
     *
     * <ul>
     *   <li>{@code udp port 123}: NTP (RFC 5905) over IPv4 or IPv6, either direction. libpcap only reads UDP ports
     *       from unfragmented packets and first fragments, and for IPv6 only when UDP directly follows the fixed
     *       header.</li>
     *   <li>{@code ip[6:2] & 0x1fff != 0}: non-first IPv4 fragments (fragment offset non-zero, RFC 791). They carry no
     *       UDP header, so no port test can keep them, yet large mode-6/mode-7 responses arrive this way and the
     *       decoder needs them to reassemble.</li>
     *   <li>{@code ip6 and ip6[6] == 44}: IPv6 packets whose first extension header is a Fragment header (RFC 8200
     *       §4.5), first or not.</li>
     *   <li>{@code ip proto 47 or ip6 proto 47}: GRE (RFC 2784/2890), which carries ERSPAN mirror traffic.</li>
     *   <li>{@code udp port 4789}: VXLAN (RFC 7348), whose inner frames may be NTP.</li>
     * </ul>
     *
     * <p>Why it is written out three times: in BPF, each {@code vlan} keyword moves the offsets of everything after it
     * in the expression by one tag (IEEE 802.1Q, 4 bytes), so the untagged clauses come first, {@code vlan and (...)}
     * matches one tag, and the second {@code vlan} (now two tags deep) matches QinQ. On live Linux interfaces the kernel
     * strips the outer tag into metadata and libpcap compiles {@code vlan} accordingly; compile this on the handle it
     * filters, never for another link type. libpcap refuses {@code vlan} on link types other than Ethernet-like ones
     * ({@code any} gives Linux cooked capture: "no VLAN support for Linux cooked v1"); there
     * {@link LiveCaptureReader} falls back to {@link #NTP_AND_CARRIERS}, which still sees tagged NTP because the kernel
     * has stripped the tags. ICMP errors quoting an NTP packet (port unreachable) are not kept: they are
     * IP protocol 1, not UDP.
     */
    public static final String DEFAULT_FILTER;

    /** The untagged clauses of {@link #DEFAULT_FILTER}. */
    public static final String NTP_AND_CARRIERS =
            "udp port 123 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44) or ip proto 47 or ip6 proto 47"
                    + " or udp port 4789";

    static {
        DEFAULT_FILTER = "(" + NTP_AND_CARRIERS + ") or (vlan and (" + NTP_AND_CARRIERS + "))"
                + " or (vlan and (" + NTP_AND_CARRIERS + "))";
    }

    public LiveCaptureOptions {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(filter, "filter");
        if (interfaceName.isBlank()) {
            throw new IllegalArgumentException("interfaceName: blank (expected: an interface name such as eth0)");
        }
        if (snaplen < 1 || snaplen > MAX_SNAPLEN) {
            throw new IllegalArgumentException("snaplen: " + snaplen + " (expected: 1 ~ " + MAX_SNAPLEN + ")");
        }
        if (readTimeoutMillis < 0) {
            throw new IllegalArgumentException("readTimeoutMillis: " + readTimeoutMillis + " (expected: 0+)");
        }
        if (bufferSizeBytes <= 0) {
            throw new IllegalArgumentException("bufferSizeBytes: " + bufferSizeBytes + " (expected: 1+)");
        }
    }

    /** Options for {@code interfaceName} with every default. */
    public static LiveCaptureOptions of(final String interfaceName) {
        return new LiveCaptureOptions(interfaceName, true, DEFAULT_SNAPLEN, DEFAULT_FILTER,
                DEFAULT_READ_TIMEOUT_MILLIS, DEFAULT_BUFFER_SIZE_BYTES, false);
    }

    public LiveCaptureOptions withPromiscuous(final boolean value) {
        return new LiveCaptureOptions(interfaceName, value, snaplen, filter, readTimeoutMillis, bufferSizeBytes,
                immediateMode);
    }

    public LiveCaptureOptions withSnaplen(final int value) {
        return new LiveCaptureOptions(interfaceName, promiscuous, value, filter, readTimeoutMillis, bufferSizeBytes,
                immediateMode);
    }

    public LiveCaptureOptions withFilter(final String value) {
        return new LiveCaptureOptions(interfaceName, promiscuous, snaplen, value, readTimeoutMillis, bufferSizeBytes,
                immediateMode);
    }

    public LiveCaptureOptions withReadTimeoutMillis(final int value) {
        return new LiveCaptureOptions(interfaceName, promiscuous, snaplen, filter, value, bufferSizeBytes,
                immediateMode);
    }

    public LiveCaptureOptions withBufferSizeBytes(final int value) {
        return new LiveCaptureOptions(interfaceName, promiscuous, snaplen, filter, readTimeoutMillis, value,
                immediateMode);
    }

    public LiveCaptureOptions withImmediateMode(final boolean value) {
        return new LiveCaptureOptions(interfaceName, promiscuous, snaplen, filter, readTimeoutMillis, bufferSizeBytes,
                value);
    }
}
