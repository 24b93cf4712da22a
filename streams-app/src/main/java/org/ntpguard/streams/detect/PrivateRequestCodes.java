package org.ntpguard.streams.detect;

/**
 * Names of mode 7 request codes for summaries: {@code REQ_*} of ntpd's {@code include/ntp_request.h} (4.2.8) without
 * the prefix, as the capture module's {@code PrivateRequestCode} names them (a test keeps the two alike: detection
 * does not depend on the capture module). Code 40 is unassigned.
 */
final class PrivateRequestCodes {

    private static final String[] NAMES = {
        "PEER_LIST", "PEER_LIST_SUM", "PEER_INFO", "PEER_STATS", "SYS_INFO", "SYS_STATS", "IO_STATS", "MEM_STATS",
        "LOOP_INFO", "TIMER_STATS", "CONFIG", "UNCONFIG", "SET_SYS_FLAG", "CLR_SYS_FLAG", "MONITOR", "NOMONITOR",
        "GET_RESTRICT", "RESADDFLAGS", "RESSUBFLAGS", "UNRESTRICT", "MON_GETLIST", "RESET_STATS", "RESET_PEER",
        "REREAD_KEYS", "DO_DIRTY_HACK", "DONT_DIRTY_HACK", "TRUSTKEY", "UNTRUSTKEY", "AUTHINFO", "TRAPS",
        "ADD_TRAP", "CLR_TRAP", "REQUEST_KEY", "CONTROL_KEY", "GET_CTLSTATS", "GET_LEAPINFO", "GET_CLOCKINFO",
        "SET_CLKFUDGE", "GET_KERNEL", "GET_CLKBUGINFO", null, "SET_PRECISION", "MON_GETLIST_1", "HOSTNAME_ASSOCID",
        "IF_STATS", "IF_RELOAD",
    };

    private PrivateRequestCodes() {
    }

    /** {@code MON_GETLIST_1}; the number for a code ntpd does not assign. */
    static String name(final int code) {
        return code >= 0 && code < NAMES.length && NAMES[code] != null ? NAMES[code] : Integer.toString(code);
    }

    /**
     * Which monlist requests the bits of request codes 0-63 hold, by name ({@code MON_GETLIST_1}, or both names with
     * "and"); "monlist" when neither was seen (only the responses were captured, which do not say alone).
     */
    static String monlist(final long requestCodesLow) {
        final boolean v0 = (requestCodesLow & (1L << PacketEvent.MON_GETLIST)) != 0;
        final boolean v1 = (requestCodesLow & (1L << PacketEvent.MON_GETLIST_1)) != 0;
        if (v0 && v1) {
            return name(PacketEvent.MON_GETLIST) + " and " + name(PacketEvent.MON_GETLIST_1);
        }
        return v1 ? name(PacketEvent.MON_GETLIST_1) : v0 ? name(PacketEvent.MON_GETLIST) : "monlist";
    }
}
