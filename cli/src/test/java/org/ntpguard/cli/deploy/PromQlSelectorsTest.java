package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntpguard.cli.deploy.PromQlSelectors.LabelMatcher;
import org.ntpguard.cli.deploy.PromQlSelectors.Selector;

class PromQlSelectorsTest {

    @Test
    void shouldFindTheMetricInsideFunctionsAggregationsAndGroupings() {
        // given
        final String expression = "sum by (mode, direction) (rate(ntpguard_packets_total{job=\"ntpguard-sensor\","
                + "mode=~\"control|private\"}[$__rate_interval]))";

        // when
        final List<Selector> selectors = PromQlSelectors.of(expression);

        // then
        assertThat(selectors).containsExactly(new Selector("ntpguard_packets_total", List.of(
                new LabelMatcher("job", "=", "ntpguard-sensor"),
                new LabelMatcher("mode", "=~", "control|private"))));
    }

    @Test
    void shouldTellMetricsFromNumbersKeywordsAndTrailingGroupings() {
        // given
        final String expression = "histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le)) > 1e3 "
                + "and on () sum(y offset 5m) without (instance) unless max by (type) (z:recorded{type='A'})";

        // when
        final List<Selector> selectors = PromQlSelectors.of(expression);

        // then
        assertThat(selectors).extracting(Selector::metric).containsExactly("x_bucket", "y", "z:recorded");
        assertThat(selectors.get(2).matchers()).containsExactly(new LabelMatcher("type", "=", "A"));
    }

    @Test
    void shouldNotTakeStringArgumentsOrGrafanaVariablesForMetrics() {
        // given
        final String expression = "label_replace(up{job=\"a\", instance=~\"$sensor\"}, \"host\", \"$1\", "
                + "\"instance\", \"(.*):.*\") * ${factor}";

        // when
        final List<Selector> selectors = PromQlSelectors.of(expression);

        // then
        assertThat(selectors).containsExactly(new Selector("up", List.of(
                new LabelMatcher("job", "=", "a"), new LabelMatcher("instance", "=~", "$sensor"))));
    }

    @Test
    void shouldRefuseLabelMatchersItCannotRead() {
        assertThatThrownBy(() -> PromQlSelectors.of("x{job=ntpguard-sensor}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{job=ntpguard-sensor}");
    }
}
