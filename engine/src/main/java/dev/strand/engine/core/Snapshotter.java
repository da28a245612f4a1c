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
        final long applied = state.position();
        for (final Iterator<Request> it = waiting.iterator(); it.hasNext(); )
        {
            final Request request = it.next();
            if (request.minPosition <= applied)
            {
                it.remove();
                try
                {
                    request.future.complete(write(request.reason));
                }
                catch (final RuntimeException ex)
                {
                    request.future.completeExceptionally(ex);
                }
                work++;
            }
        }
        if (everyNanos > 0 && waiting.isEmpty() && journal.lastPosition() > lastSnapshotPosition &&
            System.nanoTime() - lastSnapshotNanos >= everyNanos)
        {
            final Request timed = new Request(journal.lastPosition(), "every " + TimeUnit.NANOSECONDS.toSeconds(everyNanos) + " s",
                new CompletableFuture<>());
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
            r.future.completeExceptionally(t);
        }
        for (final Request request : waiting)
        {
            request.future.completeExceptionally(t);
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
        final Request request = new Request(minPosition, reason, new CompletableFuture<>());
        requests.add(request);
        return request.future;
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
            final SnapshotInfo info = store.write(state.position(), state::writeSnapshot);
            final long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            lastSnapshotPosition = info.position();
            lastSnapshotNanos = System.nanoTime();
            counters.snapshotsTaken.incrementAndGet();
            counters.lastSnapshotEpochMillis = info.createdAtEpochMillis();
            counters.lastSnapshotDurationMicros = micros;
            counters.lastSnapshotPosition = info.position();
            LOG.info("snapshot at position {} ({} bytes, {} aggregates) written in {} ms ({})",
                info.position(), info.sizeBytes(), state.aggregateCount(), micros / 1000, reason);
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

    private record Request(long minPosition, String reason, CompletableFuture<SnapshotSummary> future)
    {
    }
}
