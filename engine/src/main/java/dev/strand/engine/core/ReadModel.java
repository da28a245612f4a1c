package dev.strand.engine.core;

import dev.strand.engine.api.AggregateView;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The query side: its own copy of every aggregate, built by following the journal on thread {@code read-model}.
 * Queries read its concurrent map and never the writer's state. It publishes the position it has applied, and
 * completes read-your-writes waiters when that position is reached. It also keeps, per aggregate, the position of
 * each version (8 bytes per event) to page through an aggregate's events.
 */
final class ReadModel extends JournalFollower
{
    private final ReadModelStore aggregates = new ReadModelStore();
    private final EngineState state;
    private final ConcurrentLinkedQueue<Waiter> newWaiters = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.position, b.position));
    private volatile long appliedPosition;

    /** The read model keeps no idempotency window (capacity 0): queries never need it, and it costs a map per event. */
    ReadModel(final Journal journal, final ModuleRegistry registry)
    {
        super("read-model", journal);
        this.state = new EngineState(registry, aggregates, 0);
    }

    EngineState state()
    {
        return state;
    }

    /**
     * Prepares the replica before {@link #start}: the snapshot (if any) was loaded into {@link #state()}; the
     * version index is rebuilt from the journal headers up to the snapshot's position (no decoding, no evolve), from
     * the journal's first position (events before it were archived: the index of an aggregate then starts at a later
     * version).
     */
    void indexUpTo(final long position)
    {
        if (position >= journal.firstPosition())
        {
            try (var reader = journal.newReader())
            {
                final EventRecord record = new EventRecord();
                reader.seek(journal.firstPosition());
                while (reader.nextPosition() <= position && reader.next(record))
                {
                    index(record);
                }
            }
        }
        if (journal.firstPosition() > 1)
        {
            aggregates.markUnindexed();
        }
        appliedPosition = state.position();
    }

    private void index(final EventRecord record)
    {
        final ReadModelStore.Holder holder = aggregates.holder(record.aggregateId());
        if (holder.positions.size() == 0)
        {
            holder.firstVersion = record.version();
        }
        holder.positions.add(record.position());
    }

    @Override
    protected void onRecord(final EventRecord record)
    {
        state.apply(record);
        index(record);
        appliedPosition = record.position();
    }

    @Override
    protected int doIdleWork()
    {
        int work = 0;
        Waiter w;
        while ((w = newWaiters.poll()) != null)
        {
            waiters.add(w);
            work++;
        }
        final long applied = appliedPosition;
        while (!waiters.isEmpty() && waiters.peek().position <= applied)
        {
            waiters.poll().future.complete(applied);
            work++;
        }
        return work;
    }

    @Override
    protected void onFailure(final Throwable t)
    {
        Waiter w;
        while ((w = newWaiters.poll()) != null)
        {
            w.future.completeExceptionally(t);
        }
        while ((w = waiters.poll()) != null)
        {
            w.future.completeExceptionally(t);
        }
    }

    long appliedPosition()
    {
        return appliedPosition;
    }

    CompletableFuture<Long> await(final long position)
    {
        final long applied = appliedPosition;
        if (position <= applied)
        {
            return CompletableFuture.completedFuture(applied);
        }
        final Waiter waiter = new Waiter(position, new CompletableFuture<>());
        newWaiters.add(waiter);
        return waiter.future;
    }

    AggregateView view(final String aggregateId)
    {
        final ReadModelStore.Holder holder = aggregates.find(aggregateId);
        final AggregateEntry entry = holder == null ? null : holder.entry;
        return entry == null ? null : new AggregateView(aggregateId, entry.module(), entry.version(), entry.lastPosition(), entry.state());
    }

    /** Any thread: whether the read model knows the aggregate (it may trail the writer by a few events). */
    boolean contains(final String aggregateId)
    {
        return aggregates.find(aggregateId) != null;
    }

    /** The positions of an aggregate's events (index = version - {@link #firstVersion}), or null. */
    LongIndex positions(final String aggregateId)
    {
        final ReadModelStore.Holder holder = aggregates.find(aggregateId);
        return holder == null ? null : holder.positions;
    }

    /** The version of an aggregate's first indexed event: 1, or more when older events were archived. */
    long firstVersion(final String aggregateId)
    {
        final ReadModelStore.Holder holder = aggregates.find(aggregateId);
        return holder == null ? 1 : holder.firstVersion;
    }

    private record Waiter(long position, CompletableFuture<Long> future)
    {
    }
}
