package org.ntpguard.capture.live;

/**
 * libpcap's counters for one live capture ({@code pcap_stats}), cumulative since it was opened.
 *
 * <p>On Linux {@code received} counts packets that passed the filter, including those then dropped; the other
 * platforms differ (see pcap_stats(3PCAP)). On {@code lo} the kernel counts every packet twice, once outgoing and once
 * incoming, while libpcap hands over only the incoming copy: 500k datagrams read as 500k frames show
 * {@code received=1000000}, and drops are counted per copy too.
 *
 * @param received           packets the kernel saw and the filter accepted ({@code ps_recv})
 * @param droppedByKernel    packets dropped because the buffer was full, i.e. the reader was too slow ({@code ps_drop})
 * @param droppedByInterface packets the interface or its driver dropped ({@code ps_ifdrop})
 */
public record CaptureStats(long received, long droppedByKernel, long droppedByInterface) {
}
