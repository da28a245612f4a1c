package dev.strand.engine.core;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.BatchCallback;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.api.EngineMetrics;
import dev.strand.engine.api.EngineStatus;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.EventPage;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.api.SnapshotSummary;
import dev.strand.engine.api.Subscription;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.engine.spi.AggregateIds;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.InvalidFieldException;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalReader;
import dev.strand.journal.LoadedSnapshot;
import dev.strand.journal.SnapshotInfo;
import dev.strand.journal.SnapshotStore;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine: wires the journal, the Disruptor pipeline (logic+journal stage, then completion), the read model, the
 * snapshotter and the subscription hub, and runs recovery. Start with {@link Engine#start}.
 *
 * <p>Threads: {@code engine-logic} (the single writer, which also journals and answers), {@code read-model},
 * {@code snapshotter}, {@code subscriptions}, and the journal's {@code journal-preallocator}.
 */
public final class StrandEngine implements Engine, EngineControl
{
    private static final Logger LOG = LoggerFactory.getLogger(StrandEngine.class);
    private static final int MAX_ID_LENGTH = 128;

    private static final EventTranslatorThreeArg<CommandSlot, Command, CommandCallback, Long> SINGLE =
        (slot, seq, command, callback, nanos) ->
        {
            slot.kind = CommandSlot.SINGLE;
            slot.command = command;
            slot.callback = callback;
            slot.ingressNanos = nanos;
        };

    private static final EventTranslatorThreeArg<CommandSlot, List<Command>, Boolean, BatchCallback> BATCH =
        (slot, seq, commands, atomic, callback) ->
        {
            slot.kind = CommandSlot.BATCH;
            slot.batch = commands;
            slot.atomic = atomic;
            slot.batchCallback = callback;
            slot.ingressNanos = System.nanoTime();
        };

    private static final EventTranslatorTwoArg<CommandSlot, java.util.function.Consumer<EngineState>, Long> CONTROL =
        (slot, seq, task, nanos) ->
        {
            slot.kind = CommandSlot.CONTROL;
            slot.control = task;
            slot.ingressNanos = nanos;
        };

    private final EngineConfig config;
    private final ModuleRegistry registry;
    private final Journal journal;
    private final SnapshotStore snapshotStore;
    private final Counters counters = new Counters();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReadModel readModel;
    private final Snapshotter snapshotter;
    private final SubscriptionHub hub;
    private final Disruptor<CommandSlot> disruptor;
    private final RingBuffer<CommandSlot> ring;
    private final Completer completion;
    private final Metrics metrics = new Metrics();
    private final AtomicReference<EngineStatus> status = new AtomicReference<>(new EngineStatus(EngineStatus.State.STARTING, null));
    private final ThreadLocal<Reader> readers;
    private final List<JournalReader> allReaders = new ArrayList<>();
    private final java.util.function.Consumer<EngineState> recheckSpace = state -> checkAvailable();
    private volatile Rejection haltedRejection;
    private volatile boolean haltedForSpace;
    private volatile boolean closed;

    private StrandEngine(final EngineConfig config)
    {
        this.config = config;
        this.registry = new ModuleRegistry(config.modules());
        final long startNanos = System.nanoTime();
        try
        {
            Files.createDirectories(config.dataDir());
            lockChannel = FileChannel.open(config.dataDir().resolve("strand.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(lockChannel);
            if (lock == null)
            {
                lockChannel.close();
                throw new IllegalStateException("data directory " + config.dataDir() + " is in use by another process");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot lock data directory " + config.dataDir(), ex);
        }

        Journal opened = null;
        try
        {
            opened = Journal.open(JournalConfig.builder(config.journalDir())
                .durability(config.durability())
                .rollCycle(config.rollCycle())
                .preallocate(config.preallocate())
                .verifyOnOpen(config.verifyOnOpen())
                .minFreeBytes(config.minFreeBytes())
                .build());
        }
        catch (final RuntimeException | Error ex)
        {
            releaseLock(lock, lockChannel);
            throw ex;
        }
        journal = opened;
        snapshotStore = new SnapshotStore(config.snapshotDir(), config.snapshotsKept());

        final EngineState writerState = new EngineState(
            registry, new org.agrona.collections.Object2ObjectHashMap<>(), config.idempotencyWindow());
        final long snapshotPosition;
        final long replayed;
        final long replayStart = System.nanoTime();
        try
        {
            snapshotPosition = loadSnapshot(writerState);
            replayed = replay(writerState);
        }
        catch (final RuntimeException | Error ex)
        {
            journal.close();
            releaseLock(lock, lockChannel);
            throw ex;
        }
        counters.lastSnapshotPosition = snapshotPosition;
        final long replayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - replayStart);

        // The replicas start as copies of the recovered writer state (entries are immutable, so a copy is cheap): the
        // snapshot is read and the tail replayed once, not once per replica.
        readModel = new ReadModel(journal, registry);
        writerState.copyTo(readModel.state());
        readModel.indexUpTo(readModel.state().position());

        snapshotter = new Snapshotter(journal, registry, config.idempotencyWindow(), snapshotStore, counters,
            config.snapshotEveryEvents(), config.snapshotEverySeconds());
        writerState.copyTo(snapshotter.state());
        snapshotter.loadedFrom(snapshotPosition);

        readModel.onStopped(t -> replicaFailed("read-model", t));
        snapshotter.onStopped(t -> replicaFailed("snapshotter", t));

        hub = new SubscriptionHub(journal, registry, config.liveBufferEvents());

        disruptor = new Disruptor<>(CommandSlot::new, config.ringSize(), r -> named(r, "engine-logic"),
            ProducerType.MULTI, waitStrategy(config.waitStrategy()));
        completion = new Completer(counters, registry, journal);
        final LogicHandler logic = new LogicHandler(writerState, journal.appender(), this, completion,
            config.durability() == dev.strand.journal.Durability.SYNC);
        disruptor.handleEventsWith(logic);
        disruptor.setDefaultExceptionHandler(new HaltingExceptionHandler());
        ring = disruptor.start();
        logic.ringBuffer(ring);

        readers = ThreadLocal.withInitial(() ->
        {
            final Reader r = new Reader(journal.newReader(), new EventCodec(registry));
            synchronized (allReaders)
            {
                allReaders.add(r.reader);
            }
            return r;
        });

        readModel.start(readModel.state().position() + 1);
        snapshotter.start(snapshotter.state().position() + 1);
        hub.start();
        status.set(new EngineStatus(EngineStatus.State.RUNNING, null));
        LOG.info("engine ready: journal at position {}, snapshot at {}, replayed {} events in {} ms, recovery {} ms",
            journal.lastPosition(), snapshotPosition, replayed, replayMillis,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private static void releaseLock(final FileLock lock, final FileChannel channel)
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ex)
        {
            LOG.warn("releasing the data directory lock failed: {}", ex.toString());
        }
    }

    private static FileLock tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final java.nio.channels.OverlappingFileLockException ex)
        {
            return null;
        }
    }

    /** Opens the journal, recovers and starts. */
    public static Engine start(final EngineConfig config)
    {
        return new StrandEngine(config);
    }

    private static Thread named(final Runnable r, final String name)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static WaitStrategy waitStrategy(final String name)
    {
        return switch (name)
        {
            case "blocking" -> new BlockingWaitStrategy();
            case "lite-blocking" -> new LiteBlockingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "phased" -> PhasedBackoffWaitStrategy.withLiteLock(10, 100, TimeUnit.MICROSECONDS);
            default -> throw new IllegalArgumentException("unknown wait strategy " + name);
        };
    }

    /** Loads the newest valid snapshot at or below the journal's end into {@code state}; returns its position. */
    private long loadSnapshot(final EngineState state)
    {
        final long journalEnd = journal.lastPosition();
        final Optional<LoadedSnapshot<Long>> loaded = snapshotStore.loadNewest((position, in) ->
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
    private long replay(final EngineState state)
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

    // Submission

    @Override
    public Command newCommand(
        final String commandId,
        final String type,
        final String aggregateId,
        final long expectedVersion,
        final String correlationId,
        final FieldReader data)
    {
        final CommandType<?, ?> commandType = type == null ? null : registry.commandType(type);
        if (commandType == null)
        {
            throw new InvalidCommandException(new Rejection(RejectionKind.INVALID, ResultCodes.UNKNOWN_COMMAND_TYPE,
                "unknown command type " + (type == null ? "(none)" : "'" + abbreviate(type) + "'"), "type", -1));
        }
        if (!AggregateIds.isValid(aggregateId))
        {
            throw new InvalidCommandException(Rejection.invalidField(
                "aggregateId", "aggregateId must be 1..128 characters of [A-Za-z0-9._:-]"));
        }
        if (commandId != null && (commandId.isEmpty() || commandId.length() > MAX_ID_LENGTH))
        {
            throw new InvalidCommandException(Rejection.invalidField("commandId", "commandId must be 1..128 characters"));
        }
        if (correlationId != null && (correlationId.isEmpty() || correlationId.length() > MAX_ID_LENGTH))
        {
            throw new InvalidCommandException(
                Rejection.invalidField("correlationId", "correlationId must be 1..128 characters"));
        }
        if (expectedVersion != Command.ANY_VERSION && expectedVersion < Command.NO_AGGREGATE)
        {
            throw new InvalidCommandException(
                Rejection.invalidField("expectedVersion", "expectedVersion must be -1 (must not exist) or >= 0"));
        }
        final Object payload;
        try
        {
            payload = commandType.decoder().decode(data);
        }
        catch (final InvalidFieldException ex)
        {
            throw new InvalidCommandException(Rejection.invalidField(ex.field(), ex.getMessage()));
        }
        if (payload == null)
        {
            throw new InvalidCommandException(Rejection.invalidField("data", "the command's data could not be decoded"));
        }
        return new Command(
            commandId != null ? commandId : UUID.randomUUID().toString(),
            commandType, aggregateId, expectedVersion, correlationId, payload, config.epochMicrosClock().getAsLong());
    }

    private static String abbreviate(final String value)
    {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    @Override
    public void submit(final Command command, final CommandCallback callback)
    {
        final Rejection unavailable = refusal();
        if (unavailable != null)
        {
            counters.halted.increment();
            callback.onComplete(CommandResult.rejected(command.commandId(), unavailable));
            return;
        }
        if (!ring.tryPublishEvent(SINGLE, command, callback, System.nanoTime()))
        {
            counters.overloaded.increment();
            callback.onComplete(CommandResult.rejected(command.commandId(), Rejection.OVERLOADED));
        }
    }

    @Override
    public void submitBatch(final List<Command> commands, final boolean atomic, final BatchCallback callback)
    {
        if (commands.isEmpty())
        {
            callback.onComplete(new BatchResult(atomic, List.of(), -1));
            return;
        }
        final Rejection unavailable = refusal();
        if (unavailable != null)
        {
            counters.halted.add(commands.size());
            callback.onComplete(BatchResult.allRejected(atomic, commands, unavailable));
            return;
        }
        if (!ring.tryPublishEvent(BATCH, List.copyOf(commands), atomic, callback))
        {
            counters.overloaded.add(commands.size());
            callback.onComplete(BatchResult.allRejected(atomic, commands, Rejection.OVERLOADED));
        }
    }

    /** Why a command cannot enter now, or null. A space halt is left to the logic stage, which can lift it. */
    private Rejection refusal()
    {
        if (closed)
        {
            return Rejection.halted("the server is stopping");
        }
        final Rejection halted = haltedRejection;
        return halted != null && !haltedForSpace ? halted : null;
    }

    // EngineControl (logic thread)

    @Override
    public void halt(final String reason, final Throwable cause)
    {
        if (haltedRejection == null || haltedForSpace)
        {
            haltedForSpace = false;
            haltedRejection = Rejection.halted(reason);
            status.set(new EngineStatus(EngineStatus.State.HALTED, reason));
            LOG.error("ENGINE HALTED: {}; no further commands are accepted, nothing acknowledged is lost", reason, cause);
        }
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
            halt(replica + " cannot apply the journal (replicas disagree: a broken invariant): " + cause, cause);
        }
    }

    @Override
    public void haltForSpace(final String reason)
    {
        if (haltedRejection == null)
        {
            haltedForSpace = true;
            haltedRejection = Rejection.halted(reason);
            status.set(new EngineStatus(EngineStatus.State.HALTED, reason));
            LOG.error("ENGINE HALTED: {}; writes resume when free space is back above {} bytes", reason, config.minFreeBytes());
        }
    }

    @Override
    public Rejection checkAvailable()
    {
        final Rejection halted = haltedRejection;
        if (halted == null)
        {
            return null;
        }
        if (haltedForSpace && journal.freeBytes() >= config.minFreeBytes())
        {
            haltedRejection = null;
            haltedForSpace = false;
            status.set(new EngineStatus(EngineStatus.State.RUNNING, null));
            LOG.warn("free space is back above the floor ({} bytes free): accepting commands again", journal.freeBytes());
            return null;
        }
        return halted;
    }

    @Override
    public Rejection haltedRejection()
    {
        final Rejection halted = haltedRejection;
        return halted != null ? halted : Rejection.halted("unknown");
    }

    @Override
    public void handlerFailed(final Command command, final Throwable cause)
    {
        LOG.error("handler of {} for aggregate {} (command {}) threw; command rejected",
            command.type().name(), command.aggregateId(), command.commandId(), cause);
    }

    // Queries

    @Override
    public EngineStatus status()
    {
        if (haltedForSpace && !closed && journal.freeBytes() >= config.minFreeBytes())
        {
            // A space halt is lifted on the logic thread, by the next command. An instance that is not ready gets no
            // commands, so a status read (the readiness probe) sends the logic thread a no-op to re-check space.
            ring.tryPublishEvent(CONTROL, recheckSpace, System.nanoTime());
        }
        return status.get();
    }

    @Override
    public long journalPosition()
    {
        return journal.lastPosition();
    }

    @Override
    public long readModelPosition()
    {
        return readModel.appliedPosition();
    }

    @Override
    public CompletableFuture<Long> awaitReadModel(final long position, final Duration timeout)
    {
        return readModel.await(position).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Optional<AggregateView> aggregate(final String aggregateId)
    {
        return Optional.ofNullable(readModel.view(aggregateId));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Optional<AggregateView> aggregateAt(final String aggregateId, final long atVersion, final long atPosition)
    {
        final LongIndex positions = readModel.positions(aggregateId);
        if (positions == null)
        {
            return Optional.empty();
        }
        final int known = positions.size();
        int upTo = known;
        if (atVersion >= 1)
        {
            if (atVersion > known)
            {
                return Optional.empty();
            }
            upTo = (int)atVersion;
        }
        if (atPosition >= 1)
        {
            int lo = 0;
            int hi = upTo;
            while (lo < hi)
            {
                final int mid = (lo + hi) >>> 1;
                if (positions.get(mid) <= atPosition)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            upTo = lo;
        }
        if (upTo == 0)
        {
            return Optional.empty();
        }
        final Reader r = readers.get();
        AggregateModule module = null;
        Object state = null;
        long lastPosition = 0;
        for (int i = 0; i < upTo; i++)
        {
            final RecordedEvent event = r.read(positions.get(i));
            if (module == null)
            {
                module = event.type().module();
                state = module.initialState();
            }
            state = ((EventType)event.type()).evolveObject(state, event.data());
            lastPosition = event.position();
        }
        return Optional.of(new AggregateView(aggregateId, module, upTo, lastPosition, state));
    }

    @Override
    public EventPage aggregateEvents(final String aggregateId, final long fromVersion, final int limit)
    {
        final long from = Math.max(1, fromVersion);
        final LongIndex positions = readModel.positions(aggregateId);
        if (positions == null)
        {
            return new EventPage(List.of(), from);
        }
        final int known = positions.size();
        final Reader r = readers.get();
        final List<RecordedEvent> events = new ArrayList<>();
        long version = from;
        while (version <= known && events.size() < limit)
        {
            events.add(r.read(positions.get((int)(version - 1))));
            version++;
        }
        return new EventPage(List.copyOf(events), version);
    }

    @Override
    public EventPage readEvents(final long fromPosition, final int limit, final EventFilter filter, final int maxScan)
    {
        final long from = Math.max(1, fromPosition);
        final Reader r = readers.get();
        final List<RecordedEvent> events = new ArrayList<>();
        if (from > journal.lastPosition() || !r.reader.seek(from))
        {
            return new EventPage(List.of(), from);
        }
        long next = from;
        int scanned = 0;
        final EventFilter f = filter == null ? EventFilter.ALL : filter;
        while (events.size() < limit && scanned < maxScan && r.reader.next(r.record))
        {
            scanned++;
            next = r.record.position() + 1;
            if (f.matches(r.record.aggregateId(), r.record.aggregateType(), r.record.eventType()))
            {
                events.add(r.codec.toRecorded(r.record));
            }
        }
        return new EventPage(List.copyOf(events), next);
    }

    @Override
    public Subscription subscribe(final long fromPosition, final EventFilter filter, final SubscriptionSink sink)
    {
        if (closed)
        {
            throw new IllegalStateException("the engine is stopping");
        }
        return hub.subscribe(fromPosition, filter, sink);
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
    public CompletableFuture<Long> stateHash()
    {
        final CompletableFuture<Long> future = new CompletableFuture<>();
        if (closed)
        {
            future.completeExceptionally(new IllegalStateException("the engine is stopping"));
            return future;
        }
        ring.publishEvent(CONTROL, state -> future.complete(state.hash()), System.nanoTime());
        return future;
    }

    /** Hash of the read model's aggregates, for tests that compare replicas (call when it has caught up). */
    public long readModelAggregatesHash()
    {
        return readModel.state().aggregatesHash();
    }

    /** Hash of the writer's aggregates (computed on the writer thread), to compare with the read model's. */
    public CompletableFuture<Long> aggregatesHash()
    {
        final CompletableFuture<Long> future = new CompletableFuture<>();
        ring.publishEvent(CONTROL, state -> future.complete(state.aggregatesHash()), System.nanoTime());
        return future;
    }

    @Override
    public EngineMetrics metrics()
    {
        return metrics;
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
        if (status.get().state() == EngineStatus.State.RUNNING)
        {
            status.set(new EngineStatus(EngineStatus.State.STOPPING, null));
        }
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
        hub.close();
        snapshotter.stop();
        readModel.stop();
        completion.close();
        synchronized (allReaders)
        {
            allReaders.forEach(JournalReader::close);
        }
        journal.close();
        releaseLock(lock, lockChannel);
        status.set(new EngineStatus(EngineStatus.State.STOPPED, status.get().haltReason()));
        LOG.info("engine stopped at journal position {}", finalPosition);
    }

    /** A journal reader and decoder per querying thread. */
    private static final class Reader
    {
        final JournalReader reader;
        final EventCodec codec;
        final EventRecord record = new EventRecord();

        Reader(final JournalReader reader, final EventCodec codec)
        {
            this.reader = reader;
            this.codec = codec;
        }

        RecordedEvent read(final long position)
        {
            if (!reader.seek(position) || !reader.next(record))
            {
                throw new IllegalStateException("event at position " + position + " cannot be read from the journal");
            }
            return codec.toRecorded(record);
        }
    }

    /** Policy for anything a stage did not catch itself: halt (the logic stage catches its own errors). */
    private final class HaltingExceptionHandler implements ExceptionHandler<CommandSlot>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final CommandSlot event)
        {
            halt("pipeline stage failed at sequence " + sequence + ": " + ex, ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            halt("pipeline failed to start: " + ex, ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.warn("pipeline shutdown: {}", ex.toString());
        }
    }

    private final class Metrics implements EngineMetrics
    {
        @Override
        public Histogram appendLatency()
        {
            return counters.latencySinceStart();
        }

        @Override
        public long commandsAccepted()
        {
            return counters.accepted.sum();
        }

        @Override
        public long commandsRejected()
        {
            return counters.rejected.sum();
        }

        @Override
        public long commandsOverloaded()
        {
            return counters.overloaded.sum();
        }

        @Override
        public long commandsHalted()
        {
            return counters.halted.sum();
        }

        @Override
        public long commandsReplayed()
        {
            return counters.replayed.sum();
        }

        @Override
        public long commandsFailed()
        {
            return counters.failed.sum();
        }

        @Override
        public long ringSize()
        {
            return ring.getBufferSize();
        }

        @Override
        public long ringRemainingCapacity()
        {
            return ring.remainingCapacity();
        }

        @Override
        public long journalPosition()
        {
            return journal.lastPosition();
        }

        @Override
        public long journalBytes()
        {
            return journal.bytesWritten();
        }

        @Override
        public long journalFreeBytes()
        {
            return journal.freeBytes();
        }

        @Override
        public long readModelPosition()
        {
            return readModel.appliedPosition();
        }

        @Override
        public int subscriptions()
        {
            return hub.subscriptions();
        }

        @Override
        public long snapshotsTaken()
        {
            return counters.snapshotsTaken.get();
        }

        @Override
        public long lastSnapshotEpochMillis()
        {
            return counters.lastSnapshotEpochMillis;
        }

        @Override
        public long lastSnapshotDurationMicros()
        {
            return counters.lastSnapshotDurationMicros;
        }

        @Override
        public long lastSnapshotPosition()
        {
            return counters.lastSnapshotPosition;
        }
    }
}
