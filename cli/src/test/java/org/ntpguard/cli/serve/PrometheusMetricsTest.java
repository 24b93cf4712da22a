package org.ntpguard.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntpguard.capture.PrometheusText;
import org.ntpguard.capture.SharedMaterial;
import org.ntpguard.capture.metrics.SensorMetrics;
import org.ntpguard.capture.pcap.CaptureFiles;
import org.ntpguard.capture.pcap.CaptureReader;
import org.ntpguard.capture.publish.FlowOptions;
import org.ntpguard.capture.publish.FlowPublisher;
import org.ntpguard.capture.publish.MockSensorProducer;
import org.ntpguard.capture.publish.SensorTopics;
import org.ntpguard.capture.session.CaptureSession;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.capture.session.ProblemLog;

/** {@code /metrics} served by {@link HttpEndpoints} on a loopback port, read as Prometheus reads it. */
class PrometheusMetricsTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private PrometheusMetrics metrics;
    private HttpEndpoints http;
    private String url;

    @BeforeEach
    void serve() {
        metrics = new PrometheusMetrics();
        http = HttpEndpoints.bind("127.0.0.1", 0);
        url = metrics.serveOn(http);
    }

    @AfterEach
    void close() {
        http.close();
        metrics.close();
    }

    private HttpResponse<String> send(final String method, final String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://" + http.address() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> scrape(final String accept) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheSensorsCountersAndTheJvmsAsPrometheusText() throws Exception {
        final DecodeStats stats = new DecodeStats();
        final ProblemLog problems = new ProblemLog(new PrintWriter(Writer.nullWriter()));
        final FlowPublisher publisher = new FlowPublisher(MockSensorProducer.create(), "test",
                SensorTopics.defaults(), 1024, FlowPublisher.Overflow.WAIT, null, FlowOptions.defaults());
        new SensorMetrics(stats, problems, publisher).bindTo(metrics.registry());
        replay(SharedMaterial.scenarios().resolve("c_kod_storm.pcap"), stats, problems, publisher);

        final HttpResponse<String> response = send("GET", PrometheusMetrics.PATH);

        assertThat(url).isEqualTo("http://127.0.0.1:" + http.port() + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(PrometheusMetrics.CONTENT_TYPE);
        final PrometheusText scrape = PrometheusText.parse(response.body());
        assertThat(scrape.types()).containsEntry("ntpguard_packets_total", "counter")
                .containsEntry("ntpguard_kod_total", "counter")
                .containsEntry("jvm_memory_used_bytes", "gauge")
                .containsEntry("jvm_threads_live_threads", "gauge")
                .containsEntry("process_cpu_usage", "gauge")
                .containsKey("jvm_gc_memory_allocated_bytes_total");
        assertThat(scrape.sum("ntpguard_packets_total")).isEqualTo(stats.ntpDatagrams()).isPositive();
        assertThat(scrape.sum("ntpguard_packets_total", "mode", "client", "direction", "request")).isPositive();
        assertThat(scrape.sum("ntpguard_kod_total", "code", "RATE")).isPositive();
    }

    @Test
    void shouldAnswerHeadWithoutABodyAndRefuseOtherMethodsAndPaths() throws Exception {
        final HttpResponse<String> head = send("HEAD", PrometheusMetrics.PATH);
        final HttpResponse<String> post = send("POST", PrometheusMetrics.PATH);
        final HttpResponse<String> below = send("GET", PrometheusMetrics.PATH + "/extra");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(below.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldServeOpenMetricsOnlyWhenTheAcceptHeaderAsksForIt() throws Exception {
        final HttpResponse<String> open = scrape("application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        final HttpResponse<String> plain = scrape("text/plain;version=0.0.4;q=0.3,*/*;q=0.2");

        assertThat(open.headers().firstValue("Content-Type")).hasValue(PrometheusMetrics.OPENMETRICS_CONTENT_TYPE);
        assertThat(open.body()).contains("# TYPE jvm_threads_live_threads gauge").endsWith("# EOF\n");
        assertThat(plain.headers().firstValue("Content-Type")).hasValue(PrometheusMetrics.CONTENT_TYPE);
        assertThat(plain.body()).contains("# TYPE jvm_threads_live_threads gauge").doesNotContain("# EOF");
    }

    @Test
    void shouldAnswer503InOneLineOnceStopping() throws Exception {
        metrics.stopping();

        final HttpResponse<String> get = send("GET", PrometheusMetrics.PATH);
        final HttpResponse<String> head = send("HEAD", PrometheusMetrics.PATH);

        assertThat(get.statusCode()).isEqualTo(503);
        assertThat(get.body()).isEqualTo("stopping\n");
        assertThat(head.statusCode()).isEqualTo(503);
    }

    private static void replay(final Path file, final DecodeStats stats, final ProblemLog problems,
                               final FlowPublisher publisher) throws IOException {
        try (CaptureReader reader = CaptureFiles.open(file, problems)) {
            new CaptureSession(stats, problems).run(reader, publisher, Long.MAX_VALUE);
        }
        publisher.close();
    }
}
