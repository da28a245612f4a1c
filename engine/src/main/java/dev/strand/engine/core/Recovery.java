package dev.strand.engine.core;

import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import dev.strand.journal.LoadedSnapshot;
import dev.strand.journal.SnapshotStore;

import java.io.IOException;
import java.util.Optional;

/**
 * Rebuilds the writer's state at start: the newest valid snapshot at or below the journal's end (older ones when it
 * does not read back), then every journaled event after it. The journal itself was recovered when it opened (torn
 * tail dropped, mid-log damage refused).
 */
final class Recovery
{
    /**
     * What recovery found.
     *
     * @param state            the recovered writer state, at the journal's last position.
     * @param snapshotPosition the position of the snapshot loaded, 0 when none.
     * @param replayedEvents   events replayed after it.
     * @param replayNanos      time spent loading and replaying.
     */
    record Recovered(EngineState state, long snapshotPosition, long replayedEvents, long replayNanos)
    {
    }

    private Recovery()
    {
    }

    static Recovered recover(
        final Journal journal,
        final SnapshotStore snapshots,
        final ModuleRegistry registry,
        final int windowCapacity)
    {
        final long start = System.nanoTime();
        final EngineState state = new EngineState(
            registry, new org.agrona.collections.Object2ObjectHashMap<>(), windowCapacity);
        final long snapshotPosition = loadSnapshot(journal, snapshots, state);
        final long replayed = replay(journal, state);
        return new Recovered(state, snapshotPosition, replayed, System.nanoTime() - start);
    }

    /** Loads the newest valid snapshot at or below the journal's end into {@code state}; returns its position. */
    private static long loadSnapshot(final Journal journal, final SnapshotStore snapshots, final EngineState state)
    {
        final long journalEnd = journal.lastPosition();
        final Optional<LoadedSnapshot<Long>> loaded = snapshots.loadNewest((position, in) ->
        {
            if (position > journalEnd)
            {
                throw new IOException("snapshot at position " + position + " is ahead of the journal, which ends at " +
                    journalEnd + ": the journal lost events the snapshot saw");
            }
            state.readSnapshot(position, in);
            return position;
        });
        return loaded.map(LoadedSnapshot::value).orElse(0L);
    }

    /** Replays the journal after the state's position into it; returns the number of events applied. */
    private static long replay(final Journal journal, final EngineState state)
    {
        long count = 0;
        try (JournalReader reader = journal.newReader())
        {
            if (!reader.seek(state.position() + 1))
            {
                throw new IllegalStateException("cannot seek the journal to " + (state.position() + 1));
            }
            final EventRecord record = new EventRecord();
            while (reader.next(record))
            {
                state.apply(record);
                count++;
            }
        }
        if (state.position() != journal.lastPosition())
        {
            throw new IllegalStateException("replay ended at " + state.position() + " but the journal ends at " +
                journal.lastPosition());
        }
        return count;
    }
}
