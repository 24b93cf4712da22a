package org.ntpguard.capture.proto;

/**
 * Mode 7 request codes of ntpd's ntpdc protocol, {@code REQ_*} in ntpd {@code include/ntp_request.h} (4.2.8). An
 * open registry (implementation-specific; code 40 is unassigned in ntpd 4.2.8, it was REQ_SET_SELECT_CODE in xntpd
 * 3): unknown codes map to {@link #UNKNOWN} and callers keep the raw int.
 */
public enum PrivateRequestCode {
    /** 0: REQ_PEER_LIST, return list of peers (ntpd include/ntp_request.h). */
    PEER_LIST(0),
    /** 1: REQ_PEER_LIST_SUM, return summary info for all peers (ntpd include/ntp_request.h). */
    PEER_LIST_SUM(1),
    /** 2: REQ_PEER_INFO, get standard information on peer (ntpd include/ntp_request.h). */
    PEER_INFO(2),
    /** 3: REQ_PEER_STATS, get statistics for peer (ntpd include/ntp_request.h). */
    PEER_STATS(3),
    /** 4: REQ_SYS_INFO, get system information (ntpd include/ntp_request.h). */
    SYS_INFO(4),
    /** 5: REQ_SYS_STATS, get system stats (ntpd include/ntp_request.h). */
    SYS_STATS(5),
    /** 6: REQ_IO_STATS, get I/O stats (ntpd include/ntp_request.h). */
    IO_STATS(6),
    /** 7: REQ_MEM_STATS, stats related to peer list maintenance (ntpd include/ntp_request.h). */
    MEM_STATS(7),
    /** 8: REQ_LOOP_INFO, info from the loop filter (ntpd include/ntp_request.h). */
    LOOP_INFO(8),
    /** 9: REQ_TIMER_STATS, get timer stats (ntpd include/ntp_request.h). */
    TIMER_STATS(9),
    /** 10: REQ_CONFIG, configure a new peer (ntpd include/ntp_request.h). */
    CONFIG(10),
    /** 11: REQ_UNCONFIG, unconfigure an existing peer (ntpd include/ntp_request.h). */
    UNCONFIG(11),
    /** 12: REQ_SET_SYS_FLAG, set system flags (ntpd include/ntp_request.h). */
    SET_SYS_FLAG(12),
    /** 13: REQ_CLR_SYS_FLAG, clear system flags (ntpd include/ntp_request.h). */
    CLR_SYS_FLAG(13),
    /** 14: REQ_MONITOR, (not used) (ntpd include/ntp_request.h). */
    MONITOR(14),
    /** 15: REQ_NOMONITOR, (not used) (ntpd include/ntp_request.h). */
    NOMONITOR(15),
    /** 16: REQ_GET_RESTRICT, return restrict list (ntpd include/ntp_request.h). */
    GET_RESTRICT(16),
    /** 17: REQ_RESADDFLAGS, add flags to restrict list (ntpd include/ntp_request.h). */
    RESADDFLAGS(17),
    /** 18: REQ_RESSUBFLAGS, remove flags from restrict list (ntpd include/ntp_request.h). */
    RESSUBFLAGS(18),
    /** 19: REQ_UNRESTRICT, remove entry from restrict list (ntpd include/ntp_request.h). */
    UNRESTRICT(19),
    /** 20: REQ_MON_GETLIST, return data collected by monitor (struct info_monitor entries) (ntpd include/ntp_request.h). */
    MON_GETLIST(20),
    /** 21: REQ_RESET_STATS, reset stat counters (ntpd include/ntp_request.h). */
    RESET_STATS(21),
    /** 22: REQ_RESET_PEER, reset peer stat counters (ntpd include/ntp_request.h). */
    RESET_PEER(22),
    /** 23: REQ_REREAD_KEYS, reread the encryption key file (ntpd include/ntp_request.h). */
    REREAD_KEYS(23),
    /** 24: REQ_DO_DIRTY_HACK, (not used) (ntpd include/ntp_request.h). */
    DO_DIRTY_HACK(24),
    /** 25: REQ_DONT_DIRTY_HACK, (not used) (ntpd include/ntp_request.h). */
    DONT_DIRTY_HACK(25),
    /** 26: REQ_TRUSTKEY, add a trusted key (ntpd include/ntp_request.h). */
    TRUSTKEY(26),
    /** 27: REQ_UNTRUSTKEY, remove a trusted key (ntpd include/ntp_request.h). */
    UNTRUSTKEY(27),
    /** 28: REQ_AUTHINFO, return authentication info (ntpd include/ntp_request.h). */
    AUTHINFO(28),
    /** 29: REQ_TRAPS, return currently set traps (ntpd include/ntp_request.h). */
    TRAPS(29),
    /** 30: REQ_ADD_TRAP, add a trap (ntpd include/ntp_request.h). */
    ADD_TRAP(30),
    /** 31: REQ_CLR_TRAP, clear a trap (ntpd include/ntp_request.h). */
    CLR_TRAP(31),
    /** 32: REQ_REQUEST_KEY, define a new request keyid (ntpd include/ntp_request.h). */
    REQUEST_KEY(32),
    /** 33: REQ_CONTROL_KEY, define a new control keyid (ntpd include/ntp_request.h). */
    CONTROL_KEY(33),
    /** 34: REQ_GET_CTLSTATS, get stats from the control module (ntpd include/ntp_request.h). */
    GET_CTLSTATS(34),
    /** 35: REQ_GET_LEAPINFO, (not used) (ntpd include/ntp_request.h). */
    GET_LEAPINFO(35),
    /** 36: REQ_GET_CLOCKINFO, get clock information (ntpd include/ntp_request.h). */
    GET_CLOCKINFO(36),
    /** 37: REQ_SET_CLKFUDGE, set clock fudge factors (ntpd include/ntp_request.h). */
    SET_CLKFUDGE(37),
    /** 38: REQ_GET_KERNEL, get kernel pll/pps information (ntpd include/ntp_request.h). */
    GET_KERNEL(38),
    /** 39: REQ_GET_CLKBUGINFO, get clock debugging info (ntpd include/ntp_request.h). */
    GET_CLKBUGINFO(39),
    /** 41: REQ_SET_PRECISION, (not used) (ntpd include/ntp_request.h). */
    SET_PRECISION(41),
    /** 42: REQ_MON_GETLIST_1, return collected v1 monitor data (struct info_monitor_1 entries): the monlist amplification request (ntpd include/ntp_request.h). */
    MON_GETLIST_1(42),
    /** 43: REQ_HOSTNAME_ASSOCID, here is a hostname + assoc_id (ntpd include/ntp_request.h). */
    HOSTNAME_ASSOCID(43),
    /** 44: REQ_IF_STATS, get interface statistics (ntpd include/ntp_request.h). */
    IF_STATS(44),
    /** 45: REQ_IF_RELOAD, reload interface list (ntpd include/ntp_request.h). */
    IF_RELOAD(45),
    /** Any other value. */
    UNKNOWN(-1);

    private static final PrivateRequestCode[] BY_CODE = new PrivateRequestCode[256];

    static {
        java.util.Arrays.fill(BY_CODE, UNKNOWN);
        for (final PrivateRequestCode request : values()) {
            if (request.code >= 0) {
                BY_CODE[request.code] = request;
            }
        }
    }

    private final int code;

    PrivateRequestCode(final int code) {
        this.code = code;
    }

    /** The wire value, or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The request code for a wire value; {@link #UNKNOWN} when not in the table. Allocation-free. */
    public static PrivateRequestCode fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}
