package org.ntpguard.streams.incident;

/** Whether an incident may still grow: closed once its alerts were quiet for {@code ntpguard.incident.quiet}. */
public enum IncidentStatus { OPEN, CLOSED }
