package dev.strand.engine.core;

import dev.strand.engine.api.ProjectionException;
import dev.strand.engine.api.ProjectionRow;
import dev.strand.engine.api.ProjectionStatus;
import dev.strand.engine.api.RebuildResult;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.Projection;
import dev.strand.engine.spi.ProjectionErrorPolicy;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import dev.strand.journal.LoadedSnapshot;
import dev.strand.journal.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every projection, followed on one thread ({@code projections}): one journal reader hands each event to each
 * projection that has not applied it yet; a rebuild reads from position 1 with a second reader into a shadow between
 * the live reads, on the same thread. It never touches the writer and nothing waits on it, so a slow or failed
 * projection delays no command and no query of the read model.
 *
 * <p>Error policy: a projection's key function or fold that throws is that projection's error, handled by its
 * {@link ProjectionErrorPolicy}; the other projections and the engine go on. A failure of the journal reader itself
 * stops every projection (status failed, the reason logged and shown), not the engine.
 *
 * <p>Checkpoints: each projection's rows, its position and the keys its aggregates were last folded into are written
 * to its own {@link SnapshotStore} ({@code projections/<name>}) when {@code everyEvents} events have passed since
 * the last one, after a rebuild's swap, and at close; a start loads the newest that fits and applies only the tail.
 */
final class ProjectionRunner extends JournalFollower
{
    /** The checkpoint body's layout version. */
    static final int BODY_VERSION = 1;
    /** Events a rebuild's shadow reads per turn of the loop, between the live reads. */
    private static final int SHADOW_BATCH = 4_096;
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    /**
     * What the runner needs besides the journal.
     *
     * @param projections the projections, each name once.
     * @param root        the directory holding one checkpoint directory per projection.
     * @param keep        checkpoints kept per projection.
     * @param everyEvents a checkpoint after this many events applied since the last one (0: only at close).
     */
    record Settings(List<Projection<?>> projections, Path root, int keep, long everyEvents)
    {
        static Settings none()
        {
            return new Settings(List.of(), null, 1, 0);
        }
    }

    private final ModuleRegistry registry;
    private final EventCodec codec;
    private final Settings settings;
    private final Map<String, Slot> slots = new TreeMap<>();
    private final ConcurrentLinkedQueue<Rebuild> requests = new ConcurrentLinkedQueue<>();
    private final List<Rebuild> running = new ArrayList<>();
    private final BinaryFieldWriter left = new BinaryFieldWriter();
    private final BinaryFieldWriter right = new BinaryFieldWriter();
    /** The last position the live reader handed out. */
    private long readPosition;
    private volatile boolean closing;

    ProjectionRunner(final Journal journal, final ModuleRegistry registry, final Settings settings)
    {
        super("projections", journal);
        this.registry = registry;
        this.codec = new EventCodec(registry);
        this.settings = settings;
        for (final Projection<?> p : settings.projections())
        {
            if (slots.containsKey(p.name()))
            {
                throw new IllegalArgumentException("projection name " + p.name() + " is registered twice");
            }
            final Slot slot = new Slot(p, handlers(registry, p), new SnapshotStore(settings.root().resolve(p.name()),
                settings.keep()));
            slots.put(p.name(), slot);
        }
    }

    /** The projection's declared event records as the registry's event types; each must be registered by a module. */
    static Map<EventType<?, ?>, Projection.Handler<?, ?>> handlers(final ModuleRegistry registry, final Projection<?> p)
    {
        final Map<EventType<?, ?>, Projection.Handler<?, ?>> handlers = new IdentityHashMap<>();
        for (final Projection.Handler<?, ?> h : p.handlers())
        {
            EventType<?, ?> found = null;
            for (final AggregateModule<?> module : registry.modules())
            {
                for (final EventType<?, ?> type : module.eventTypes())
                {
                    if (type.javaType() == h.eventType())
                    {
                        if (found != null)
                        {
                            throw new IllegalArgumentException("projection " + p.name() + " folds " +
                                h.eventType().getName() + ", which two event types use (" + found.name() + ", " +
                                type.name() + ")");
                        }
                        found = type;
                    }
                }
            }
            if (found == null)
            {
                throw new IllegalArgumentException("projection " + p.name() + " folds " + h.eventType().getName() +
                    ", which no module registers as an event");
            }
            handlers.put(found, h);
        }
        return handlers;
    }

