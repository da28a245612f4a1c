package dev.strand.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SweepTest
{
    private static RunResult result(final double rate, final long p99Micros, final long errors)
    {
        final Histogram h = new Histogram(LatencySeries.HIGHEST_MICROS, 3);
        for (int i = 0; i < 985; i++)
        {
            h.recordValue(100);
        }
        for (int i = 0; i < 15; i++)
        {
            h.recordValue(p99Micros);
        }
        final LoadOptions o = LoadOptions.parse("--rate", Double.toString(rate));
        return new RunResult(o, 10, 1_000 + errors, 1_000, 0, 1_000, 0, errors,
            errors == 0 ? Map.of() : Map.of("503 (overloaded/halted)", errors), h, List.of(),
            new Histogram(LatencySeries.HIGHEST_MICROS, 3), null, List.of(), List.of());
    }

    @Test
    void shouldPassAStepWithinTheSloAndWithoutErrors()
    {
        assertThat(Sweep.judge(result(1_000, 4_000, 0), 5, 0).verdict()).isEqualTo(Sweep.Verdict.PASS);
    }

    @Test
    void shouldFailAStepWhoseP99PassesTheSlo()
    {
        final Sweep.Step step = Sweep.judge(result(1_000, 6_000, 0), 5, 0);

        assertThat(step.verdict()).isEqualTo(Sweep.Verdict.FAIL);
        assertThat(step.reason()).contains("p99 6.0").contains("ms > 5ms");
    }

    @Test
    void shouldFailAStepWithErrorsEvenWhenFast()
    {
        final Sweep.Step step = Sweep.judge(result(1_000, 1_000, 3), 5, 0);

        assertThat(step.verdict()).isEqualTo(Sweep.Verdict.FAIL);
        assertThat(step.reason()).contains("errors 3").contains("503");
        assertThat(Sweep.judge(result(1_000, 1_000, 3), 5, 0.01).verdict()).isEqualTo(Sweep.Verdict.PASS);
    }

    @Test
    void shouldAnswerTheHighestRateBeforeTheFirstFailure()
    {
        final Sweep.Outcome outcome = new Sweep.Outcome(List.of(
            Sweep.judge(result(1_000, 1_000, 0), 5, 0),
            Sweep.judge(result(2_000, 2_000, 0), 5, 0),
            Sweep.judge(result(3_000, 9_000, 0), 5, 0)), 5, 0);

        assertThat(outcome.highestSustainableRate()).isEqualTo(2_000);
        assertThat(outcome.table()).contains("highest sustainable rate: 2,000 commands/s");
        assertThat(HtmlReport.sweep(outcome)).contains("<svg").contains("Latency by offered rate").doesNotContain("<script");
    }

    @Test
    void shouldReportNoSustainableRateWhenTheFirstStepFails()
    {
        final Sweep.Outcome outcome = new Sweep.Outcome(List.of(Sweep.judge(result(1_000, 9_000, 0), 5, 0)), 5, 0);

        assertThat(outcome.highestSustainableRate()).isZero();
        assertThat(outcome.table()).contains("no sustainable rate");
    }
}
