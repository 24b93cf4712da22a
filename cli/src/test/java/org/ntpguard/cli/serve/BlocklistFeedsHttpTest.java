package org.ntpguard.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ntpguard.streams.detect.BlockEntry;
import org.ntpguard.streams.detect.IpAddress;
import org.ntpguard.streams.detect.Severity;
import org.ntpguard.streams.export.BlocklistFeeds;
import org.ntpguard.streams.export.BlocklistFormat;
import org.ntpguard.streams.export.BlocklistSnapshot;
import org.ntpguard.streams.export.FeedMode;
import org.ntpguard.streams.export.FeedSettings;

/** The blocklist feeds on a real {@link HttpEndpoints} at 127.0.0.1, any free port, through the JDK's client. */
class BlocklistFeedsHttpTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final FeedSettings SETTINGS = new FeedSettings(Duration.ofHours(1), 0);
    private static final BlocklistSnapshot LIST = new BlocklistSnapshot(7, true, List.of(
            entry("192.0.2.1", 32, Severity.HIGH), entry("198.51.100.9", 32, Severity.LOW),
            entry("2001:db8::66", 128, Severity.MEDIUM)));

    private final AtomicReference<BlocklistSnapshot> current = new AtomicReference<>(LIST);
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpEndpoints http;

    private static BlockEntry entry(final String address, final int prefixLength, final Severity severity) {
        final long now = NOW.toEpochMilli();
        return new BlockEntry(IpAddress.parse(address), prefixLength, "SCANNER (SCANNER): " + address, List.of("a"),
                now - 60_000, now - 1_000, now + 600_000, severity);
    }

    @BeforeEach
    void serve() {
        final BlocklistFeeds feeds = new BlocklistFeeds(current::get, SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));
        http = HttpEndpoints.bind("127.0.0.1", 0);
        BlocklistFeeds.routes().forEach(route -> http.route(route, feeds));
        http.start();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> send(final String method, final String path, final String... headers)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + http.address() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(BlocklistFormat.class)
    void shouldServeEachFormatWithItsTypeAStrongEtagAndNoCache(final BlocklistFormat format) throws Exception {
        final HttpResponse<String> response = send("GET", format.path());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(format.render(LIST, NOW, SETTINGS));
        assertThat(response.headers().firstValue("Content-Type")).contains(format.contentType());
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(response.headers().firstValue("ETag")).get().asString().matches("\"[0-9a-f]{32}\"");
    }

    @Test
    void shouldAnswerNotModifiedWhileTheListIsUnchangedAndTheNewListOnceChanged() throws Exception {
        final String etag = send("GET", "/blocklist.txt").headers().firstValue("ETag").orElseThrow();

        final HttpResponse<String> unchanged = send("GET", "/blocklist.txt", "If-None-Match", etag);
        current.set(new BlocklistSnapshot(8, true, LIST.entries().subList(0, 2)));
        final HttpResponse<String> changed = send("GET", "/blocklist.txt", "If-None-Match", etag);

        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.headers().firstValue("ETag")).contains(etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo("192.0.2.1\n198.51.100.9\n");
        assertThat(changed.headers().firstValue("ETag")).get().isNotEqualTo(etag);
    }

    @Test
    void shouldMatchAnyTagOfTheListAndWeakFormsWhenIfNoneMatch() throws Exception {
        final String etag = send("GET", "/blocklist.json").headers().firstValue("ETag").orElseThrow();

        assertThat(send("GET", "/blocklist.json", "If-None-Match", "\"other\", W/" + etag).statusCode())
                .isEqualTo(304);
        assertThat(send("GET", "/blocklist.json", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/blocklist.json", "If-None-Match", "*").statusCode()).isEqualTo(304);
    }

    @Test
    void shouldAnswerHeadWithTheHeadersOfGetAndNoBody() throws Exception {
        final HttpResponse<String> get = send("GET", "/blocklist/ipset");

        final HttpResponse<String> head = send("HEAD", "/blocklist/ipset");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("ETag")).isEqualTo(get.headers().firstValue("ETag"));
        assertThat(head.headers().firstValue("Content-Length"))
                .contains(String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    @Test
    void shouldCapTheFeedWhenTheRequestAsksForALimit() throws Exception {
        final HttpResponse<String> capped = send("GET", "/blocklist.txt?limit=2");

        assertThat(capped.statusCode()).isEqualTo(200);
        assertThat(capped.body()).isEqualTo("192.0.2.1\n2001:db8::66\n"); // HIGH and MEDIUM; LOW left out
        assertThat(send("GET", "/blocklist.txt?limit=0").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/blocklist.txt?limit=many").body()).contains("limit 'many'");
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownPath() throws Exception {
        assertThat(send("GET", "/blocklist/pf").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/blocklist.txt.bak").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/blocklist/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseOtherMethodsNamingTheAllowedOnes() throws Exception {
        final HttpResponse<String> post = send("POST", "/blocklist.txt");

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(send("DELETE", "/blocklist/nftables").statusCode()).isEqualTo(405);
    }

    @Test
    void shouldAnswerUnavailableUntilTheListIsLoaded() throws Exception {
        current.set(new BlocklistSnapshot(1, false, LIST.entries()));

        final HttpResponse<String> loading = send("GET", "/blocklist.txt");

        assertThat(loading.statusCode()).isEqualTo(503);
        assertThat(loading.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldServeEmptyFirewallFeedsAndTheWouldBeEntriesWhenMonitorOnly() throws Exception {
        final BlocklistFeeds monitor = new BlocklistFeeds(current::get, SETTINGS.in(FeedMode.MONITOR),
                Clock.fixed(NOW, ZoneOffset.UTC));
        try (HttpEndpoints monitoring = HttpEndpoints.bind("127.0.0.1", 0)) {
            BlocklistFeeds.routes().forEach(route -> monitoring.route(route, monitor));
            monitoring.start();
            final HttpResponse<String> text = client.send(HttpRequest.newBuilder(
                    URI.create(monitoring.url("/blocklist.txt"))).build(), HttpResponse.BodyHandlers.ofString());
            final HttpResponse<String> json = client.send(HttpRequest.newBuilder(
                    URI.create(monitoring.url("/blocklist.json"))).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.body()).isEqualTo("# ntpguard blocklist, monitor-only: 3 entries would be listed, none is"
                    + " (see blocklist.json)\n");
            assertThat(text.headers().firstValue(BlocklistFeeds.MODE_HEADER)).contains("monitor");
            assertThat(json.body()).contains("\"address\":\"192.0.2.1\"", "\"enforced\":false")
                    .doesNotContain("\"enforced\":true");
        }
        assertThat(send("GET", "/blocklist.txt").headers().firstValue(BlocklistFeeds.MODE_HEADER)).contains("enforce");
    }
}
