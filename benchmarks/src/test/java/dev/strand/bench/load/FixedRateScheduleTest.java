package dev.strand.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FixedRateScheduleTest
{
    @Test
    void shouldPlaceSendsAtExactIntendedTimes()
    {
        final FixedRateSchedule s = new FixedRateSchedule(1_000, 1_000, 10);

        assertThat(s.intendedNanos(0)).isEqualTo(1_000);
        assertThat(s.intendedNanos(1)).isEqualTo(1_001_000);
        assertThat(s.intendedNanos(9)).isEqualTo(9_001_000);
        assertThat(s.endNanos()).isEqualTo(10_001_000);
    }

    @Test
    void shouldCountSendsDueIncludingTheOneIntendedNow()
    {
        final FixedRateSchedule s = new FixedRateSchedule(0, 1_000, 10);

        assertThat(s.dueCount(-1)).isZero();
        assertThat(s.dueCount(0)).isEqualTo(1);
        assertThat(s.dueCount(999_999)).isEqualTo(1);
        assertThat(s.dueCount(1_000_000)).isEqualTo(2);
        assertThat(s.dueCount(Long.MAX_VALUE / 2)).isEqualTo(10);
    }

    @Test
    void shouldAgreeWithIntendedTimesAtRatesThatDoNotDivideASecond()
    {
        final FixedRateSchedule s = new FixedRateSchedule(123, 3, 1_000);
        for (long i = 0; i < 1_000; i++)
        {
            final long t = s.intendedNanos(i);
            assertThat(s.dueCount(t)).as("due at send %d's time", i).isEqualTo(i + 1);
            assertThat(s.dueCount(t - 1)).as("due just before send %d", i).isEqualTo(i);
        }
    }

    @Test
    void shouldCatchUpAllMissedSendsAfterAStall()
    {
        final FixedRateSchedule s = new FixedRateSchedule(0, 100_000, 1_000_000);

        // a 50 ms stall of the scheduler: 5,000 sends are due at once, each keeps its own intended time
        assertThat(s.dueCount(50_000_000)).isEqualTo(5_001);
        assertThat(s.intendedNanos(2_500)).isEqualTo(25_000_000);
    }

    @Test
    void shouldRoundTheNumberOfSendsInAPeriod()
    {
        assertThat(FixedRateSchedule.sendsIn(10, 2_500)).isEqualTo(25_000);
        assertThat(FixedRateSchedule.sendsIn(0.5, 3)).isEqualTo(2);
        assertThat(FixedRateSchedule.sendsIn(0, 1_000)).isZero();
    }

    @Test
    void shouldRejectANonPositiveRate()
    {
        assertThatThrownBy(() -> new FixedRateSchedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
