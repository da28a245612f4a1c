package dev.strand.journal;

import net.openhft.chronicle.queue.RollCycle;

/**
 * Names a Chronicle roll cycle, for reports of the cycle in effect (an existing queue may carry one that
 * {@link JournalRollCycle} does not offer for new journals).
 */
final class RollCycleNames
{
    private RollCycleNames()
    {
    }

    /**
     * @param rollCycle a Chronicle roll cycle.
     * @return its constant name.
     */
    static String nameOf(final RollCycle rollCycle)
    {
        return rollCycle instanceof Enum ? ((Enum<?>)rollCycle).name() : String.valueOf(rollCycle);
    }
}
