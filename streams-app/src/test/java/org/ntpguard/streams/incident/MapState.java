package org.ntpguard.streams.incident;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.IpAddress;

/** The book's state in maps, for tests without Kafka. */
final class MapState implements IncidentBook.State {

    private final Map<IpAddress, Incident> incidents = new LinkedHashMap<>();
    private final Map<String, Alert> held = new LinkedHashMap<>();

    @Override
    public Incident incident(final IpAddress victim) {
        return incidents.get(victim);
    }

    @Override
    public void put(final Incident incident) {
        incidents.put(incident.victim(), incident);
    }

    @Override
    public void remove(final IpAddress victim) {
        incidents.remove(victim);
    }

    @Override
    public List<Incident> incidents() {
        return List.copyOf(incidents.values());
    }

    @Override
    public void hold(final IpAddress victim, final Alert alert) {
        held.put(victim + "|" + alert.id(), alert);
    }

    @Override
    public List<Alert> held(final IpAddress victim) {
        final List<Alert> alerts = new ArrayList<>();
        held.forEach((key, alert) -> {
            if (key.startsWith(victim + "|")) {
                alerts.add(alert);
            }
        });
        return alerts;
    }

    @Override
    public void release(final IpAddress victim, final UUID alertId) {
        held.remove(victim + "|" + alertId);
    }

    @Override
    public void releaseOlderThan(final long time) {
        held.values().removeIf(alert -> alert.lastSeen() < time);
    }

    int heldCount() {
        return held.size();
    }

}
