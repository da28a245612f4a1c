package dev.strand.engine.api;

import dev.strand.engine.core.ReplayRunner;
import dev.strand.engine.spi.AggregateModule;

import java.nio.file.Path;
import java.util.List;

/**
 * Replays a data directory's journal through module code in memory, writing nothing (safe beside a running server):
 * to try a new version of a module against real history before deploying it, and to see which aggregates it would
 * change. {@code strand replay} is its command line.
 */
public final class Replay
{
    private Replay()
    {
    }

    /**
     * What one replay rebuilt.
     *
     * @param position         the last position applied.
     * @param events           events applied.
     * @param aggregates       aggregates in the state.
     * @param stateHash        the state hash (16 hex digits), as {@code GET /admin/state-hash} gives it at that position
     *                         when the idempotency window is the server's.
     * @param nanos            how long it took.
     * @param snapshotPosition the snapshot it started from (0: from position 1).
     * @param notes            what it had to do that a reader should know (started from a snapshot, read the archive).
     */
    public record Result(long position, long events, int aggregates, String stateHash, long nanos,
        long snapshotPosition, List<String> notes)
    {
        /** Events applied per second. */
        public double eventsPerSecond()
        {
            return nanos == 0 ? 0 : events * 1e9 / nanos;
        }
    }

    /**
     * One aggregate whose state differs between the current code and the code replayed.
     *
     * @param aggregateId   the aggregate.
     * @param aggregateType its type.
     * @param current       its version and state with the current code ({@code absent} when it has none).
     * @param replayed      its version and state with the code replayed.
     */
    public record Difference(String aggregateId, String aggregateType, String current, String replayed)
    {
    }

    /**
     * How two replays of the same journal differ.
     *
     * @param compared  aggregates compared (in either state).
     * @param differing how many differ.
     * @param listed    the first of them by id.
     */
    public record Differences(int compared, int differing, List<Difference> listed)
    {
    }

    /**
     * Both replays of a comparison.
     *
     * @param current     the replay through the current code.
     * @param replayed    the replay through the code given.
     * @param differences where they differ.
     */
    public record Comparison(Result current, Result replayed, Differences differences)
    {
    }

    /**
     * @param dataDir        the data directory.
     * @param archiveDir     where retention archived cycle files (replayed first when they hold the journal's start).
     * @param modules        the modules to replay through.
     * @param toPosition     the last position to apply ({@link Long#MAX_VALUE}: the journal's end).
     * @param windowCapacity the idempotency window (the server's, so the state hash is comparable with its own).
     * @return what it rebuilt.
     * @throws IllegalArgumentException if {@code toPosition} is beyond the journal's end.
     * @throws IllegalStateException    if an event cannot be applied with the modules given (the message names it).
     */
    public static Result run(final Path dataDir, final Path archiveDir, final List<AggregateModule<?>> modules,
        final long toPosition, final int windowCapacity)
    {
        return result(ReplayRunner.replay(dataDir, archiveDir, modules, toPosition, windowCapacity));
    }

    /**
     * Replays through the current code and through the code given, and lists the aggregates whose state differs.
     *
     * @param current  the modules the server runs.
     * @param replayed the modules to try.
     * @param limit    the most differences to describe.
     * @return both results and the differences.
     */
    public static Comparison compare(final Path dataDir, final Path archiveDir, final List<AggregateModule<?>> current,
        final List<AggregateModule<?>> replayed, final long toPosition, final int windowCapacity, final int limit)
    {
        final ReplayRunner.Replayed a = ReplayRunner.replay(dataDir, archiveDir, current, toPosition, windowCapacity);
        final ReplayRunner.Replayed b = ReplayRunner.replay(dataDir, archiveDir, replayed, a.state().position(),
            windowCapacity);
        return new Comparison(result(a), result(b), ReplayRunner.compare(a, b, limit));
    }

    private static Result result(final ReplayRunner.Replayed r)
    {
        return new Result(r.state().position(), r.events(), r.state().aggregateCount(),
            new StateHash(r.state().position(), r.state().hash()).hex(), r.nanos(), r.snapshotPosition(), r.notes());
    }
}
