package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsCatalogueTest {

    private final MetricsCatalogue catalogue = DeploymentFiles.catalogue();

    private List<String> problems(final String expression) {
        return PromQlSelectors.of(expression).stream().flatMap(s -> catalogue.problems(s, "q").stream()).toList();
    }

    @Test
    void shouldAcceptAHistogramsSampleSeriesButNotAnInventedSuffix() {
        assertThat(problems("ntpguard_client_byte_ratio_bucket{job=\"ntpguard-detector\"}")).isEmpty();
        assertThat(problems("ntpguard_client_byte_ratio_count{job=\"ntpguard-detector\"}")).isEmpty();
        assertThat(problems("ntpguard_client_byte_ratio_max{job=\"ntpguard-detector\"}"))
                .containsExactly("q: ntpguard_client_byte_ratio_max is not in dashboards/metrics-catalogue.txt");
    }

    @Test
    void shouldRefuseAMetricOfTheOtherJobOrWithoutAJob() {
        assertThat(problems("ntpguard_blocklist_entries{job=\"ntpguard-sensor\"}"))
                .containsExactly("q: ntpguard_blocklist_entries is not exposed by the sensor");
        assertThat(problems("process_cpu_usage"))
                .containsExactly("q: process_cpu_usage without job=\"...\"");
    }

    @Test
    void shouldRefuseALabelValueOutsideItsClosedSet() {
        assertThat(problems("ntpguard_alerts_total{job=\"ntpguard-detector\",type=~\"SCANNER|MONLIST\"}"))
                .singleElement().asString().contains("type is never \"MONLIST\"");
        assertThat(problems("ntpguard_kod_total{job=\"ntpguard-sensor\",code=\"XYZZ\"}")).isEmpty();
        assertThat(problems("ntpguard_kod_total{job=\"ntpguard-sensor\",kiss=\"RATE\"}"))
                .containsExactly("q: ntpguard_kod_total has no label kiss");
    }

    @Test
    void shouldGiveARecordingRuleTheLabelsOfItsSources() {
        // given
        final MetricsCatalogue withRule = catalogue.withRecordingRule("ntpguard:alerts:rate",
                "rate(ntpguard_alerts_total{job=\"ntpguard-detector\"}[5m])");

        // when
        final List<String> good = withRule.problems(
                PromQlSelectors.of("ntpguard:alerts:rate{type=\"SCANNER\"}").get(0), "q");
        final List<String> bad = withRule.problems(
                PromQlSelectors.of("ntpguard:alerts:rate{side=\"client\"}").get(0), "q");

        // then
        assertThat(good).isEmpty();
        assertThat(bad).containsExactly("q: ntpguard:alerts:rate has no label side");
    }
}
