package org.ntpguard.streams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.NtpIncident;
import org.ntpguard.streams.detect.Alert;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.incident.Incident;
import org.ntpguard.streams.incident.IncidentBook;

/**
 * Keeps the open incidents ({@link IncidentBook}) of the victims routed to this task and publishes each one as it
 * opens, grows and closes, keyed by the victim. Its input is the alerts routed by {@link #route}: one record per
 * victim an alert names, keyed by the victim, and scanners and probers under {@link #BY_SERVERS_ASKED}, which go to
 * every partition (each task attaches them to its own incidents). Closing follows this processor's own event time
 * (alerts and ticks), as the blocklist's expiry does.
 *
 * <p>An attack's hundreds of alerts arrive together (its window closes) and each one changes its incident. Each
 * change goes to the store at once (cached: the changelog gets the last version per commit), so the store always
 * matches the input committed; the changed incidents go to the topic once time moves on (stream time advancing, and
 * every second of wall-clock time), not once per alert, which would publish a growing reflector list hundreds of
 * times in one transaction. A version not yet published when the task stops is published with the incident's next
 * change, or when it closes.
 */
final class IncidentProcessor implements Processor<String, NtpAlert, String, NtpIncident> {

    static final String STORE = "incident-store";
    /** Alerts waiting for an incident to join: keyed {@code victim|alert id}, scanners {@code *|alert id}. */
    static final String HELD_STORE = "incident-held-store";
    /** The key of a scanner or prober: it joins incidents by the servers it asked, on every partition. */
    static final String BY_SERVERS_ASKED = "*";
    /** How often, in event time, quiet incidents are looked for. */
    static final Duration CLOSE_CHECK = Duration.ofSeconds(10);
    /** How often, in wall-clock time, changed incidents go out when stream time stands still. */
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

    private final Duration quiet;
    private final Duration windowSize;
    private ProcessorContext<String, NtpIncident> context;
    private KeyValueStore<String, NtpIncident> incidents;
    private KeyValueStore<String, NtpAlert> held;
    private IncidentBook book;
    private long observedTime = Long.MIN_VALUE;
    private long nextCloseCheck = Long.MIN_VALUE;
    /** Incidents changed since the last flush, by victim, with the time of the record that changed them last. */
    private final Map<String, Changed> changed = new LinkedHashMap<>();
    /** The time of the record being processed. */
    private long recordTime;

    private record Changed(Incident incident, NtpIncident record, long time) {
    }

    IncidentProcessor(final Duration quiet, final Duration windowSize) {
        this.quiet = quiet;
        this.windowSize = windowSize;
    }

    /** The records an alert stream record becomes on its way to the incidents; ticks pass, upstream marks do not. */
    static List<KeyValue<String, NtpAlert>> route(final String key, final NtpAlert alert) {
        if (alert == null) {
            return NtpTopology.isTick(key) ? List.of(KeyValue.pair(key, null)) : List.of();
        }
        final IncidentBook.Routing routing = IncidentBook.route(AlertRecords.toAlert(alert));
        final List<KeyValue<String, NtpAlert>> routed = new ArrayList<>();
        routing.victims().forEach(victim -> routed.add(KeyValue.pair(victim.toString(), alert)));
        if (routing.byServersAsked()) {
            routed.add(KeyValue.pair(BY_SERVERS_ASKED, alert));
        }
        return routed;
    }

    @Override
    public void init(final ProcessorContext<String, NtpIncident> context) {
        this.context = context;
        this.incidents = context.getStateStore(STORE);
        this.held = context.getStateStore(HELD_STORE);
        this.book = new IncidentBook(new StoreState(), quiet, windowSize);
        observedTime = Long.MIN_VALUE; // a revived task rewinds its input
        nextCloseCheck = Long.MIN_VALUE;
        changed.clear();
        context.schedule(Duration.ofMillis(1), PunctuationType.STREAM_TIME, time -> flush());
        context.schedule(FLUSH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, time -> flush());
    }

    @Override
    public void process(final Record<String, NtpAlert> record) {
        observedTime = Math.max(observedTime, record.timestamp());
        if (record.value() != null) {
            final IpAddress victim = BY_SERVERS_ASKED.equals(record.key()) ? null : IpAddress.parse(record.key());
            recordTime = record.timestamp();
            book.accept(victim, AlertRecords.toAlert(record.value())); // changes reach the store through put()
        }
        if (observedTime >= nextCloseCheck) {
            for (final Incident closed : book.closeQuiet(observedTime)) {
                forward(closed, observedTime);
            }
            nextCloseCheck = observedTime + CLOSE_CHECK.toMillis();
        }
    }

    /** Publishes the incidents changed since the last flush. */
    private void flush() {
        for (final Map.Entry<String, Changed> c : changed.entrySet()) {
            context.forward(new Record<>(c.getKey(), c.getValue().record(), c.getValue().time()));
        }
        changed.clear();
    }

    private void forward(final Incident incident, final long time) {
        context.forward(new Record<>(incident.victim().toString(), IncidentRecords.record(incident, windowSize),
                time));
    }

    /** The book's state in this task's stores. */
    private final class StoreState implements IncidentBook.State {

        @Override
        public Incident incident(final IpAddress victim) {
            final Changed recent = changed.get(victim.toString());
            if (recent != null) {
                return recent.incident();
            }
            final NtpIncident stored = incidents.get(victim.toString());
            return stored == null ? null : IncidentRecords.incident(stored);
        }

        @Override
        public void put(final Incident incident) {
            final NtpIncident record = IncidentRecords.record(incident, windowSize);
            incidents.put(incident.victim().toString(), record);
            changed.put(incident.victim().toString(), new Changed(incident, record, recordTime));
        }

        @Override
        public void remove(final IpAddress victim) {
            changed.remove(victim.toString());
            incidents.delete(victim.toString());
        }

        @Override
        public List<Incident> incidents() {
            final Map<String, Incident> all = new LinkedHashMap<>();
            try (KeyValueIterator<String, NtpIncident> it = incidents.all()) {
                it.forEachRemaining(entry -> all.put(entry.key, IncidentRecords.incident(entry.value)));
            }
            changed.forEach((victim, recent) -> all.put(victim, recent.incident()));
            return List.copyOf(all.values());
        }

        @Override
        public void hold(final IpAddress victim, final Alert alert) {
            held.put(heldKey(victim, alert.id()), AlertRecords.alert(alert));
        }

        @Override
        public List<Alert> held(final IpAddress victim) {
            final String prefix = heldPrefix(victim);
            final List<Alert> alerts = new ArrayList<>();
            // '|' + 1 is '}': the range holds exactly the keys with this prefix.
            try (KeyValueIterator<String, NtpAlert> it = held.range(prefix, prefix.substring(0,
                    prefix.length() - 1) + "}")) {
                it.forEachRemaining(entry -> alerts.add(AlertRecords.toAlert(entry.value)));
            }
            return alerts;
        }

        @Override
        public void release(final IpAddress victim, final UUID alertId) {
            held.delete(heldKey(victim, alertId));
        }

        @Override
        public void releaseOlderThan(final long time) {
            final List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, NtpAlert> it = held.all()) {
                it.forEachRemaining(entry -> {
                    if (entry.value.getLastSeen() < time) {
                        old.add(entry.key);
                    }
                });
            }
            old.forEach(held::delete);
        }

        private static String heldPrefix(final IpAddress victim) {
            return (victim == null ? BY_SERVERS_ASKED : victim.toString()) + "|";
        }

        private static String heldKey(final IpAddress victim, final UUID alertId) {
            return heldPrefix(victim) + alertId;
        }
    }
}
