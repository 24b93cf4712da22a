package org.ntpguard.streams.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.ntpguard.schema.IncidentServer;
import org.ntpguard.schema.IncidentStatus;
import org.ntpguard.schema.NtpIncident;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Severity;
import org.ntpguard.streams.incident.Incident;
import org.ntpguard.streams.incident.Incident.ServerTraffic;
import org.ntpguard.streams.incident.Incident.Traffic;
import org.ntpguard.streams.incident.Incident.WindowTraffic;
import org.ntpguard.streams.incident.IncidentBook;

/** Between the incident core's values and the {@link NtpIncident} records in the store and on the topic. */
final class IncidentRecords {

    private IncidentRecords() {
    }

    /** The record, with rates per second of a {@code windowSize} window and the incident's summary. */
    static NtpIncident record(final Incident i, final Duration windowSize) {
        final Traffic traffic = i.traffic();
        return NtpIncident.newBuilder()
                .setId(i.id().toString())
                .setStatus(IncidentStatus.valueOf(i.status().name()))
                .setVictim(i.victim().toByteBuffer())
                .setSeverity(org.ntpguard.schema.Severity.valueOf(i.severity().name()))
                .setStart(i.start())
                .setEnd(i.end())
                .setPackets(traffic.packets())
                .setBytes(traffic.bytes())
                .setPeakWindowStart(i.peakWindow().windowStart())
                .setPeakWindowPackets(i.peakWindow().traffic().packets())
                .setPeakWindowBytes(i.peakWindow().traffic().bytes())
                .setPeakPacketsPerSecond(i.peakPacketsPerSecond(windowSize.toMillis()))
                .setPeakBytesPerSecond(i.peakBytesPerSecond(windowSize.toMillis()))
                .setReflectors(servers(i.reflectors()))
                .setReflectorCount(i.reflectorCount())
                .setMonlistServers(servers(i.monlistServers()))
                .setScanners(i.scanners().stream().map(IpAddress::toByteBuffer).toList())
                .setAlertIds(i.alertIds())
                .setAlerts(i.alerts())
                .setVictimPackets(i.victimTraffic().packets())
                .setVictimBytes(i.victimTraffic().bytes())
                .setLatestWindowStart(i.latestWindow().windowStart())
                .setLatestWindowPackets(i.latestWindow().traffic().packets())
                .setLatestWindowBytes(i.latestWindow().traffic().bytes())
                .setSummary(IncidentBook.summary(i, windowSize))
                .setUpdates(i.updates())
                .build();
    }

    static Incident incident(final NtpIncident r) {
        return new Incident(UUID.fromString(r.getId()),
                org.ntpguard.streams.incident.IncidentStatus.valueOf(r.getStatus() == IncidentStatus.CLOSED
                        ? "CLOSED" : "OPEN"),
                IpAddress.of(r.getVictim()), Severity.valueOf(r.getSeverity().name()), r.getStart(), r.getEnd(),
                new Traffic(r.getVictimPackets(), r.getVictimBytes()), toServers(r.getReflectors()),
                r.getReflectorCount(), toServers(r.getMonlistServers()),
                r.getScanners().stream().map(IpAddress::of).toList(), List.copyOf(r.getAlertIds()), r.getAlerts(),
                new WindowTraffic(r.getLatestWindowStart(),
                        new Traffic(r.getLatestWindowPackets(), r.getLatestWindowBytes())),
                new WindowTraffic(r.getPeakWindowStart(),
                        new Traffic(r.getPeakWindowPackets(), r.getPeakWindowBytes())),
                r.getUpdates());
    }

    private static List<IncidentServer> servers(final List<ServerTraffic> servers) {
        return servers.stream().map(s -> new IncidentServer(s.server().toByteBuffer(), s.traffic().packets(),
                s.traffic().bytes())).toList();
    }

    private static List<ServerTraffic> toServers(final List<IncidentServer> servers) {
        return servers.stream().map(s -> new ServerTraffic(IpAddress.of((ByteBuffer) s.getAddress()),
                new Traffic(s.getPackets(), s.getBytes()))).toList();
    }
}
