package org.ntpguard.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlThresholdsTest {

    @Test
    void shouldMeasureTheLeftHandSideOfAComparisonWithANumber() {
        assertThat(PromQlThresholds.measured("sum by (type) (x{severity=\"HIGH\"}) >= 10"))
                .containsExactly("sum by (type) (x{severity=\"HIGH\"})");
        assertThat(PromQlThresholds.measured("up{job=\"a\"} == bool 0")).containsExactly("up{job=\"a\"}");
    }

    @Test
    void shouldMeasureEveryOperandOfATopLevelSetOperator() {
        // given
        final String expression = "sum(rate(a[10m])) == 0\n  and on ()\nsum(rate(b{job!=\"x\"}[10m])) > 0";

        // then
        assertThat(PromQlThresholds.measured(expression))
                .containsExactly("sum(rate(a[10m]))", "sum(rate(b{job!=\"x\"}[10m]))");
    }

    @Test
    void shouldFindNoThresholdInsideParenthesesMatchersOrStringsNorInAComparisonOfTwoVectors() {
        assertThat(PromQlThresholds.measured("(x unless x offset 5m) or increase(x{a=~\"b|c\",d!=\"e>1\"}[5m])"))
                .isEmpty();
        assertThat(PromQlThresholds.measured("sum(rate(x[5m])) > on () sum(rate(y[5m]))")).isEmpty();
        assertThat(PromQlThresholds.measured("sum(clamp_min(x, 0) > 1)")).isEmpty();
        assertThat(PromQlThresholds.measured("sum(up{job=\"ntpguard_sensor_or_unless\"}) or vector(0)")).isEmpty();
    }

    @Test
    void shouldKeepAnOperandWithoutThresholdBesideOneWithIt() {
        assertThat(PromQlThresholds.measured("x > 1e3 unless ignoring (instance) y"))
                .containsExactly("x", "y");
    }
}
