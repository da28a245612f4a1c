package dev.strand.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class ReportsTest
{
    @Test
    void shouldPrintThePercentileTableWithErrorsApart()
    {
        final Histogram h = new Histogram(LatencySeries.HIGHEST_MICROS, 3);
        h.recordValue(1_500);
        final RunResult r = new RunResult(LoadOptions.parse("--rate", "100"), 1, 3, 1, 0, 1, 0, 2,
            Map.of("timeout", 2L), h, List.of(new LatencySeries.IntervalStat(1, 1, 1, 1_500, 1_500, 1_500, 1_500, 1_500)),
            h, null, List.of(), List.of());

        final String table = Reports.table(r);
        assertThat(table).contains("http request").contains("1.500ms").contains("error timeout").contains("errors 2");
        assertThat(Reports.hgrm(h)).contains("Percentile").contains("#[Max");
        final String html = HtmlReport.run(r);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline").contains("Percentile spectrum")
            .doesNotContain("<script").doesNotContain("src=\"http");
    }

    @Test
    void shouldKeepTimeoutsAndConnectionFailuresApart()
    {
        final RunCounters c = new RunCounters();
        HttpDriver.classifyFailure(c, new TimeoutException("late"));
        HttpDriver.classifyFailure(c, new java.net.ConnectException("Connection refused"));
        HttpDriver.classifyFailure(c, new IllegalStateException("odd"));
        c.countStatus(500);

        assertThat(c.errorBreakdown()).containsEntry("timeout", 1L).containsEntry("connection failure", 1L)
            .containsEntry("other failure", 1L).containsEntry("HTTP 500", 1L);
        assertThat(c.errors()).isEqualTo(4);
        assertThat(c.answered()).isZero();
    }

    @Test
    void shouldRecordWarmUpApartFromTheMeasurement()
    {
        final LatencySeries s = new LatencySeries("t", null, 0);
        s.record(100, true);
        s.record(200, false);
        s.record(-5, false);

        final Histogram interval = s.roll(0, 1_000, 1);
        assertThat(interval.getTotalCount()).isEqualTo(3);
        assertThat(s.total().getTotalCount()).isEqualTo(2);
        assertThat(s.total().getMinValue()).isZero();
        assertThat(s.intervals()).hasSize(1);
    }
}
