package dev.strand.gateway.ops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlTest
{
    @Test
    void shouldFindTheSelectorsNotTheLabelsFunctionsOrVariables()
    {
        assertThat(PromQl.metricNames(
            "histogram_quantile(0.99, sum by (instance, le) (rate(strand_append_latency_seconds_bucket{job=\"$job\", instance=~\"$instance\"}[$__rate_interval])))"))
            .containsExactly("strand_append_latency_seconds_bucket");
    }

    @Test
    void shouldIgnoreStringArgumentsAndTheirDollarGroups()
    {
        assertThat(PromQl.metricNames(
            "sum by (class) (label_replace(rate(vertx_http_server_requests_total{code=~\"5..\"}[5m]), \"class\", \"${1}xx\", \"code\", \"([0-9]).. \"))"))
            .containsExactly("vertx_http_server_requests_total");
    }

    @Test
    void shouldFindBothSidesOfVectorMatchingAndNoneOfItsLabels()
    {
        assertThat(PromQl.metricNames(
            "sum by (job, instance, code) (rate(strand_http_problems_total{status=\"503\"}[5m])) / on (job, instance) group_left " +
                "sum by (job, instance) (rate(vertx_http_server_requests_total[5m])) > 0.05"))
            .containsExactly("strand_http_problems_total", "vertx_http_server_requests_total");
        assertThat(PromQl.metricNames("strand_ready == 0 unless on (job, instance) strand_engine_state{state=\"halted\"} == 1"))
            .containsExactly("strand_engine_state", "strand_ready");
        assertThat(PromQl.metricNames("a - b < ignoring(x) group_right(y) c"))
            .containsExactly("a", "b", "c");
    }

    @Test
    void shouldSkipNumbersDurationsOffsetsAndKeywords()
    {
        assertThat(PromQl.metricNames("predict_linear(strand_journal_free_bytes[6h], 24 * 3600) < 1e9 and strand_x offset 5m"))
            .containsExactly("strand_journal_free_bytes", "strand_x");
        assertThat(PromQl.metricNames("clamp_min(strand_journal_min_free_bytes, 1073741824) > bool 0.5"))
            .containsExactly("strand_journal_min_free_bytes");
        assertThat(PromQl.metricNames("max(rate(x[5m:1m])) or vector(0)")).containsExactly("x");
    }

    @Test
    void shouldKeepRecordingRuleNamesAndGrafanaVariableQueries()
    {
        assertThat(PromQl.metricNames("instance:strand_append_latency_slow:ratio_rate1h > (14.4 * 0.01)"))
            .containsExactly("instance:strand_append_latency_slow:ratio_rate1h");
        assertThat(PromQl.metricNames("label_values(strand_ready{job=\"$job\"}, instance)"))
            .containsExactly("instance", "strand_ready");
    }

    @Test
    void shouldTellAnAggregationFromAMetricOfTheSameWord()
    {
        assertThat(PromQl.metricNames("count without (instance) (up) + count")).containsExactly("count", "up");
    }
}
