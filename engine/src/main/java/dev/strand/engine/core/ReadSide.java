package dev.strand.engine.core;

import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.ProjectionException;
import dev.strand.engine.api.ProjectionRow;
import dev.strand.engine.api.ProjectionStatus;
import dev.strand.engine.api.RebuildResult;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.EventPage;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.journal.Journal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everything a node serves from its own journal, whoever writes it (the single node's driver, or a cluster member's
 * service): the {@link ReadModel} following the journal, the {@link JournalQueries} over it and the
 * {@link SubscriptionHub}. Seed it with a copy of the writer's state as recovered, then start it; it never touches
 * the writer's state again. Thread-safe after {@link #start}.
 */
public final class ReadSide implements AutoCloseable
{
    private final Journal journal;
    private final ReadModel readModel;
    private final JournalQueries queries;
    private final SubscriptionHub hub;
    private final ProjectionRunner projections;
    private volatile boolean started;

    /** A read side without projections. */
    public ReadSide(final Journal journal, final ModuleRegistry registry, final int liveBufferEvents)
    {
        this(journal, registry, liveBufferEvents, ProjectionRunner.Settings.none());
    }

    /**
     * A read side with the configuration's projections, checkpointed under {@link EngineConfig#projectionDir()} at
     * the engine's snapshot cadence ({@code snapshot-every-events}, {@code snapshots-kept}).
     */
    public ReadSide(final Journal journal, final ModuleRegistry registry, final EngineConfig config)
    {
        this(journal, registry, config.liveBufferEvents(), new ProjectionRunner.Settings(config.projections(),
            config.projectionDir(), config.snapshotsKept(), config.snapshotEveryEvents()));
    }

    private ReadSide(final Journal journal, final ModuleRegistry registry, final int liveBufferEvents,
        final ProjectionRunner.Settings settings)
    {
        this.journal = journal;
        this.readModel = new ReadModel(journal, registry);
        this.queries = new JournalQueries(journal, readModel, registry);
        this.hub = new SubscriptionHub(journal, registry, liveBufferEvents);
        this.projections = new ProjectionRunner(journal, registry, settings);
    }

    /**
     * Before {@link #start}, on the thread that owns {@code recovered}: the read model becomes a copy of it (entries are
     * immutable, so the copy is cheap) and its version index is rebuilt from the journal up to its position. Without
     * a seed the read model replays the journal from its start.
     */
    public void seed(final EngineState recovered)
    {
        recovered.copyTo(readModel.state());
        readModel.indexUpTo(readModel.state().position());
    }

    /** Called on the read model's thread if it stops on an exception (replicas disagree: a broken invariant). */
    public void onStopped(final Consumer<Throwable> listener)
    {
        readModel.onStopped(listener);
    }

    /**
     * Starts following the journal after the seeded position, the subscription hub at the journal's end, and the
     * projections each after its checkpoint.
     */
    public void start()
    {
        readModel.start(readModel.state().position() + 1);
        hub.start();
        projections.recover();
        projections.start();
        started = true;
    }

    public boolean started()
    {
        return started;
    }

    /** Last position the read model has applied. */
    public long appliedPosition()
    {
        return readModel.appliedPosition();
    }

    /**
     * The position retention must not archive beyond: what the read model has applied, or less when a projection or a
     * projection's rebuild is further behind.
     */
    public long retentionBound()
    {
        return Math.min(readModel.appliedPosition(), projections.neededPosition());
    }

    /** Completes when the read model has applied {@code position}, with the applied position; or times out. */
    public CompletableFuture<Long> await(final long position, final Duration timeout)
    {
        return readModel.await(position).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public Optional<AggregateView> aggregate(final String aggregateId)
    {
        return Optional.ofNullable(readModel.view(aggregateId));
    }

    /** Whether the read model knows the aggregate (it may trail the journal by a few events). */
    public boolean contains(final String aggregateId)
    {
        return readModel.contains(aggregateId);
    }

    public Optional<AggregateView> aggregateAt(final String aggregateId, final long atVersion, final long atPosition)
    {
        return queries.aggregateAt(aggregateId, atVersion, atPosition);
    }

    public EventPage aggregateEvents(final String aggregateId, final long fromVersion, final int limit)
    {
        return queries.aggregateEvents(aggregateId, fromVersion, limit);
    }

    public EventPage readEvents(final long fromPosition, final int limit, final EventFilter filter, final int maxScan)
    {
        return queries.readEvents(fromPosition, limit, filter, maxScan);
    }

    public Subscription subscribe(final long fromPosition, final EventFilter filter, final SubscriptionSink sink)
    {
        return hub.subscribe(fromPosition, filter, sink);
    }

    public int subscriptions()
    {
        return hub.subscriptions();
    }

    /** Hash of the read model's aggregates, for tests that compare replicas (call when it has caught up). */
    public long aggregatesHash()
    {
        return readModel.state().aggregatesHash();
    }

    /**
     * Checks that the modules of {@code registry} register every event record {@code projection} folds.
     *
     * @throws IllegalArgumentException naming the first that is not.
     */
    public static void checkProjection(final ModuleRegistry registry, final dev.strand.engine.spi.Projection<?> projection)
    {
        ProjectionRunner.handlers(registry, projection);
    }

    /** Every projection, in name order. */
    public List<ProjectionStatus> projections()
    {
        return projections.statuses();
    }

    public Optional<ProjectionStatus> projection(final String name)
    {
        return projections.status(name);
    }

    /** @throws ProjectionException NOT_FOUND when there is no projection of that name. */
    public Optional<ProjectionRow> projectionRow(final String name, final String key)
    {
        return projections.row(name, key);
    }

    public CompletableFuture<RebuildResult> rebuildProjection(final String name, final boolean dryRun)
    {
        return projections.rebuild(name, dryRun);
    }

    /** The journal it reads. */
    public Journal journal()
    {
        return journal;
    }

    /**
     * Closes the subscriptions (sinks told), stops the projections (each writing its checkpoint) and the read model,
     * releases the query readers.
     */
    @Override
    public void close()
    {
        hub.close();
        projections.close();
        readModel.stop();
        queries.close();
    }
}
