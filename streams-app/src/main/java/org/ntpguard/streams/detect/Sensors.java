package org.ntpguard.streams.detect;

import java.util.List;
import java.util.TreeSet;

/**
 * The names of the sensors that saw a subject's traffic, bounded to {@value #MAX} (a deployment has a handful;
 * the bound only stops a misconfigured fleet from growing state), sorted so that output is deterministic.
 */
public final class Sensors {

    public static final int MAX = 16;

    private final TreeSet<String> names = new TreeSet<>();
    /** The name added last: a window's flows nearly all come from one sensor, and this spares two tree lookups. */
    private String last;

    public void add(final String name) {
        if (name == null || name.equals(last)) {
            return;
        }
        if (names.size() < MAX || names.contains(name)) {
            names.add(name);
            last = name;
        }
    }

    public void addAll(final Iterable<String> other) {
        for (final String name : other) {
            add(name);
        }
    }

    public List<String> asList() {
        return List.copyOf(names);
    }
}
