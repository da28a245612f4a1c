package dev.strand.engine.core;

import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.BatchCallback;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.engine.api.EngineStatus;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.EventPage;
import dev.strand.engine.api.OutOfMemoryPolicy;
import dev.strand.engine.api.SnapshotSummary;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.engine.spi.FieldReader;
import dev.strand.journal.Durability;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalLockedException;
import dev.strand.journal.SnapshotInfo;
import dev.strand.journal.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The engine, wired: the journal (whose lock is the data directory's), {@link Recovery}, the {@link EngineCore} run
 * by the {@link DisruptorDriver} on the ring, {@link CommandIngress}, the read model and its
 * {@link JournalQueries}, the snapshotter and the subscription hub. Start with {@link Engine#start}.
 *
 * <p>Threads: {@code engine-logic} (the driver: decides, journals, answers; every {@link CommandCallback} and
 * {@link BatchCallback} runs on it, so callbacks must not block), {@code read-model}, {@code snapshotter},
 * {@code subscriptions} (subscription sinks run on it), {@code projections} (every projection, when there is one),
 * and the journal's {@code journal-preallocator}.
 */
public final class StrandEngine implements Engine
{
    private static final Logger LOG = LoggerFactory.getLogger(StrandEngine.class);
    /** Longest wait for the snapshotter to catch up and write a backup's snapshot. */
    private static final long BACKUP_SNAPSHOT_TIMEOUT_MINUTES = 10;

    private static final EventTranslatorTwoArg<CommandSlot, Consumer<EngineState>, Long> CONTROL =
        (slot, seq, task, nanos) ->
        {
            slot.kind = CommandSlot.CONTROL;
            slot.control = task;
            slot.ingressNanos = nanos;
        };

    private final EngineConfig config;
    private final Journal journal;
    private final SnapshotStore snapshotStore;
    private final Counters counters = new Counters();
    private final HaltState halt;
    private final AtomicReference<EngineStatus.State> lifecycle = new AtomicReference<>(EngineStatus.State.STARTING);
    private final ReadSide reads;
    private final Snapshotter snapshotter;
    private final CapacityGuard capacity;
    private final Disruptor<CommandSlot> disruptor;
    private final RingBuffer<CommandSlot> ring;
    private final Completer completer;
    private final CommandIngress ingress;
    private final Consumer<EngineState> recheckSpace;
    private final java.util.concurrent.atomic.AtomicBoolean backingUp = new java.util.concurrent.atomic.AtomicBoolean();
    /** Held by a retention run and by a backup's journal copy: a cycle file is never copied as it is moved out. */
    private final Object maintenance = new Object();
    private final Retention retention;
    private volatile boolean closed;

    private StrandEngine(final EngineConfig config)
    {
        this.config = config;
        final long startNanos = System.nanoTime();
        OutOfMemoryPolicy.install();
        final ModuleRegistry registry = new ModuleRegistry(config.modules());
        journal = openJournal(config);
        snapshotStore = new SnapshotStore(config.snapshotDir(), config.snapshotsKept());
        final Recovery.Recovered recovered;
        try
        {
            recovered = Recovery.recover(journal, snapshotStore, registry, config.idempotencyWindow());
        }
        catch (final RuntimeException | Error ex)
        {
            journal.close();
            throw ex;
        }
        final EngineState writerState = recovered.state();
        counters.lastSnapshotPosition = recovered.snapshotPosition();
        halt = new HaltState(config.minFreeBytes());

        // The replicas start as copies of the recovered writer state (entries are immutable, so a copy is cheap): the
        // snapshot is read and the tail replayed once, not once per replica.
        reads = new ReadSide(journal, registry, config);
        reads.seed(writerState);
        snapshotter = new Snapshotter(journal, registry, config.idempotencyWindow(), snapshotStore, counters,
            config.snapshotEveryEvents(), config.snapshotEverySeconds());
        writerState.copyTo(snapshotter.state());
        snapshotter.loadedFrom(recovered.snapshotPosition());
        snapshotter.startsAtChainHash(journal.chainLinkAt(writerState.position()).hash());
        retention = new Retention(journal, snapshotStore, config.journal(), reads::retentionBound, maintenance, counters);
        snapshotter.onSnapshot(retention::afterSnapshot);
        reads.onStopped(t -> replicaFailed("read-model", t));
        snapshotter.onStopped(t -> replicaFailed("snapshotter", t));
        capacity = new CapacityGuard(config.heapFloorBytes(), reads::contains);

        disruptor = new Disruptor<>(CommandSlot::new, config.ringSize(), StrandEngine::logicThread,
            ProducerType.MULTI, DisruptorDriver.waitStrategy(config.waitStrategy()));
        completer = new Completer(counters, registry, journal);
        final EngineCore core = new EngineCore(writerState, completer::commandIdAt, StrandEngine::moduleFailed);
        final DisruptorDriver driver = new DisruptorDriver(core, journal.appender(), halt, journal::freeBytes,
            completer, config.durability() == Durability.SYNC);
        disruptor.handleEventsWith(driver);
        disruptor.setDefaultExceptionHandler(new DisruptorDriver.HaltingExceptionHandler(halt));
        ring = disruptor.start();
        driver.ringBuffer(ring);
        counters.attach(ring, journal, reads, capacity);
        ingress = new CommandIngress(registry, ring, counters, halt, capacity, config.epochMicrosClock(),
            () -> closed);
        recheckSpace = state -> halt.check(journal::freeBytes);

        reads.start();
        snapshotter.start(snapshotter.state().position() + 1);
        retention.start();
        lifecycle.set(EngineStatus.State.RUNNING);
        LOG.info("engine ready: journal at position {}, snapshot at {}, replayed {} events in {} ms, recovery {} ms",
            journal.lastPosition(), recovered.snapshotPosition(), recovered.replayedEvents(),
            TimeUnit.NANOSECONDS.toMillis(recovered.replayNanos()),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** Opens the journal, recovers and starts. */
    public static Engine start(final EngineConfig config)
    {
        return new StrandEngine(config);
    }

    private static Journal openJournal(final EngineConfig config)
    {
        try
        {
            return Journal.open(config.journal());
        }
        catch (final JournalLockedException ex)
        {
            throw new DataDirectoryInUseException(config.dataDir(), ex);
        }
    }

    private static Thread logicThread(final Runnable r)
    {
        final Thread t = new Thread(r, "engine-logic");
        t.setDaemon(true);
        return t;
    }

    private static void moduleFailed(final Command command, final Throwable cause)
    {
        CommandLogging.handlerFailed(LOG, command, cause);
    }

    /**
     * A replica (read model, snapshotter) could not apply an event the writer journaled: replicas of the same journal
     * disagree (an evolve that is not deterministic, a codec that does not read back what it wrote). Queries would
     * serve stale state and snapshots stop, so writes halt rather than go on.
     */
    private void replicaFailed(final String replica, final Throwable cause)
    {
        if (!closed)
        {
            halt.halt(replica + " cannot apply the journal (replicas disagree: a broken invariant): " + cause, cause);
        }
    }

    @Override
    public Command newCommand(final String commandId, final String aggregateType, final String type,
        final String aggregateId, final long expectedVersion, final String correlationId, final FieldReader data)
    {
        return ingress.newCommand(commandId, aggregateType, type, aggregateId, expectedVersion, correlationId, data);
    }

    @Override
    public void submit(final Command command, final CommandCallback callback)
    {
        ingress.submit(command, callback);
    }

    @Override
    public void submitBatch(final List<Command> commands, final boolean atomic, final BatchCallback callback)
    {
        ingress.submitBatch(commands, atomic, callback);
    }

    @Override
    public EngineStatus status()
    {
        final EngineStatus.State state = lifecycle.get();
        final HaltState.Halt halted = halt.current();
        if (halted == null && state == EngineStatus.State.RUNNING && capacity.exhausted())
        {
            return new EngineStatus(EngineStatus.State.CAPACITY_EXHAUSTED, "heap headroom below the floor of " +
                (capacity.floorBytes() >> 20) + " MiB: commands that add aggregates are refused");
        }
        if (halted != null && halted.forSpace() && !closed && halt.spaceHaltLiftable(journal::freeBytes))
        {
            // A space halt is lifted on the logic thread, by the next command. An instance that is not ready gets no
            // commands, so a status read (the readiness probe) sends the logic thread a no-op to re-check space.
            ring.tryPublishEvent(CONTROL, recheckSpace, System.nanoTime());
        }
        if (halted != null && state != EngineStatus.State.STARTING)
        {
            return new EngineStatus(state == EngineStatus.State.STOPPED ? state : EngineStatus.State.HALTED,
                halted.reason());
        }
        return new EngineStatus(state, null);
    }

    @Override
    public long journalPosition()
    {
        return journal.lastPosition();
    }

    @Override
    public dev.strand.journal.JournalHead journalHead()
    {
        return journal.head();
    }

    @Override
    public long readModelPosition()
    {
        return reads.appliedPosition();
    }

    @Override
    public CompletableFuture<Long> awaitReadModel(final long position, final Duration timeout)
    {
        return reads.await(position, timeout);
    }

    @Override
    public Optional<AggregateView> aggregate(final String aggregateId)
    {
        return reads.aggregate(aggregateId);
    }

    @Override
    public Optional<AggregateView> aggregateAt(final String aggregateId, final long atVersion, final long atPosition)
    {
        return reads.aggregateAt(aggregateId, atVersion, atPosition);
    }

    @Override
    public EventPage aggregateEvents(final String aggregateId, final long fromVersion, final int limit)
    {
        return reads.aggregateEvents(aggregateId, fromVersion, limit);
    }

    @Override
    public EventPage readEvents(final long fromPosition, final int limit, final EventFilter filter, final int maxScan)
    {
        return reads.readEvents(fromPosition, limit, filter, maxScan);
    }

    @Override
    public Subscription subscribe(final long fromPosition, final EventFilter filter, final SubscriptionSink sink)
    {
        if (closed)
        {
            throw new IllegalStateException("the engine is stopping");
        }
        if (fromPosition >= 1 && fromPosition < journal.firstPosition())
        {
            throw new dev.strand.journal.JournalArchivedException(fromPosition, journal.firstPosition());
        }
        return reads.subscribe(fromPosition, filter, sink);
    }

    @Override
    public List<dev.strand.engine.api.ProjectionStatus> projections()
    {
        return reads.projections();
    }

    @Override
    public Optional<dev.strand.engine.api.ProjectionStatus> projection(final String name)
    {
        return reads.projection(name);
    }

    @Override
    public Optional<dev.strand.engine.api.ProjectionRow> projectionRow(final String name, final String key)
    {
        return reads.projectionRow(name, key);
    }

    @Override
    public CompletableFuture<dev.strand.engine.api.RebuildResult> rebuildProjection(final String name,
        final boolean dryRun)
    {
        return reads.rebuildProjection(name, dryRun);
    }

    @Override
    public CompletableFuture<SnapshotSummary> takeSnapshot()
    {
        return snapshotter.request(journal.lastPosition(), "requested");
    }

    @Override
    public List<SnapshotSummary> snapshots()
    {
        final List<SnapshotSummary> list = new ArrayList<>();
        for (final SnapshotInfo info : snapshotStore.list())
        {
            list.add(new SnapshotSummary(info.file().getFileName().toString(), info.position(), info.sizeBytes(),
                info.createdAtEpochMillis(), TimeUnit.NANOSECONDS.toMicros(info.durationNanos())));
        }
        return list;
    }

    @Override
    public dev.strand.journal.BackupManifest backup(final java.nio.file.Path root)
    {
        if (closed)
        {
            throw new IllegalStateException("the engine is stopping");
        }
        if (!backingUp.compareAndSet(false, true))
        {
            throw new dev.strand.engine.api.BackupInProgressException();
        }
        try
        {
            final dev.strand.journal.JournalBackup backup = dev.strand.journal.JournalBackup.begin(root);
            try
            {
                final long start = System.nanoTime();
                final Snapshotter.Taken snapshot = snapshotter.snapshotInto(journal.lastPosition(), backup.snapshotStore())
                    .get(BACKUP_SNAPSHOT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
                final long snapshotMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                final dev.strand.journal.BackupManifest manifest;
                synchronized (maintenance)
                {
                    manifest = backup.finish(journal, snapshot.info().position(),
                        new dev.strand.engine.api.StateHash(snapshot.info().position(), snapshot.stateHash()).hex());
                }
                LOG.info("backup at position {}: snapshot (the snapshotter caught up and wrote it) {} ms, journal copy " +
                    "and manifest {} ms", manifest.position(), snapshotMillis,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) - snapshotMillis);
                return manifest;
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                backup.abandon();
                throw new dev.strand.journal.BackupException(root, "the backup's snapshot failed: " +
                    (ex.getCause() == null ? ex : ex.getCause()), ex.getCause());
            }
            catch (final java.util.concurrent.TimeoutException ex)
            {
                backup.abandon();
                throw new dev.strand.journal.BackupException(root, "the backup's snapshot was not written within " +
                    BACKUP_SNAPSHOT_TIMEOUT_MINUTES + " minutes", ex);
            }
            catch (final InterruptedException ex)
            {
                backup.abandon();
                Thread.currentThread().interrupt();
                throw new dev.strand.journal.BackupException(root, "interrupted", ex);
            }
            catch (final RuntimeException | Error ex)
            {
                backup.abandon();
                throw ex;
            }
        }
        finally
        {
            backingUp.set(false);
        }
    }

    @Override
    public dev.strand.journal.RetentionReport runRetention()
    {
        if (closed)
        {
            throw new IllegalStateException("the engine is stopping");
        }
        return retention.runNow();
    }

    @Override
    public CompletableFuture<Long> stateHash()
    {
        return onLogicThread(EngineState::hash);
    }

    @Override
    public CompletableFuture<dev.strand.engine.api.StateHash> positionedStateHash()
    {
        return onLogicThread(state -> new dev.strand.engine.api.StateHash(state.position(), state.hash()));
    }

    /** Hash of the writer's aggregates (computed on the writer thread), to compare with the read model's. */
    public CompletableFuture<Long> aggregatesHash()
    {
        return onLogicThread(EngineState::aggregatesHash);
    }

    /** Hash of the read model's aggregates, for tests that compare replicas (call when it has caught up). */
    public long readModelAggregatesHash()
    {
        return reads.aggregatesHash();
    }

    private <T> CompletableFuture<T> onLogicThread(final java.util.function.Function<EngineState, T> task)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        if (closed)
        {
            future.completeExceptionally(new IllegalStateException("the engine is stopping"));
            return future;
        }
        ring.publishEvent(CONTROL, state -> future.complete(task.apply(state)), System.nanoTime());
        return future;
    }

    @Override
    public EngineMetrics metrics()
    {
        return counters;
    }

    @Override
    public EngineConfig config()
    {
        return config;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        lifecycle.compareAndSet(EngineStatus.State.RUNNING, EngineStatus.State.STOPPING);
        disruptor.shutdown();
        final long finalPosition = journal.lastPosition();
        if (config.snapshotOnShutdown() && finalPosition > counters.lastSnapshotPosition && snapshotter.failure() == null)
        {
            try
            {
                snapshotter.request(finalPosition, "shutdown").get(5, TimeUnit.MINUTES);
            }
            catch (final Exception ex)
            {
                LOG.error("final snapshot failed: {}", ex.toString());
            }
        }
        snapshotter.stop();
        retention.close();
        reads.close();
        capacity.close();
        completer.close();
        journal.close();
        lifecycle.set(EngineStatus.State.STOPPED);
        LOG.info("engine stopped at journal position {}", finalPosition);
    }
}
