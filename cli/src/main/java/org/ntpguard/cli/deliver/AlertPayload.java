package org.ntpguard.cli.deliver;

import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.text.JsonLines;
import org.ntpguard.streams.ecs.EcsAlertWriter;
import org.ntpguard.streams.topology.AlertRecords;

/**
 * The JSON document of an alert that a webhook receives and a syslog message carries as its MSG: one function, so
 * that another shape (an ECS document, say) replaces it in one place.
 */
@FunctionalInterface
public interface AlertPayload {

    /** The alert as one JSON document, no newline. */
    String json(NtpAlert alert);

    /** The alert as an Elastic Common Schema document, as ntp.alerts.json and alerts.ecs.jsonl carry it. */
    static AlertPayload ecs() {
        return alert -> EcsAlertWriter.json(AlertRecords.toAlert(alert));
    }

    /** The alert's own fields, as a line of alerts.jsonl has them. */
    static AlertPayload alertFields() {
        return alert -> JsonLines.append(new StringBuilder(1024), alert).toString();
    }
}
