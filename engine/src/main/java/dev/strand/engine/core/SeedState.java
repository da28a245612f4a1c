package dev.strand.engine.core;

import dev.strand.journal.ChainLink;
import dev.strand.journal.ClusterSeed;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import dev.strand.journal.LoadedSnapshot;
import dev.strand.journal.SnapshotStore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The state a cluster member seeded from a backup starts from when the cluster has no snapshot of its own
 * ({@link ClusterSeed}): the seed's snapshot, then the member's own journal up to the seed's position (no further:
 * what lies beyond it came from the cluster's log, which replays it). Refuses a journal that is not the seed's (its
 * chain hash at the seed's position differs), so a member cannot start from other data than its peers.
 */
public final class SeedState
{
    private SeedState()
    {
    }

    /**
     * @param seed         the seed file's contents.
     * @param journal      the member's journal, open.
     * @param snapshotsDir the data directory's {@code snapshots/}.
     * @return the state at {@code seed.position()}.
     * @throws IllegalStateException saying what does not match.
     */
    public static EngineState load(final ClusterSeed seed, final Journal journal, final Path snapshotsDir,
        final ModuleRegistry registry, final int windowCapacity)
    {
        if (journal.lastPosition() < seed.position())
        {
            throw new IllegalStateException("the cluster seed ends at position " + seed.position() +
                " but this member's journal ends at " + journal.lastPosition() + ": restore the backup again");
        }
        if (seed.position() > 0 && !seed.chainHash().isEmpty())
        {
            final ChainLink link = journal.chainLinkAt(seed.position());
            if (!link.found() || !link.hash().equals(seed.chainHash()))
            {
                throw new IllegalStateException("this member's journal is not the cluster seed's: its chain hash at " +
                    "position " + seed.position() + " is " + (link.found() ? link.hash() : "missing (" + link.problem() +
                    ")") + ", the seed's " + seed.chainHash());
            }
        }
        final EngineState state = EngineState.empty(registry, windowCapacity);
        if (seed.snapshotPosition() > 0)
        {
            final Optional<LoadedSnapshot<Long>> loaded = SnapshotStore.reading(snapshotsDir).loadNewest(
                info -> info.position() == seed.snapshotPosition() ? Recovery.refusal(journal, info) :
                    "not the seed's snapshot (position " + seed.snapshotPosition() + ")",
                (position, in) ->
                {
                    state.readSnapshot(position, in);
                    return position;
                });
            if (loaded.isEmpty())
            {
                throw new IllegalStateException("the cluster seed's snapshot at position " + seed.snapshotPosition() +
                    " is missing or damaged in " + snapshotsDir + ": restore the backup again");
            }
        }
        if (state.position() < seed.position())
        {
            try (JournalReader reader = journal.newReader())
            {
                if (!reader.seek(state.position() + 1))
                {
                    throw new IllegalStateException("cannot seek the journal to " + (state.position() + 1));
                }
                final EventRecord record = new EventRecord();
                while (state.position() < seed.position() && reader.next(record))
                {
                    state.apply(record);
                }
            }
        }
        return state;
    }
}
