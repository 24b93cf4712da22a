package org.ntpguard.streams.detect;

/** What the alert's subject is in the abuse. */
public enum AlertRole { VICTIM, REFLECTOR, SCANNER, CLIENT, SERVER, PROBER }
