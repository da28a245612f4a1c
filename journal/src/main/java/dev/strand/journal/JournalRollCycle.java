package dev.strand.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * How often a new journal starts a new cycle file, by Chronicle's names. An existing journal keeps the cycle it was
 * created with (Chronicle stores it in the queue). {@link #TEST_SECONDLY} is for tests of rolling.
 */
public enum JournalRollCycle
{
    /** A file every 5 minutes. */
    FIVE_MINUTELY(RollCycles.FIVE_MINUTELY),
    /** A file every 10 minutes. */
    TEN_MINUTELY(RollCycles.TEN_MINUTELY),
    /** A file every 20 minutes. */
    TWENTY_MINUTELY(RollCycles.TWENTY_MINUTELY),
    /** A file every 30 minutes. */
    HALF_HOURLY(RollCycles.HALF_HOURLY),
    /** A file every hour. */
    FAST_HOURLY(RollCycles.FAST_HOURLY),
    /** A file every 2 hours. */
    TWO_HOURLY(RollCycles.TWO_HOURLY),
    /** A file every 4 hours. */
    FOUR_HOURLY(RollCycles.FOUR_HOURLY),
    /** A file every 6 hours. */
    SIX_HOURLY(RollCycles.SIX_HOURLY),
    /** A file a day (the default). */
    FAST_DAILY(RollCycles.FAST_DAILY),
    /** A file a week. */
    WEEKLY(RollCycles.WEEKLY),
    /** A file every second: for tests that roll. */
    TEST_SECONDLY(TestRollCycles.TEST_SECONDLY);

    private final RollCycle chronicle;

    JournalRollCycle(final RollCycle chronicle)
    {
        this.chronicle = chronicle;
    }

    RollCycle chronicle()
    {
        return chronicle;
    }
}
