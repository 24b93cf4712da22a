package org.ntpguard.streams.detect;

/** Names of mode 6 opcodes for summaries (RFC 9327 §2.1, and ntpd's READ_MRU etc. from ntp_control.h). */
final class ControlOpcodes {

    private static final String[] NAMES = {
        "0", "READSTAT", "READVAR", "WRITEVAR", "READCLOCK", "WRITECLOCK", "SETTRAP", "ASYNCMSG", "CONFIGURE",
        "SAVECONFIG", "READ_MRU", "READ_ORDLIST_A", "REQ_NONCE",
    };

    private ControlOpcodes() {
    }

    static String name(final int opcode) {
        if (opcode == 31) {
            return "UNSETTRAP";
        }
        return opcode >= 0 && opcode < NAMES.length ? NAMES[opcode] : Integer.toString(opcode);
    }
}
