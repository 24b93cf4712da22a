package org.ntpguard.cli.deliver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.text.TimeText;

/**
 * Prometheus Alertmanager, through its v2 API ({@code POST /api/v2/alerts}). An alert's labels identify it as
 * Alertmanager groups and routes: {@code alertname} (the type), {@code severity} ({@code high}, {@code medium},
 * {@code low}, {@code info}), {@code subject} (the address) and {@code role}; its annotations carry the summary and
 * the evidence. It is active from its first packet ({@code startsAt}) until its last packet plus the cool-down
 * ({@code endsAt}): each update moves the end on, and without one Alertmanager resolves it when no new alert of the
 * same subject and type can have been raised meanwhile.
 */
public final class AlertmanagerTarget implements DeliveryTarget {

    /** The v2 API's path under the base URL. */
    static final String ALERTS_PATH = "/api/v2/alerts";

    private static final JsonFactory JSON = new JsonFactory();

    private final String base;
    private final JsonPost post;
    private final Duration cooldown;
    private final Supplier<String> hostsUrl;

    /**
     * @param url          Alertmanager's base URL ({@code http://alertmanager:9093}), the API path is added
     * @param cooldown     the detector's alert cool-down: how long after its last packet an alert stays active
     * @param hostsUrl     the detector's {@code /hosts/} URL, where a person sees more of an alert's subject, as the
     *                     alert's generatorURL (the subject is added); it gives null when there is none
     */
    public AlertmanagerTarget(final String url, final Duration cooldown, final Supplier<String> hostsUrl) {
        final URI uri = JsonPost.httpUrl("--alertmanager", url);
        final String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        this.base = url;
        this.post = new JsonPost(uri.resolve(path + ALERTS_PATH));
        this.cooldown = cooldown;
        this.hostsUrl = hostsUrl;
    }

    @Override
    public String kind() {
        return "alertmanager";
    }

    @Override
    public String describe() {
        return "alertmanager " + base;
    }

    @Override
    public void deliver(final NtpAlert alert) throws DeliveryException {
        post.post(body(alert), Map.of());
    }

    /** The request body: an array of one postable alert. */
    String body(final NtpAlert alert) {
        final StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            json.writeStartObject();
            json.writeObjectFieldStart("labels");
            json.writeStringField("alertname", alert.getType().name());
            json.writeStringField("severity", AlertFields.severity(alert));
            json.writeStringField("subject", AlertFields.subject(alert));
            json.writeStringField("role", AlertFields.role(alert));
            json.writeEndObject();
            json.writeObjectFieldStart("annotations");
            json.writeStringField("summary", alert.getSummary());
            for (final Map.Entry<String, String> field : AlertFields.evidence(alert).entrySet()) {
                json.writeStringField(field.getKey(), field.getValue());
            }
            json.writeEndObject();
            json.writeStringField("startsAt", TimeText.isoMillis(alert.getFirstSeen()));
            json.writeStringField("endsAt", TimeText.isoMillis(alert.getLastSeen() + cooldown.toMillis()));
            final String hosts = hostsUrl.get();
            if (hosts != null) {
                json.writeStringField("generatorURL", hosts + AlertFields.subject(alert));
            }
            json.writeEndObject();
            json.writeEndArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
