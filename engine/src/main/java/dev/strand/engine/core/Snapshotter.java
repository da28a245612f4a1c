package dev.strand.engine.core;

import dev.strand.engine.api.SnapshotSummary;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.SnapshotInfo;
import dev.strand.journal.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Takes snapshots off the write path: keeps its own replica of the engine state by following the journal on thread
 * {@code snapshotter}, and writes it when due (every N events, every T seconds, on request, at shutdown). The
 * writer never pauses for a snapshot; the cost is a third copy of the state in memory. It follows lazily: it reads
 * the journal only when a snapshot is due or requested, then catches up (at several million events per second) and
 * writes; between snapshots it costs no CPU, which matters on 2 cores.
 *
 * <p>A snapshot is taken only at the end of a commit, and records the journal's chain hash there (the chain hash of
 * that commit, as the replica read it), so recovery can refuse a snapshot that does not summarize the journal it is
 * loaded with.
 */
final class Snapshotter extends JournalFollower
{
    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

    private final EngineState state;
    private final SnapshotStore store;
    private final Counters counters;
    private final long everyEvents;
    private final long everyNanos;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final List<Request> waiting = new ArrayList<>();
    private long lastSnapshotPosition;
    private long lastSnapshotNanos = System.nanoTime();
    /** Whether the replica's position is the last of a commit (snapshots are taken only there). */
    private boolean atCommitEnd = true;
    /** The chain hash at the replica's position, when that commit carries one. */
    private final byte[] chainHash = new byte[32];
    private boolean chained;
    private volatile Runnable onSnapshot = () -> { };

    Snapshotter(
        final Journal journal,
        final ModuleRegistry registry,
        final int windowCapacity,
        final SnapshotStore store,
        final Counters counters,
        final long everyEvents,
        final long everySeconds)
    {
        super("snapshotter", journal);
        this.state = new EngineState(registry, new org.agrona.collections.Object2ObjectHashMap<>(), windowCapacity);
        this.store = store;
        this.counters = counters;
        this.everyEvents = everyEvents;
        this.everyNanos = TimeUnit.SECONDS.toNanos(everySeconds);
    }

    EngineState state()
    {
        return state;
    }

    void loadedFrom(final long position)
    {
        lastSnapshotPosition = position;
    }

    /** Called on this thread after each snapshot written to the live store (retention's bound may have moved). */
    void onSnapshot(final Runnable listener)
    {
        onSnapshot = listener;
    }

    /** Before start: the chain hash of the commit ending at the replica's starting position (64 hex digits), or null. */
    void startsAtChainHash(final String hash)
    {
        chained = hash != null;
        if (chained)
        {
            System.arraycopy(java.util.HexFormat.of().parseHex(hash), 0, chainHash, 0, chainHash.length);
        }
    }

    @Override
    protected boolean wantsRecords()
    {
        if (!waiting.isEmpty() || !requests.isEmpty())
        {
            return true;
        }
        return everyEvents > 0 && journal.lastPosition() - lastSnapshotPosition >= everyEvents;
    }

    @Override
    protected void onRecord(final EventRecord record)
    {
        state.apply(record);
        atCommitEnd = record.position() == record.commitLastPosition();
        if (!atCommitEnd)
        {
            return;
        }
        chained = record.hasChainHash();
        if (chained)
        {
            record.chainHash(chainHash);
        }
        if (everyEvents > 0 && state.position() - lastSnapshotPosition >= everyEvents)
        {
            writeQuietly("every " + everyEvents + " events");
        }
    }

    @Override
    protected int doIdleWork()
    {
        int work = 0;
        Request r;
        while ((r = requests.poll()) != null)
        {
            waiting.add(r);
        }
        if (!atCommitEnd)
        {
            return work;
        }
        final long applied = state.position();
        for (final Iterator<Request> it = waiting.iterator(); it.hasNext(); )
        {
            final Request request = it.next();
            if (request.minPosition <= applied)
            {
                it.remove();
                try
                {
                    if (request.into == null)
                    {
                        request.future.complete(write(request.reason));
                    }
                    else
                    {
                        request.backup.complete(writeInto(request.into));
                    }
                }
                catch (final RuntimeException ex)
                {
                    request.fail(ex);
                }
                work++;
            }
        }
        if (everyNanos > 0 && waiting.isEmpty() && journal.lastPosition() > lastSnapshotPosition &&
            System.nanoTime() - lastSnapshotNanos >= everyNanos)
        {
            final Request timed = new Request(journal.lastPosition(), "every " + TimeUnit.NANOSECONDS.toSeconds(everyNanos) + " s",
                null, new CompletableFuture<>(), null);
            timed.future.whenComplete((summary, failure) -> lastSnapshotNanos = System.nanoTime());
            waiting.add(timed);
            work++;
        }
        return work;
    }

