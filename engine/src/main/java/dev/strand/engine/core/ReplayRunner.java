package dev.strand.engine.core;

import dev.strand.engine.api.Replay;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.MapFieldWriter;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalArchive;
import dev.strand.journal.JournalBackup;
import dev.strand.journal.JournalReader;
import dev.strand.journal.LoadedSnapshot;
import dev.strand.journal.SnapshotStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds an engine state from a data directory's journal in memory, through the modules given, writing nothing
 * ({@link Replay}): the journal is opened as the dump tool opens it (no lock, no side file), so it runs beside a
 * server. From position 1 when the journal holds it, or when the archive holds what retention moved out (the archived
 * cycle files are replayed first); else from the newest snapshot the journal can continue (then the state before it is
 * what the code that wrote the snapshot made of it, and the result says so).
 */
public final class ReplayRunner
{
    private ReplayRunner()
    {
    }

    /**
     * @param dataDir          the data directory.
     * @param archiveDir       its archive directory.
     * @param modules          the module code to replay through.
     * @param toPosition       the last position to apply ({@link Long#MAX_VALUE}: the journal's end).
     * @param windowCapacity   the idempotency window (the server's, for its state hash to match).
     * @return the state rebuilt, with what it cost.
     */
    public static Replayed replay(final Path dataDir, final Path archiveDir, final List<AggregateModule<?>> modules,
        final long toPosition, final int windowCapacity)
    {
        final long start = System.nanoTime();
        final EngineState state = EngineState.empty(new ModuleRegistry(modules), windowCapacity);
        final List<String> notes = new ArrayList<>();
        long events = 0;
        try (Journal journal = Journal.openReadOnly(dataDir.resolve(JournalBackup.JOURNAL)))
        {
            final long end = Math.min(toPosition, journal.lastPosition());
            if (toPosition != Long.MAX_VALUE && toPosition > journal.lastPosition())
            {
                throw new IllegalArgumentException("--to " + toPosition + " is beyond the journal's end, position " +
                    journal.lastPosition());
            }
            final long first = journal.firstPosition();
            long snapshotPosition = 0;
            if (first > 1)
            {
                if (archiveCovers(archiveDir, dataDir))
                {
                    try (Journal archived = Journal.openReadOnly(archiveDir))
                    {
                        events += apply(archived, state, 1, Math.min(end, first - 1));
                    }
                    notes.add("positions 1.." + (first - 1) + " replayed from the archive " + archiveDir);
                }
                else
                {
                    snapshotPosition = loadSnapshot(dataDir, journal, state, first - 1);
                    notes.add("positions 1.." + snapshotPosition + " are archived and not all in " + archiveDir +
                        ": started from the snapshot at position " + snapshotPosition + " (the state before it is what " +
                        "the code that wrote the snapshot made of it)");
                }
            }
            if (end >= state.position() + 1)
            {
                events += apply(journal, state, state.position() + 1, end);
            }
            return new Replayed(state, events, System.nanoTime() - start, snapshotPosition, List.copyOf(notes));
        }
    }

    /**
     * The aggregates whose state, version or module differs between two replays, sorted by id, at most {@code limit}
     * described; and how many differ in all.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Replay.Differences compare(final Replayed current, final Replayed replayed, final int limit)
    {
        final Map<String, AggregateEntry> a = current.state().aggregates();
        final Map<String, AggregateEntry> b = replayed.state().aggregates();
        final java.util.TreeSet<String> ids = new java.util.TreeSet<>(a.keySet());
        ids.addAll(b.keySet());
        final BinaryFieldWriter left = new BinaryFieldWriter();
        final BinaryFieldWriter right = new BinaryFieldWriter();
        final List<Replay.Difference> listed = new ArrayList<>();
        int differing = 0;
        for (final String id : ids)
        {
            final AggregateEntry x = a.get(id);
            final AggregateEntry y = b.get(id);
            boolean same = x != null && y != null && x.version() == y.version() &&
                x.module().aggregateType().equals(y.module().aggregateType());
            if (same)
            {
                left.reset();
                right.reset();
                ((AggregateModule)x.module()).writeState(x.state(), left);
                ((AggregateModule)y.module()).writeState(y.state(), right);
                same = sameBytes(left, right);
            }
            if (!same)
            {
                differing++;
                if (listed.size() < limit)
                {
                    listed.add(new Replay.Difference(id, x != null ? x.module().aggregateType() : y.module().aggregateType(),
                        describe(x), describe(y)));
                }
            }
        }
        return new Replay.Differences(ids.size(), differing, List.copyOf(listed));
    }

    private static boolean sameBytes(final BinaryFieldWriter left, final BinaryFieldWriter right)
    {
        if (left.length() != right.length())
        {
            return false;
        }
        for (int i = 0; i < left.length(); i++)
        {
            if (left.buffer().getByte(i) != right.buffer().getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /** A replayed state and what rebuilding it cost. */
    public record Replayed(EngineState state, long events, long nanos, long snapshotPosition, List<String> notes)
    {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String describe(final AggregateEntry entry)
    {
        if (entry == null)
        {
            return "absent";
        }
        final MapFieldWriter fields = new MapFieldWriter();
        ((AggregateModule)entry.module()).writeState(entry.state(), fields);
        return "v" + entry.version() + " " + fields.fields();
    }

    private static long apply(final Journal journal, final EngineState state, final long from, final long to)
    {
        long count = 0;
        try (JournalReader reader = journal.newReader())
        {
            if (!reader.seek(from))
            {
                throw new IllegalStateException("cannot read the journal from position " + from);
            }
            final EventRecord record = new EventRecord();
            while (state.position() < to && reader.next(record))
            {
                try
                {
                    state.apply(record);
                }
                catch (final RuntimeException ex)
                {
                    throw new IllegalStateException("the event at position " + record.position() + " (" +
                        record.aggregateType() + "/" + record.aggregateId() + " " + record.eventType() +
                        ") cannot be applied with the modules given: " + ex.getMessage(), ex);
                }
                count++;
            }
        }
        if (state.position() < to)
        {
            throw new IllegalStateException("the journal ends at position " + state.position() + ", before " + to);
        }
        return count;
    }

    private static boolean archiveCovers(final Path archiveDir, final Path dataDir)
    {
        if (!Files.isDirectory(archiveDir))
        {
            return false;
        }
        return JournalArchive.coversFromStart(archiveDir) &&
            JournalArchive.verify(archiveDir, dataDir.resolve(JournalBackup.JOURNAL)) == null;
    }

    private static long loadSnapshot(final Path dataDir, final Journal journal, final EngineState state,
        final long atLeast)
    {
        final SnapshotStore store = SnapshotStore.reading(dataDir.resolve(JournalBackup.SNAPSHOTS));
        final Optional<LoadedSnapshot<Long>> loaded = store.loadNewest(info ->
        {
            final String refusal = Recovery.refusal(journal, info);
            return refusal != null ? refusal : info.position() < atLeast ? "older than the journal's first position" : null;
        }, (position, in) ->
        {
            try
            {
                state.readSnapshot(position, in);
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IOException("the modules given cannot read it: " + ex.getMessage(), ex);
            }
            return position;
        });
        return loaded.map(LoadedSnapshot::value).orElseThrow(() -> new IllegalStateException("the journal starts at " +
            "position " + journal.firstPosition() + ", the archive does not hold the positions before it, and no " +
            "snapshot at or after position " + atLeast + " loads with the modules given: nothing to replay from"));
    }
}
