package dev.strand.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * Resolves a roll cycle name to Chronicle's constant. Chronicle 2026.4 keeps the main cycles in
 * {@link RollCycles} and moved the test, large, sparse and legacy ones to {@code rollcycles.*} enums;
 * the name alone is unique across them.
 */
final class RollCycleNames
{
    private RollCycleNames()
    {
    }

    /**
     * @param name a constant name such as {@code FAST_DAILY} or {@code TEST_SECONDLY}.
     * @return the roll cycle, or null when no Chronicle roll cycle has that name.
     */
    static RollCycle resolve(final String name)
    {
        if (name == null)
        {
            return null;
        }
        for (final Class<? extends Enum<?>> type : TYPES)
        {
            for (final Enum<?> constant : type.getEnumConstants())
            {
                if (constant.name().equals(name))
                {
                    return (RollCycle)constant;
                }
            }
        }
        return null;
    }

    /**
     * @param rollCycle a Chronicle roll cycle.
     * @return its constant name.
     */
    static String nameOf(final RollCycle rollCycle)
    {
        return rollCycle instanceof Enum ? ((Enum<?>)rollCycle).name() : String.valueOf(rollCycle);
    }

    private static final java.util.List<Class<? extends Enum<?>>> TYPES = java.util.List.of(
        RollCycles.class, TestRollCycles.class, LargeRollCycles.class, SparseRollCycles.class, LegacyRollCycles.class);
}
