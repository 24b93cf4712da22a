package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntpguard.cli.report.HtmlReport;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * report.html in a real browser: Debian's chromium, driven through Debian's {@code /usr/bin/chromedriver} (named
 * explicitly, so that Selenium Manager never looks for or downloads a driver), with its background networking off.
 * The page of a real analysis loads from file:// without fetching anything, draws its charts with their alert
 * markers, shows every alert of alerts.jsonl with its subject linked to the subject's details, and logs no error.
 */
class ReportPageBrowserTest {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    @Test
    void shouldLoadOfflineDrawTheChartsAndLinkEveryAlertsSubject() throws IOException {
        requireBrowser();
        final Path report = dir.resolve("report");
        final CommandRun command = new CommandRun();
        final int status = command.run("analyze", "--out", report.toString(), sample().toString());
        assertThat(status).as(command.err.toString()).isEqualTo(ExitCodes.OK);
        final Path page = report.resolve(HtmlReport.FILE);
        assertThat(Files.readString(page)).doesNotContainPattern("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//");

        final ChromeDriver browser = start();
        try {
            browser.get(page.toUri().toString());
            final JavascriptExecutor js = browser;

            assertThat(js.executeScript("return performance.getEntriesByType('resource').length")).isEqualTo(0L);
            assertThat(browser.findElements(By.cssSelector("#packets-chart canvas"))).hasSize(1);
            assertThat(browser.findElements(By.cssSelector("#bytes-chart canvas"))).hasSize(1);
            // Series lines and axes drawn on the canvas, and the red alert markers among them.
            final Map<?, ?> packets = pixels(js, "#packets-chart canvas");
            assertThat((Long) packets.get("drawn")).as("drawn pixels").isGreaterThan(1_000L);
            assertThat((Long) packets.get("red")).as("alert marker pixels").isGreaterThan(50L);
            assertThat((Long) pixels(js, "#bytes-chart canvas").get("drawn")).isGreaterThan(1_000L);

            final List<JsonNode> alerts = alerts(report);
            assertThat(alerts).isNotEmpty();
            for (final JsonNode alert : alerts) {
                final String id = alert.get("id").asText();
                final String subject = alert.get("subject").asText();
                final WebElement row = browser.findElement(By.cssSelector("tr[data-alert-id='" + id + "']"));
                final WebElement link = row.findElement(By.cssSelector("a.subject-link"));
                assertThat(link.getText()).isEqualTo(subject);
                assertThat(link.getAttribute("href")).endsWith("#subject-" + subject);
                assertThat(js.executeScript("return document.getElementById(arguments[0]) !== null",
                        "subject-" + subject)).as(subject + "'s details").isEqualTo(true);
                assertThat(js.executeScript("return document.getElementById(arguments[0]) !== null",
                        "alert-" + id)).as(id + "'s evidence").isEqualTo(true);
            }
            // Incidents come first, each with its victim, linked when an alert is about it.
            final List<JsonNode> incidents = lines(report, "incidents.jsonl");
            assertThat(incidents).isNotEmpty();
            for (final JsonNode incident : incidents) {
                final WebElement row = browser.findElement(By.cssSelector("tr[data-incident-id='"
                        + incident.get("id").asText() + "']"));
                assertThat(row.getText()).contains(incident.get("victim").asText());
                assertThat(row.getLocation().getY()).isLessThan(browser.findElement(By.id("alerts"))
                        .getLocation().getY());
            }
            final WebElement first = browser.findElement(By.cssSelector("a.subject-link"));
            final String target = first.getAttribute("href").substring(first.getAttribute("href").indexOf('#'));
            first.click();
            assertThat(js.executeScript("return location.hash")).isEqualTo(target);

            final List<String> errors = new ArrayList<>();
            for (final LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                    errors.add(entry.getLevel() + " " + entry.getMessage());
                }
            }
            assertThat(errors).as("browser log").isEmpty();
        } finally {
            browser.quit();
        }
    }

    /** Without chromium and its driver the test is skipped, except under CI, where it must run. */
    private static void requireBrowser() {
        if (Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM)) {
            return;
        }
        final String missing = CHROMEDRIVER + " or " + CHROMIUM + " is missing: apt-get install chromium "
                + "chromium-driver (.ci/run installs them)";
        if (System.getenv("CI") != null) {
            fail(missing);
        }
        Assumptions.abort(missing);
    }

    private ChromeDriver start() throws IOException {
        // Both ways Selenium looks for a driver name Debian's, so that Selenium Manager has nothing to find.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1300,1000",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")));
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        return new ChromeDriver(service, options);
    }

    /** Pixels of the canvas that are drawn (not transparent), and those that are red. */
    private static Map<?, ?> pixels(final JavascriptExecutor js, final String canvas) {
        return (Map<?, ?>) js.executeScript("""
                const canvas = document.querySelector(arguments[0]);
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let drawn = 0, red = 0;
                for (let i = 0; i < data.length; i += 4) {
                  if (data[i + 3] > 0) drawn++;
                  if (data[i + 3] > 100 && data[i] > 150 && data[i + 1] < 80 && data[i + 2] < 80) red++;
                }
                return {drawn: drawn, red: red};
                """, canvas);
    }

    private static List<JsonNode> alerts(final Path report) throws IOException {
        return lines(report, "alerts.jsonl");
    }

    private static List<JsonNode> lines(final Path report, final String file) throws IOException {
        final ObjectMapper json = new ObjectMapper();
        final List<JsonNode> objects = new ArrayList<>();
        for (final String line : Files.readAllLines(report.resolve(file))) {
            objects.add(json.readTree(line));
        }
        return objects;
    }

    /** samples/mixed-ntp.pcap of the repository, found from the working folder up. */
    private static Path sample() {
        for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
            final Path sample = folder.resolve("samples").resolve("mixed-ntp.pcap");
            if (Files.isRegularFile(sample)) {
                return sample;
            }
        }
        throw new IllegalStateException("samples/mixed-ntp.pcap not found above " + Path.of("").toAbsolutePath());
    }
}
