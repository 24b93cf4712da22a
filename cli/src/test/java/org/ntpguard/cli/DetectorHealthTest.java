package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.broker.EmbeddedBroker;

/**
 * {@code ntpguard detect}'s /health/ready through the states of a deployment, two detector JVMs of one group on a
 * broker of this test's own, which it stops: an instance joining the group (rebalancing), both running and caught up,
 * the broker gone.
 */
class DetectorHealthTest {

    private static final Pattern METRICS_PORT = Pattern.compile("ntpguard detect: metrics at http://[^:]+:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    void shouldBeNotReadyWhileJoiningItsGroupReadyOnceRunningAndNotReadyWhenTheBrokerIsGone() throws Exception {
        final EmbeddedBroker broker = EmbeddedBroker.start(dir, new Properties());
        final List<ChildCli> detectors = new ArrayList<>();
        try {
            // given: one detector, running and caught up (there is nothing to read)
            detectors.add(detect(broker, "first"));
            final Health first = new Health(detectors.get(0));
            first.answersUntil("200 ready\n");

            // when: a second one joins the group
            detectors.add(detect(broker, "second"));
            final Health second = new Health(detectors.get(1));
            final List<String> answers = second.answersUntil("200 ready\n");

            // then: from its first answer on, it says why it is not ready (starting, then rebalancing until the
            // group has given it its partitions), then it is ready; every answer on the way is kept, so a rebalance
            // it did not report, or an answer that is no health answer at all, fails here
            assertThat(answers).allMatch(answer -> answer.startsWith("503 not ready: stream threads ")
                    || answer.equals("200 ready\n")).contains("503 not ready: stream threads REBALANCING\n")
                    .endsWith("200 ready\n");
            assertThat(first.answersUntil("200 ready\n")).endsWith("200 ready\n");

            // when: the broker goes away
            broker.close();

            // then: the stream threads still say RUNNING (they retry), but the detector is not ready, and says why
            final String gone = "503 not ready: broker " + broker.bootstrapServers() + " did not answer within 2 s\n";
            assertThat(first.answersUntil(gone)).endsWith(gone);
        } finally {
            for (final ChildCli detector : detectors) {
                detector.process().destroyForcibly();
            }
            broker.close();
        }
    }

    private ChildCli detect(final EmbeddedBroker broker, final String name) throws IOException {
        return ChildCli.start(dir, List.of(), List.of(), null, "detect", "--bootstrap-servers",
                broker.bootstrapServers(), "--state-dir", dir.resolve("state-" + name).toString(), "--http-port", "0");
    }

    /** The /health/ready of one detector JVM. */
    private static final class Health {
        private final ChildCli detector;
        private final HttpClient client = HttpClient.newHttpClient();
        private final URI ready;

        Health(final ChildCli detector) throws InterruptedException {
            this.detector = detector;
            detector.await("ntpguard detect: metrics at ");
            final Matcher port = METRICS_PORT.matcher(detector.log());
            assertThat(port.find()).as(detector.log()).isTrue();
            ready = URI.create("http://127.0.0.1:" + port.group(1) + "/health/ready");
        }

        /** "status body" of GET /health/ready. */
        String get() throws IOException, InterruptedException {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        }

        /**
         * Asks again and again until the answer is {@code expected}.
         *
         * @return the answers, each one that differs from the one before it, {@code expected} last
         */
        List<String> answersUntil(final String expected) throws IOException, InterruptedException {
            final List<String> answers = new ArrayList<>();
            final long deadline = System.nanoTime() + ChildCli.START_LIMIT.toNanos();
            while (answers.isEmpty() || !answers.get(answers.size() - 1).equals(expected)) {
                if (!detector.process().isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("/health/ready never answered " + expected.strip() + "; it answered "
                            + answers + (detector.process().isAlive() ? "" : " (it ended)") + ": " + detector.log());
                }
                final String answer = get();
                if (answers.isEmpty() || !answers.get(answers.size() - 1).equals(answer)) {
                    answers.add(answer);
                }
                Thread.sleep(20);
            }
            return answers;
        }
    }
}
