package dev.strand.bench.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OpenLoopTest
{
    @Test
    void shouldSubmitEveryScheduledCommandAndTimeOnlyTheMeasuredOnes()
    {
        final AtomicInteger submitted = new AtomicInteger();
        final OpenLoop.Result r = OpenLoop.run(done ->
        {
            submitted.incrementAndGet();
            done.completed(true);
        }, 2_000, 0.1, 0.2);

        assertThat(submitted.get()).isEqualTo(600);
        assertThat(r.submitted()).isEqualTo(400);
        assertThat(r.accepted()).isEqualTo(400);
        assertThat(r.latency().getTotalCount()).isEqualTo(400);
    }

    @Test
    void shouldCountRejectionsApartFromLatency()
    {
        final AtomicInteger n = new AtomicInteger();
        final OpenLoop.Result r = OpenLoop.run(done -> done.completed(n.incrementAndGet() % 2 == 0), 1_000, 0, 0.1);

        assertThat(r.rejected()).isEqualTo(50);
        assertThat(r.accepted()).isEqualTo(50);
        assertThat(r.latency().getTotalCount()).isEqualTo(50);
    }

    @Test
    void shouldTakeTheMedian()
    {
        assertThat(OpenLoopHarness.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(OpenLoopHarness.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}