    /** Before {@link #start()}: loads each projection's newest checkpoint that fits the journal. */
    void recover()
    {
        final long first = journal.firstPosition();
        final long last = journal.lastPosition();
        for (final Slot slot : slots.values())
        {
            final State loaded = slot.load(last);
            if (loaded != null)
            {
                slot.live = loaded;
                slot.checkpoint = loaded.position;
            }
            if (slot.live.position + 1 < first)
            {
                slot.live.cannotBuild = true;
                slot.live.fail("the journal serves positions from " + first + " (an archived prefix) and the " +
                    "projection's rows start at position " + (slot.live.position + 1) + ": it cannot be built " +
                    "without the archived events (restore them, or a checkpoint at or after position " + (first - 1) + ")",
                    slot.live.position + 1);
                LOG.error("projection {} cannot start: {}", slot.projection.name(), slot.live.error);
            }
        }
    }

    /** Starts the thread at the lowest position a projection still needs; no thread without a projection. */
    void start()
    {
        if (slots.isEmpty())
        {
            return;
        }
        long from = journal.lastPosition();
        for (final Slot slot : slots.values())
        {
            if (!slot.live.failed())
            {
                from = Math.min(from, slot.live.position);
            }
        }
        readPosition = from;
        start(from + 1);
    }

    @Override
    protected void onRecord(final EventRecord record)
    {
        readPosition = record.position();
        Object event = null;
        EventType<?, ?> type = null;
        for (final Slot slot : slots.values())
        {
            final State s = slot.live;
            if (s.failed() || record.position() <= s.position)
            {
                continue;
            }
            if (type == null)
            {
                type = registry.eventType(record.aggregateType(), record.eventType());
            }
            final Projection.Handler<?, ?> handler = type == null ? null : slot.handlers.get(type);
            if (handler != null && event == null)
            {
                event = decodeFor(s, type, record);
                if (event == null)
                {
                    continue;
                }
            }
            s.apply(handler, event, record);
            if (settings.everyEvents() > 0 && s.position - slot.checkpoint >= settings.everyEvents())
            {
                slot.writeCheckpoint(s, "every " + settings.everyEvents() + " events");
            }
        }
    }

    private Object decodeFor(final State s, final EventType<?, ?> type, final EventRecord record)
    {
        try
        {
            return codec.decode(type, record);
        }
        catch (final RuntimeException ex)
        {
            s.error(ex, record.position());
            return null;
        }
    }

    @Override
    protected int doIdleWork()
    {
        int work = 0;
        Rebuild r;
        while ((r = requests.poll()) != null)
        {
            running.add(r);
            work++;
        }
        for (int i = running.size() - 1; i >= 0; i--)
        {
            final Rebuild rebuild = running.get(i);
            work += rebuild.advance();
            if (rebuild.done)
            {
                running.remove(i);
                rebuild.close();
            }
        }
        return work;
    }

    @Override
    protected void onFailure(final Throwable t)
    {
        for (final Slot slot : slots.values())
        {
            if (!slot.live.failed())
            {
                slot.live.fail("the projections' journal reader stopped: " + t, readPosition + 1);
            }
        }
        failRebuilds(new ProjectionException(ProjectionException.REBUILD_FAILED, "the projections stopped: " + t));
    }

    private void failRebuilds(final ProjectionException reason)
    {
        Rebuild r;
        while ((r = requests.poll()) != null)
        {
            running.add(r);
        }
        for (final Rebuild rebuild : running)
        {
            rebuild.slot.shadow = null;
            rebuild.slot.rebuilding.set(false);
            rebuild.future.completeExceptionally(reason);
            rebuild.close();
        }
        running.clear();
    }

    /**
     * Any thread: the lowest position a projection or a running rebuild has applied, which retention must not archive
     * beyond (their readers still need the events after it); {@link Long#MAX_VALUE} when none needs any. A projection
     * that stopped at an event holds it too (fixed and restarted, it goes on from its checkpoint); one that cannot be
     * built (its events are archived already) does not.
     */
    long neededPosition()
    {
        long needed = Long.MAX_VALUE;
        for (final Slot slot : slots.values())
        {
            final State s = slot.live;
            if (!s.cannotBuild)
            {
                needed = Math.min(needed, s.position);
            }
            final State shadow = slot.shadow;
            if (shadow != null)
            {
                needed = Math.min(needed, shadow.position);
            }
        }
        return needed;
    }

    /** Any thread: every projection, in name order. */
    List<ProjectionStatus> statuses()
    {
        final List<ProjectionStatus> list = new ArrayList<>(slots.size());
        for (final Slot slot : slots.values())
        {
            list.add(slot.status());
        }
        return list;
    }

    Optional<ProjectionStatus> status(final String name)
    {
        final Slot slot = slots.get(name);
        return slot == null ? Optional.empty() : Optional.of(slot.status());
    }

