package org.ntpguard.streams.detect;

/** What the alert's subject is in the abuse. */
public enum AlertRole {
    VICTIM, REFLECTOR, SCANNER, CLIENT, SERVER, PROBER;

    /** The subject answers (its evidence counts requests it received and responses it sent), not asks. */
    public boolean answers() {
        return this == REFLECTOR || this == SERVER;
    }
}
