package org.ntpguard.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.ntpguard.cli.deliver.AlertDelivery;
import org.ntpguard.cli.deliver.AlertPayload;
import org.ntpguard.cli.deliver.AlertmanagerTarget;
import org.ntpguard.cli.deliver.DeliveryTarget;
import org.ntpguard.cli.deliver.RetryPolicy;
import org.ntpguard.cli.deliver.SyslogTarget;
import org.ntpguard.cli.deliver.WebhookTarget;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Push delivery of alerts (syslog, a webhook), each optional: the options of {@code analyze}, and with
 * {@link Live} those of {@code run} and {@code detect}, which add Alertmanager (a replay's alerts ended long ago,
 * and Alertmanager takes an alert whose end has passed as resolved).
 */
class PushOptions {

    /** The JSON document of an alert in webhook bodies and syslog messages: the one place to change its shape. */
    static final AlertPayload PAYLOAD = AlertPayload.ecs();

    @Option(names = "--syslog", paramLabel = "<url>",
            description = "Send each alert update to a syslog receiver, tcp://HOST[:PORT] or udp://HOST[:PORT] (port "
                    + "514 when not given), as an RFC 5424 message: facility local0, structured data ntpguard@32473 "
                    + "with the alert's fields, the alert's JSON as the message; over TCP with octet-counted framing "
                    + "(RFC 6587).")
    String syslog;

    @Option(names = "--webhook", paramLabel = "<url>",
            description = "POST each alert update as JSON to this http or https URL, retried with backoff on errors, "
                    + "5xx and 429.")
    String webhook;

    /** Alertmanager's base URL; none here, see {@link Live}. */
    String alertmanager() {
        return null;
    }

    /** {@code run} and {@code detect}: Alertmanager too. */
    static final class Live extends PushOptions {

        @Option(names = "--alertmanager", paramLabel = "<url>",
                description = "Post each alert update to Prometheus Alertmanager's v2 API at this base URL (e.g. "
                        + "http://alertmanager:9093): labels alertname (the type), severity, subject, role; active "
                        + "from the first packet until the last plus the cool-down.")
        String alertmanager;

        @Override
        String alertmanager() {
            return alertmanager;
        }
    }

    /**
     * The targets the options name, checked: a malformed URL is a usage error, said before anything starts.
     *
     * @param cooldown     the detector's alert cool-down: how long an alert stays active in Alertmanager
     * @param hostsUrl the detector's /hosts/ URL, Alertmanager's link to an alert's subject; it gives null for none
     */
    final List<DeliveryTarget> targets(final CommandSpec spec, final Duration cooldown,
                                       final Supplier<String> hostsUrl) {
        final List<DeliveryTarget> targets = new ArrayList<>();
        try {
            if (alertmanager() != null) {
                targets.add(new AlertmanagerTarget(alertmanager(), cooldown, hostsUrl));
            }
            if (syslog != null) {
                targets.add(new SyslogTarget(syslog, PAYLOAD, Clock.systemUTC()));
            }
            if (webhook != null) {
                targets.add(new WebhookTarget(webhook, PAYLOAD));
            }
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return targets;
    }

    /**
     * The delivery to {@code targets}, its lines on {@code err} as the command's; null when there is no target.
     *
     * @param chatter  where the start-up line naming the targets goes ({@code analyze --quiet}: nowhere)
     * @param registry where its meters go; null to count them only for the summary at the stop
     */
    static AlertDelivery start(final List<DeliveryTarget> targets, final String command, final PrintWriter err,
                               final PrintWriter chatter, final MeterRegistry registry) {
        if (targets.isEmpty()) {
            return null;
        }
        final AlertDelivery delivery = new AlertDelivery(targets, AlertDelivery.DEFAULT_QUEUE_CAPACITY,
                RetryPolicy.DEFAULT, AlertDelivery.DEFAULT_DRAIN,
                registry == null ? new SimpleMeterRegistry() : registry, line -> {
                    err.println("ntpguard " + command + ": " + line);
                    err.flush();
                });
        chatter.println("ntpguard " + command + ": pushing alerts to " + String.join(", ", delivery.describe()));
        chatter.flush();
        return delivery;
    }
}
