package org.ntpguard.cli.deliver;

import java.util.Map;
import org.ntpguard.schema.NtpAlert;

/**
 * A generic webhook: each alert update as one HTTP POST of its {@link AlertPayload} JSON. The headers
 * {@code X-Ntpguard-Alert-Id} and {@code X-Ntpguard-Alert-Update} let a receiver drop a repeat (after a retry whose
 * first answer was lost, or a restart) without parsing the body.
 */
public final class WebhookTarget implements DeliveryTarget {

    private final String url;
    private final JsonPost post;
    private final AlertPayload payload;

    public WebhookTarget(final String url, final AlertPayload payload) {
        this.url = url;
        this.post = new JsonPost(JsonPost.httpUrl("--webhook", url));
        this.payload = payload;
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public String describe() {
        return "webhook " + url;
    }

    @Override
    public void deliver(final NtpAlert alert) throws DeliveryException {
        post.post(payload.json(alert), Map.of("X-Ntpguard-Alert-Id", alert.getId(),
                "X-Ntpguard-Alert-Update", Integer.toString(alert.getUpdates())));
    }
}