    @Override
    protected void onFailure(final Throwable t)
    {
        Request r;
        while ((r = requests.poll()) != null)
        {
            r.fail(t);
        }
        for (final Request request : waiting)
        {
            request.fail(t);
        }
        waiting.clear();
    }

    /** A snapshot once the replica has applied at least {@code minPosition}. */
    CompletableFuture<SnapshotSummary> request(final long minPosition, final String reason)
    {
        final Throwable failed = failure();
        if (failed != null)
        {
            return CompletableFuture.failedFuture(failed);
        }
        final Request request = new Request(minPosition, reason, null, new CompletableFuture<>(), null);
        requests.add(request);
        return request.future;
    }

    /**
     * A snapshot written into another store (a backup's) once the replica has applied at least {@code minPosition}, at
     * a commit's end, with the state hash there. The live store, the snapshot counters and the schedule are untouched.
     */
    CompletableFuture<Taken> snapshotInto(final long minPosition, final SnapshotStore into)
    {
        final Throwable failed = failure();
        if (failed != null)
        {
            return CompletableFuture.failedFuture(failed);
        }
        final Request request = new Request(minPosition, "backup", into, null, new CompletableFuture<>());
        requests.add(request);
        return request.backup;
    }

    /**
     * A snapshot written into another store.
     *
     * @param info      the snapshot file.
     * @param stateHash the replica's state hash at its position.
     */
    record Taken(SnapshotInfo info, long stateHash)
    {
    }

    private Taken writeInto(final SnapshotStore into)
    {
        try
        {
            final SnapshotInfo info = into.write(state.position(),
                chained ? java.util.HexFormat.of().formatHex(chainHash) : null, state::writeSnapshot);
            return new Taken(info, state.hash());
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** A scheduled snapshot: a failure is logged (by write) and retried at the next trigger. */
    private void writeQuietly(final String reason)
    {
        try
        {
            write(reason);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            lastSnapshotPosition = state.position();
        }
    }

    private SnapshotSummary write(final String reason)
    {
        final long start = System.nanoTime();
        try
        {
            final SnapshotInfo info = store.write(state.position(),
                chained ? java.util.HexFormat.of().formatHex(chainHash) : null, state::writeSnapshot);
            final long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            lastSnapshotPosition = info.position();
            lastSnapshotNanos = System.nanoTime();
            counters.snapshotsTaken.incrementAndGet();
            counters.lastSnapshotEpochMillis = info.createdAtEpochMillis();
            counters.lastSnapshotDurationMicros = micros;
            counters.lastSnapshotPosition = info.position();
            LOG.info("snapshot at position {} ({} bytes, {} aggregates) written in {} ms ({})",
                info.position(), info.sizeBytes(), state.aggregateCount(), micros / 1000, reason);
            onSnapshot.run();
            return new SnapshotSummary(info.file().getFileName().toString(), info.position(), info.sizeBytes(),
                info.createdAtEpochMillis(), micros);
        }
        catch (final java.io.IOException ex)
        {
            lastSnapshotNanos = System.nanoTime();
            LOG.error("snapshot at position {} failed ({}): {}", state.position(), reason, ex.toString());
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** A snapshot asked for: into the live store ({@code future}) or into another one ({@code into}, {@code backup}). */
    private record Request(long minPosition, String reason, SnapshotStore into, CompletableFuture<SnapshotSummary> future,
        CompletableFuture<Taken> backup)
    {
        void fail(final Throwable t)
        {
            if (future != null)
            {
                future.completeExceptionally(t);
            }
            if (backup != null)
            {
                backup.completeExceptionally(t);
            }
        }
    }
}
