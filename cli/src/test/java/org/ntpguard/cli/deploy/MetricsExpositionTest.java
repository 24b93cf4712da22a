package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.capture.TestBroker;
import org.ntpguard.cli.ChildCli;
import org.ntpguard.cli.deploy.DeploymentFiles.ToolRun;

/**
 * What a running {@code ntpguard sensor -i lo} and {@code ntpguard detect} serve on /metrics, each in a JVM of its own
 * on the test broker, read by the real tools: {@code promtool check metrics} (Debian's prometheus package) finds
 * nothing in any {@code ntpguard_*} metric of either; a scraper that asks for OpenMetrics gets it; and scrapes while
 * detect stops get a 503 (or no connection once it has closed), never a stack trace in its log. Needs root for the
 * live capture on {@code lo} (CI runs as root).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsExpositionTest {

    private static final Pattern METRICS_URL = Pattern.compile("metrics at (http://\\S+)");
    /** What Prometheus 3 sends: OpenMetrics preferred, the text format as a fallback. */
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,"
            + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    @TempDir
    static Path dir;

    private static ChildCli detect;
    private static ChildCli sensor;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void startASensorAndADetector() throws IOException, InterruptedException {
        final String bootstrap = TestBroker.bootstrapServers();
        final String namespace = TestBroker.uniqueTopic("metrics");
        detect = ChildCli.start(dir, List.of(), List.of(), null, "detect", "--bootstrap-servers", bootstrap,
                "--namespace", namespace, "--partitions", "1", "--http-port", "0", "--state-dir",
                dir.resolve("state").toString());
        sensor = ChildCli.start(dir, List.of(), List.of(), null, "sensor", "--bootstrap-servers", bootstrap,
                "--namespace", namespace, "-i", "lo", "--http-port", "0");
        detect.await("ntpguard detect: running as");
        sensor.await("ntpguard sensor: capturing on lo");
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        for (final ChildCli child : new ChildCli[] {sensor, detect}) {
            if (child != null && child.process().isAlive()) {
                child.signal("TERM");
                child.exitStatus();
            }
        }
    }

    private static String metricsUrl(final ChildCli child) {
        final Matcher url = METRICS_URL.matcher(child.log());
        assertThat(url.find()).as(child.log()).isTrue();
        return url.group(1);
    }

    private static HttpResponse<String> scrape(final String url, final String accept)
            throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** promtool's findings on a scrape, one per line ("NAME reason"), of ntpguard's own metrics only. */
    private static List<String> ntpguardFindings(final String scrape) throws IOException {
        final Path promtool = DeploymentFiles.requireTool("promtool", "prometheus");
        final Path file = Files.createTempFile(dir, "scrape-", ".prom");
        Files.writeString(file, scrape);
        final ToolRun run = DeploymentFiles.run("sh", "-c", "\"$0\" check metrics < \"$1\"", promtool.toString(),
                file.toString());
        return run.output().lines().filter(line -> line.startsWith("ntpguard_")).toList();
    }

    @Test
    @Order(1)
    void shouldLeavePromtoolNothingToSayAboutAnyNtpguardMetric() throws IOException, InterruptedException {
        // when
        final HttpResponse<String> sensorScrape = scrape(metricsUrl(sensor), null);
        final HttpResponse<String> detectScrape = scrape(metricsUrl(detect), null);

        // then: the live capture's meters (libpcap's drop counters) are there, and so are the detector's
        assertThat(sensorScrape.statusCode()).isEqualTo(200);
        assertThat(sensorScrape.body()).contains("ntpguard_capture_drops_total{source=\"kernel\"}",
                "ntpguard_frames_total");
        assertThat(detectScrape.statusCode()).isEqualTo(200);
        assertThat(detectScrape.body()).contains("ntpguard_windows_closed_total", "ntpguard_late_flows_total");
        assertThat(ntpguardFindings(sensorScrape.body())).isEmpty();
        assertThat(ntpguardFindings(detectScrape.body())).isEmpty();
    }

    @Test
    @Order(2)
    void shouldServeOpenMetricsToAScraperThatAsksForIt() throws IOException, InterruptedException {
        // when
        final HttpResponse<String> open = scrape(metricsUrl(detect), PROMETHEUS_ACCEPT);
        final HttpResponse<String> plain = scrape(metricsUrl(detect), "text/plain;version=0.0.4");

        // then
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/openmetrics-text; version=1.0.0"));
        assertThat(open.body()).endsWith("# EOF\n").contains("# TYPE ntpguard_windows_closed counter",
                "ntpguard_windows_closed_total{");
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(plain.body()).doesNotContain("# EOF").contains("# TYPE ntpguard_windows_closed_total counter");
    }

    @Test
    @Order(3)
    void shouldAnswerScrapesDuringTheStopWith503AndLogNoStackTrace() throws IOException, InterruptedException {
        // given
        final String url = metricsUrl(detect);

        // when: scraped without pause from the stop until the server has closed
        detect.signal("TERM");
        final Set<Integer> statuses = new TreeSet<>();
        final Set<String> refusedBodies = new TreeSet<>();
        while (true) {
            try {
                final HttpResponse<String> answer = scrape(url, PROMETHEUS_ACCEPT);
                statuses.add(answer.statusCode());
                if (answer.statusCode() != 200) {
                    refusedBodies.add(answer.body());
                }
            } catch (final ConnectException closed) {
                break;
            } catch (final IOException reset) {
                if (!detect.process().isAlive()) {
                    break;
                }
            }
        }
        final int status = detect.exitStatus();

        // then
        assertThat(status).as(detect.log()).isZero();
        assertThat(statuses).isSubsetOf(200, 503);
        assertThat(refusedBodies).allSatisfy(body -> assertThat(body).isEqualTo("stopping\n"));
        assertThat(detect.log()).doesNotContain("\tat ", "Exception");
    }
}