    /**
     * Any thread: one row.
     *
     * @throws ProjectionException NOT_FOUND when there is no projection of that name.
     */
    Optional<ProjectionRow> row(final String name, final String key)
    {
        final Slot slot = slots.get(name);
        if (slot == null)
        {
            throw new ProjectionException(ProjectionException.NOT_FOUND, "no projection named " + name);
        }
        final State s = slot.live;
        final long position = s.position;
        final Record row = s.rows.get(key);
        return row == null ? Optional.empty() :
            Optional.of(new ProjectionRow(name, key, position, row, slot.projection.rowCodec()));
    }

    /** Any thread: rebuilds a projection from position 1 into a shadow; see {@link dev.strand.engine.api.Engine}. */
    CompletableFuture<RebuildResult> rebuild(final String name, final boolean dryRun)
    {
        final Slot slot = slots.get(name);
        if (slot == null)
        {
            return CompletableFuture.failedFuture(new ProjectionException(ProjectionException.NOT_FOUND,
                "no projection named " + name));
        }
        if (journal.firstPosition() > 1)
        {
            return CompletableFuture.failedFuture(new ProjectionException(ProjectionException.ARCHIVED,
                "the journal serves positions from " + journal.firstPosition() + " (an archived prefix): projection " +
                    name + " cannot be rebuilt from position 1"));
        }
        if (closing || failure() != null)
        {
            return CompletableFuture.failedFuture(new ProjectionException(ProjectionException.REBUILD_FAILED,
                "the projections are stopping"));
        }
        if (!slot.rebuilding.compareAndSet(false, true))
        {
            return CompletableFuture.failedFuture(new ProjectionException(ProjectionException.REBUILD_IN_PROGRESS,
                "a rebuild of projection " + name + " is running"));
        }
        final Rebuild rebuild = new Rebuild(slot, dryRun);
        requests.add(rebuild);
        return rebuild.future;
    }

    /** Stops the thread, then writes each projection's checkpoint where it has moved since the last one. */
    void close()
    {
        closing = true;
        stop();
        failRebuilds(new ProjectionException(ProjectionException.REBUILD_FAILED, "the projections are stopping"));
        for (final Slot slot : slots.values())
        {
            if (slot.live.position > slot.checkpoint)
            {
                slot.writeCheckpoint(slot.live, "shutdown");
            }
        }
    }

    /** One projection: its live state, its checkpoint store and whether a rebuild of it runs. */
    private final class Slot
    {
        final Projection<?> projection;
        final Map<EventType<?, ?>, Projection.Handler<?, ?>> handlers;
        final SnapshotStore store;
        final AtomicBoolean rebuilding = new AtomicBoolean();
        final String shape;
        volatile State live;
        /** The running rebuild's shadow, or null. */
        volatile State shadow;
        volatile long checkpoint;

        Slot(final Projection<?> projection, final Map<EventType<?, ?>, Projection.Handler<?, ?>> handlers,
            final SnapshotStore store)
        {
            this.projection = projection;
            this.handlers = handlers;
            this.store = store;
            this.shape = projection.rowCodec().type().toString();
            this.live = new State(projection);
        }

        ProjectionStatus status()
        {
            final State s = live;
            final long position = s.position;
            final String status = s.failed() ? ProjectionStatus.FAILED :
                rebuilding.get() ? ProjectionStatus.REBUILDING : ProjectionStatus.RUNNING;
            return new ProjectionStatus(projection.name(), position, Math.max(0, journal.lastPosition() - position),
                status, s.errors, projection.errorPolicy().name().toLowerCase(java.util.Locale.ROOT), s.error,
                s.errorPosition, s.rows.size(), checkpoint, s.applied);
        }

        /** The newest checkpoint that fits, or null (logged: the projection then rebuilds from position 1). */
        State load(final long journalEnd)
        {
            final Optional<LoadedSnapshot<State>> loaded = store.loadNewest(
                info -> info.position() > journalEnd ? "its position " + info.position() + " is beyond the journal's end " +
                    journalEnd : null,
                this::read);
            if (loaded.isPresent())
            {
                LOG.info("projection {}: checkpoint at position {} loaded ({} rows)", projection.name(),
                    loaded.get().info().position(), loaded.get().value().rows.size());
                return loaded.get().value();
            }
            if (!store.list().isEmpty())
            {
                LOG.warn("projection {}: no checkpoint fits (the projection changed, or its files are damaged): it " +
                    "rebuilds from position 1", projection.name());
            }
            return null;
        }

