package dev.strand.engine.core;

import dev.strand.journal.ChainLink;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import dev.strand.journal.LoadedSnapshot;
import dev.strand.journal.SnapshotInfo;
import dev.strand.journal.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Rebuilds the writer's state at start: the newest valid snapshot at or below the journal's end whose chain hash is
 * the journal's at its position (older ones when it does not read back or does not match), then every journaled event
 * after it. The journal itself was recovered when it opened (torn tail dropped, mid-log damage and a broken hash chain
 * refused).
 */
final class Recovery
{
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

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
        final Optional<LoadedSnapshot<Long>> loaded = snapshots.loadNewest(info -> refusal(journal, info),
            (position, in) ->
            {
                state.readSnapshot(position, in);
                return position;
            });
        final List<String> skipped = loaded.map(LoadedSnapshot::skipped).orElseGet(() ->
            snapshots.list().stream().map(info -> info.file().getFileName().toString()).toList());
        if (!skipped.isEmpty())
        {
            LOG.warn("recovery: {} newer snapshot(s) not used ({}); recovering from {}", skipped.size(),
                String.join("; ", skipped), loaded.isPresent() ? "the snapshot at position " +
                    loaded.get().info().position() + " and the journal after it" : "the journal alone (a full replay)");
        }
        if (loaded.isEmpty() && journal.firstPosition() > 1)
        {
            throw new IllegalStateException("the journal starts at position " + journal.firstPosition() +
                " (retention moved the cycle files before it out) and no snapshot at or after position " +
                (journal.firstPosition() - 1) + " can be used" + (skipped.isEmpty() ? "" : " (" +
                String.join("; ", skipped) + ")") + ": the state cannot be rebuilt from the journal alone; restore a " +
                "backup, or put the archived cycle files back into the journal directory and remove its archived.strand");
        }
        return loaded.map(LoadedSnapshot::value).orElse(0L);
    }

    /**
     * Why a snapshot must not be used with this journal, or null: it is ahead of the journal, or its chain hash is not
     * the journal's at its position (it does not summarize the history it claims to). A snapshot written before the
     * hash chain (container format 1) records none and is used as before.
     */
    static String refusal(final Journal journal, final SnapshotInfo info)
    {
        final long journalEnd = journal.lastPosition();
        if (info.position() > journalEnd)
        {
            return "snapshot at position " + info.position() + " is ahead of the journal, which ends at " + journalEnd +
                ": the journal lost events the snapshot saw";
        }
        if (info.position() < journal.firstPosition() - 1)
        {
            return "snapshot at position " + info.position() + " is older than the journal's first position " +
                journal.firstPosition() + ": the events after it were archived";
        }
        if (info.position() == 0 || info.formatVersion() == SnapshotStore.FORMAT_VERSION_1)
        {
            return null;
        }
        final ChainLink link = journal.chainLinkAt(info.position());
        if (info.chainHash() == null)
        {
            return link.found() ? "it records no chain hash, but the journal has " + link.hash() + " at position " +
                info.position() : null;
        }
        if (!link.found())
        {
            return "it records chain hash " + info.chainHash() + " at position " + info.position() +
                ", but the journal has none there: " + link.problem();
        }
        if (!link.hash().equals(info.chainHash()))
        {
            return "its chain hash at position " + info.position() + " is " + info.chainHash() + ", the journal's is " +
                link.hash() + ": the snapshot does not summarize this journal";
        }
        return null;
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
