package dev.strand.engine.core;

import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Rejection;

import java.util.List;

/**
 * What executing one command came to, as a value: the engine core returns one per command and the drivers answer
 * from it. No {@code null} and no sentinel stands for any of these.
 */
public sealed interface Outcome permits Outcome.Accepted, Outcome.Rejected, Outcome.Replayed, Outcome.Staged
{
    /**
     * Journaled and applied.
     *
     * @param position the position of the command's last event (the journal's position before it when the command
     *                 emitted nothing).
     * @param events   the events, in position order.
     */
    record Accepted(long position, List<RecordedEvent> events) implements Outcome
    {
    }

    /**
     * Not applied, for the reason given; nothing was journaled for it.
     *
     * @param rejection why.
     */
    record Rejected(Rejection rejection) implements Outcome
    {
    }

    /**
     * The same command was accepted earlier with this id: its original result stands, nothing new was journaled.
     *
     * @param firstPosition the position of the original command's first event; its events are read back from there.
     */
    record Replayed(long firstPosition) implements Outcome
    {
    }

    /**
     * Decided into a {@link UnitOfWork}, its events pending there: what staging answers before the unit is journaled.
     * It never leaves the core; the unit's commit turns it into {@link Accepted}.
     *
     * @param firstEvent the index of its first pending event in the unit.
     * @param eventCount how many events it emitted.
     */
    record Staged(int firstEvent, int eventCount) implements Outcome
    {
    }
}