        private State read(final long position, final DataInputStream in) throws IOException
        {
            final int body = in.readInt();
            if (body != BODY_VERSION)
            {
                throw new IOException("unknown projection checkpoint body version " + body);
            }
            final String name = in.readUTF();
            final int version = in.readInt();
            final String rowShape = in.readUTF();
            if (!name.equals(projection.name()) || version != projection.version() || !rowShape.equals(shape))
            {
                throw new IOException("written by projection " + name + " version " + version + " with rows " +
                    rowShape + "; this is version " + projection.version() + " with rows " + shape);
            }
            final State s = new State(projection);
            s.position = in.readLong();
            if (s.position != position)
            {
                throw new IOException("body position " + s.position + " differs from its header's " + position);
            }
            s.errors = in.readLong();
            final BinaryFieldReader reader = new BinaryFieldReader();
            final int rows = in.readInt();
            for (int i = 0; i < rows; i++)
            {
                final String key = in.readUTF();
                final byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                s.rows.put(key, projection.rowCodec().read(reader.wrap(bytes)));
            }
            final int aggregates = in.readInt();
            for (int i = 0; i < aggregates; i++)
            {
                s.aggregateKeys.put(in.readUTF(), in.readUTF());
            }
            return s;
        }

        /** On this runner's thread (or at close, after it stopped). A failure is logged and retried next time. */
        void writeCheckpoint(final State s, final String reason)
        {
            final long start = System.nanoTime();
            try
            {
                final var info = store.write(s.position, out -> write(s, out));
                checkpoint = info.position();
                LOG.info("projection {}: checkpoint at position {} ({} rows, {} bytes) written in {} ms ({})",
                    projection.name(), info.position(), s.rows.size(), info.sizeBytes(),
                    (System.nanoTime() - start) / 1_000_000, reason);
            }
            catch (final IOException | RuntimeException ex)
            {
                checkpoint = s.position;
                LOG.error("projection {}: checkpoint at position {} failed ({}): {}", projection.name(), s.position,
                    reason, ex.toString());
            }
        }

        /** Rows and aggregates in key order: the same state gives the same bytes. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private void write(final State s, final DataOutputStream out) throws IOException
        {
            out.writeInt(BODY_VERSION);
            out.writeUTF(projection.name());
            out.writeInt(projection.version());
            out.writeUTF(shape);
            out.writeLong(s.position);
            out.writeLong(s.errors);
            final TreeMap<String, Record> rows = new TreeMap<>(s.rows);
            out.writeInt(rows.size());
            for (final Map.Entry<String, Record> e : rows.entrySet())
            {
                out.writeUTF(e.getKey());
                left.reset();
                ((dev.strand.engine.spi.RecordCodec)projection.rowCodec()).write(e.getValue(), left);
                out.writeInt(left.length());
                out.write(left.toByteArray());
            }
            final TreeMap<String, String> aggregates = new TreeMap<>(s.aggregateKeys);
            out.writeInt(aggregates.size());
            for (final Map.Entry<String, String> e : aggregates.entrySet())
            {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        }
    }

    /**
     * A projection's rows at a position: the live one, or a rebuild's shadow. Written on the runner's thread only;
     * the rows map is concurrent so queries read it from any thread.
     */
    private final class State
    {
        final Projection<?> projection;
        final ConcurrentHashMap<String, Record> rows = new ConcurrentHashMap<>();
        /** Per aggregate, the key its last folded event went to ({@code EventMeta.previousKey}). */
        final HashMap<String, String> aggregateKeys = new HashMap<>();
        volatile long position;
        volatile long errors;
        volatile long applied;
        volatile String error;
        volatile long errorPosition;
        /** Failed because the journal no longer serves the position it would start from. */
        volatile boolean cannotBuild;

        State(final Projection<?> projection)
        {
            this.projection = projection;
        }

        boolean failed()
        {
            return error != null;
        }

        void fail(final String reason, final long at)
        {
            errorPosition = at;
            error = reason;
        }

