package org.ntpguard.capture.live;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Checks BPF expressions with libpcap without opening an interface, e.g. to reject a bad {@code --filter} before a
 * sensor starts.
 *
 * <p>libpcap compiles for a link type on a "dead" handle. Link-layer keywords depend on it ({@code vlan} means
 * nothing on raw IP), and live Linux interfaces compile {@code vlan} differently (the kernel strips the outer tag), so a
 * filter valid here can still be refused on an interface of another type: {@link LiveCaptureReader#open} reports that.
 */
public final class BpfFilters {

    private static final String PCAP4J_COMPILE_PREFIX = "Error occurred in pcap_compile: ";

    private BpfFilters() {
    }

    /**
     * Compiles {@code filter} for frames of {@code linkType} (a pcap LINKTYPE_ value, 1 for Ethernet).
     *
     * @throws LiveCaptureException naming the filter and libpcap's error when it does not compile, or when libpcap
     *                              cannot be loaded
     */
    public static void check(final String filter, final int linkType) throws LiveCaptureException {
        PcapLibrary.load();
        final PcapHandle dead;
        try {
            dead = Pcaps.openDead(DataLinkType.getInstance(linkType), LiveCaptureOptions.MAX_SNAPLEN);
        } catch (final PcapNativeException e) {
            throw new LiveCaptureException("Cannot check capture filter for link type " + linkType + ": "
                    + e.getMessage() + ".", e);
        }
        try {
            final BpfProgram program = dead.compileFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE,
                    PcapHandle.PCAP_NETMASK_UNKNOWN);
            program.free();
        } catch (final PcapNativeException e) {
            throw invalid(filter, e);
        } catch (final NotOpenException e) {
            throw new IllegalStateException("dead pcap handle closed while in use", e);
        } finally {
            dead.close();
        }
    }

    /** The exception for a filter libpcap refused, with libpcap's words and without pcap4j's prefix. */
    static LiveCaptureException invalid(final String filter, final PcapNativeException e) {
        final String message = e.getMessage() == null ? "rejected by libpcap" : e.getMessage();
        final String reason = message.startsWith(PCAP4J_COMPILE_PREFIX)
                ? message.substring(PCAP4J_COMPILE_PREFIX.length())
                : message;
        return new LiveCaptureException("Invalid capture filter '" + filter + "': " + reason + ".", e);
    }
}
