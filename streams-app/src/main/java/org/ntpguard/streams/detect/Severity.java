package org.ntpguard.streams.detect;

/** How urgent an alert is, most severe last so that ordering by severity is natural. */
public enum Severity { INFO, LOW, MEDIUM, HIGH }