        /** The event at {@code record} (decoded when {@code handler} is not null) applied, or handled as an error. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        void apply(final Projection.Handler handler, final Object event, final EventRecord record)
        {
            if (handler != null)
            {
                try
                {
                    final String aggregateId = record.aggregateId();
                    final dev.strand.engine.spi.EventMeta meta = new dev.strand.engine.spi.EventMeta(
                        record.aggregateType(), aggregateId, record.version(), record.position(), record.eventType(),
                        record.timestampMicros(), aggregateKeys.get(aggregateId));
                    final String key = handler.keyOf(event, meta);
                    if (key != null)
                    {
                        if (key.isEmpty() || key.length() > Projection.MAX_KEY_LENGTH)
                        {
                            throw new IllegalStateException("the key function gave a key of " + key.length() +
                                " characters (1 to " + Projection.MAX_KEY_LENGTH + ")");
                        }
                        final Record next = handler.foldObject(rows.get(key), event, meta);
                        if (next == null)
                        {
                            rows.remove(key);
                        }
                        else
                        {
                            rows.put(key, next);
                        }
                        aggregateKeys.put(aggregateId, key);
                    }
                }
                catch (final RuntimeException ex)
                {
                    error(ex, record.position());
                    return;
                }
            }
            applied++;
            position = record.position();
        }

        /** The fold (or the decoding for it) threw at {@code at}: counted, then stop or skip by the policy. */
        void error(final RuntimeException ex, final long at)
        {
            errors++;
            if (projection.errorPolicy() == ProjectionErrorPolicy.STOP)
            {
                fail("fold failed at position " + at + ": " + ex, at);
                LOG.error("projection {} stopped at position {} (error policy stop): {}", projection.name(), at,
                    ex.toString(), ex);
                return;
            }
            if (Long.bitCount(errors) == 1)
            {
                LOG.warn("projection {} skipped the event at position {} (error policy skip, {} skipped so far): {}",
                    projection.name(), at, errors, ex.toString());
            }
            position = at;
        }
    }

    /** A rebuild: a shadow following the journal from position 1 with its own reader until it reaches the live one. */
    private final class Rebuild
    {
        final Slot slot;
        final boolean dryRun;
        final CompletableFuture<RebuildResult> future = new CompletableFuture<>();
        final State shadow;
        final EventRecord record = new EventRecord();
        JournalReader reader;
        boolean done;

        Rebuild(final Slot slot, final boolean dryRun)
        {
            this.slot = slot;
            this.dryRun = dryRun;
            this.shadow = new State(slot.projection);
            slot.shadow = shadow;
        }

        /** Reads a batch into the shadow, up to the live reader's position; compares (and swaps) once there. */
        int advance()
        {
            if (reader == null)
            {
                reader = journal.newReader();
                if (!reader.seek(1))
                {
                    finish(new ProjectionException(ProjectionException.ARCHIVED, "the journal cannot be read from position 1"));
                    return 1;
                }
            }
            final long target = readPosition;
            int work = 0;
            while (work < SHADOW_BATCH && shadow.position < target && reader.nextPosition() <= target &&
                reader.next(record))
            {
                final EventType<?, ?> type = registry.eventType(record.aggregateType(), record.eventType());
                final Projection.Handler<?, ?> handler = type == null ? null : slot.handlers.get(type);
                Object event = null;
                if (handler != null)
                {
                    event = decodeFor(shadow, type, record);
                }
                if (handler == null || event != null)
                {
                    shadow.apply(handler, event, record);
                }
                if (shadow.failed())
                {
                    finish(new ProjectionException(ProjectionException.REBUILD_FAILED, "the rebuilt projection " +
                        slot.projection.name() + " failed: " + shadow.error));
                    return work + 1;
                }
                work++;
            }
            if (shadow.position >= target)
            {
                compare(target);
                work++;
            }
            return work;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void compare(final long at)
        {
            final State live = slot.live;
            final TreeSet<String> keys = new TreeSet<>(live.rows.keySet());
            keys.addAll(shadow.rows.keySet());
            long differing = 0;
            final dev.strand.engine.spi.RecordCodec rowCodec = slot.projection.rowCodec();
            for (final String key : keys)
            {
                final Record a = live.rows.get(key);
                final Record b = shadow.rows.get(key);
                if (a == null || b == null)
                {
                    differing++;
                    continue;
                }
                left.reset();
                right.reset();
                rowCodec.write(a, left);
                rowCodec.write(b, right);
                if (!Arrays.equals(left.toByteArray(), right.toByteArray()))
                {
                    differing++;
                }
            }
            final boolean swap = !dryRun;
            if (swap)
            {
                slot.live = shadow;
                slot.writeCheckpoint(shadow, "rebuild");
            }
            LOG.info("projection {}: rebuild at position {} compared {} rows, {} differ{}", slot.projection.name(), at,
                keys.size(), differing, swap ? "; the shadow replaced the live rows" : " (dry run: nothing swapped)");
            finish(new RebuildResult(at, keys.size(), differing, swap));
        }

        private void finish(final Object outcome)
        {
            done = true;
            slot.shadow = null;
            slot.rebuilding.set(false);
            if (outcome instanceof RebuildResult result)
            {
                future.complete(result);
            }
            else
            {
                future.completeExceptionally((Throwable)outcome);
            }
        }

        void close()
        {
            if (reader != null)
            {
                reader.close();
                reader = null;
            }
        }
    }
}
