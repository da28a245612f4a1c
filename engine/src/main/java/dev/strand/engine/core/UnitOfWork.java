package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandHandler;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.DecideContext;
import dev.strand.engine.spi.Decider;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.DecisionContext;
import dev.strand.engine.spi.EventType;
import dev.strand.journal.JournalAppender;
import org.agrona.collections.Object2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The staging of one unit of work: a single command, or the commands of an atomic batch, decided one after the other
 * against the committed state plus what the unit staged so far. Nothing reaches the state until {@link #apply()};
 * {@link #write} encodes the whole unit into one journal commit. Deterministic, single-threaded, no I/O of its own:
 * the journal it writes to and the command log it confirms idempotent replays with are given to it.
 *
 * <p>Order of checks for each command: idempotency (the window, then the unit's own earlier commands), aggregate
 * type, expected version, then the module's {@code decide}, whose events are evolved into the stage at once so that
 * later commands of the unit see them.
 *
 * <p>A decision may read aggregates of every type and put events on them: each event goes to the aggregate type its
 * class belongs to, and creates the aggregate when it does not exist. An event on an aggregate of another type, or a
 * read of an aggregate as a type it is not, refuses the command (AGGREGATE_TYPE_MISMATCH); everything the unit
 * touched is journaled in one commit, or nothing is. Staged events are kept in reused slots: staging allocates only
 * what outlives the unit (the aggregates' new entries and the recorded events).
 */
public final class UnitOfWork implements DecideContext<Object>
{
    /** Reads back what the journal holds: the command id of the event at a position, or null. */
    @FunctionalInterface
    public interface CommandLog
    {
        String commandIdAt(long position);
    }

    /** Told about module code that threw (the command is rejected, the engine goes on). */
    @FunctionalInterface
    public interface FailureListener
    {
        void moduleFailed(Command command, Throwable cause);
    }

    /** A module's event encoder threw while the unit was written: nothing was written. */
    static final class EncodingFailed extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final transient Command command;

        EncodingFailed(final Command command, final Throwable cause)
        {
            super(cause);
            this.command = command;
        }

        Command command()
        {
            return command;
        }
    }

    private final EngineState state;
    private final CommandLog log;
    private final FailureListener failures;
    private final BinaryFieldWriter payloadWriter = new BinaryFieldWriter();
    private final Object2ObjectHashMap<String, AggregateEntry> staged = new Object2ObjectHashMap<>();
    private final Decisions decisions = new Decisions();
    /** Events staged by the unit, in order: {@code pending[0..pendingCount)}; the slots are reused. */
    private PendingEvent[] pending = new PendingEvent[16];
    private int pendingCount;
    /** Commands accepted into this unit, in order, for replays inside an atomic batch. */
    private final List<Command> commands = new ArrayList<>();
    private final List<RecordedEvent> recorded = new ArrayList<>();

    private String cachedId;
    private AggregateEntry cachedEntry;
    /** The last event class staged and its type: most commands put events of the type the one before did. */
    private Class<?> cachedEventClass;
    private EventType<?, ?> cachedEventType;
    private AggregateModule<Object> currentModule;
    private Command currentCommand;
    /** A read of an aggregate as a type it is not, during the current decide: the command is refused. */
    private String readConflict;
    private AggregateModule<?> readConflictType;
    private boolean written;

    public UnitOfWork(final EngineState state, final CommandLog log, final FailureListener failures)
    {
        this.state = state;
        this.log = log;
        this.failures = failures;
    }

    /** Starts a unit afresh, discarding whatever the previous one staged and did not apply. */
    public void begin()
    {
        staged.clear();
        for (int i = 0; i < pendingCount; i++)
        {
            pending[i].clear();
        }
        pendingCount = 0;
        commands.clear();
        recorded.clear();
        written = false;
        cachedId = null;
        cachedEntry = null;
    }

    /** @return events staged so far. */
    public int pendingEvents()
    {
        return pendingCount;
    }

    /**
     * Decides one command into the unit.
     *
     * @return {@link Outcome.Staged} with its events pending in the unit, {@link Outcome.Replayed} for a repeat of an
     * accepted command, or {@link Outcome.Rejected} (nothing of it stays staged).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Outcome stage(final Command command)
    {
        if (written)
        {
            throw new IllegalStateException("the unit was written; begin() a new one");
        }
        final Outcome repeat = idempotency(command);
        if (repeat != null)
        {
            return repeat;
        }
        final AggregateModule module = command.type().module();
        final String aggregateId = command.aggregateId();
        final AggregateEntry target = lookup(aggregateId);
        if (target != null && target.module() != module)
        {
            return new Outcome.Rejected(typeMismatch(aggregateId, target, module, null));
        }
        final long currentVersion = target == null ? 0 : target.version();
        final long expected = command.expectedVersion();
        if ((expected == Command.NO_AGGREGATE && currentVersion != 0) || (expected >= 0 && expected != currentVersion))
        {
            return new Outcome.Rejected(Rejection.wrongExpectedVersion(aggregateId, expected, currentVersion));
        }

        final int mark = pendingCount;
        currentModule = module;
        currentCommand = command;
        readConflict = null;
        Rejection rejection;
        try
        {
            rejection = decide(command.type(), aggregateId, command.payload());
            if (rejection == null && readConflict != null)
            {
                rejection = typeMismatch(readConflict, lookup(readConflict), readConflictType, null);
            }
            if (rejection == null)
            {
                rejection = evolvePending(mark);
            }
        }
        catch (final Throwable t)
        {
            dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(t);
            failures.moduleFailed(command, t);
            rejection = handlerFailed(command);
        }
        finally
        {
            currentModule = null;
            currentCommand = null;
        }
        if (rejection != null)
        {
            rollbackTo(mark);
            return new Outcome.Rejected(rejection);
        }
        if (pendingCount > mark)
        {
            commands.add(command);
        }
        return new Outcome.Staged(mark, pendingCount - mark);
    }

    /** Runs the command type's decide; its events are staged (not yet evolved). @return its rejection, or null. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Rejection decide(final CommandType type, final String aggregateId, final Object payload)
    {
        final Decider decider = type.decider();
        if (decider == null)
        {
            return ((CommandHandler)type.handler()).decide(aggregateId, payload, this);
        }
        final Decision decision = decider.decide(payload, decisions);
        if (decision == null)
        {
            throw new IllegalStateException("the " + type.name() + " decider returned null, not a Decision");
        }
        if (!decision.accepted())
        {
            return decision.rejection();
        }
        for (int i = 0, n = decision.size(); i < n; i++)
        {
            final Object event = decision.event(i);
            final String target = decision.aggregateId(i);
            final EventType<?, ?> eventType = eventTypeOf(event);
            if (eventType == null)
            {
                throw new IllegalArgumentException("the " + type.name() + " decider returned an event of class " +
                    event.getClass().getName() + ", which no module registers as an event type");
            }
            stagePending(target == null ? aggregateId : target, eventType, event);
        }
        return null;
    }

    /**
     * Encodes every pending event into one journal commit. On a journal failure (an exception from the appender) the
     * commit is not written and the exception propagates; the unit must be discarded with {@link #begin()}.
     *
     * @throws EncodingFailed when a module's event encoder threw: nothing was written, the unit is discarded.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void write(final JournalAppender journal) throws EncodingFailed
    {
        written = true;
        final int count = pendingCount;
        if (count == 0)
        {
            return;
        }
        journal.begin();
        boolean done = false;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final PendingEvent e = pending[i];
                payloadWriter.reset();
                try
                {
                    ((EventType)e.type).encodeObject(e.event, payloadWriter);
                }
                catch (final RuntimeException moduleBug)
                {
                    failures.moduleFailed(e.command, moduleBug);
                    throw new EncodingFailed(e.command, moduleBug);
                }
                final Command c = e.command;
                final boolean firstOfCommand = i == 0 || pending[i - 1].command != c;
                journal.add(e.position, e.module.aggregateType(), e.aggregateId, e.version, e.type.name(),
                    e.type.schemaVersion(), c.timestampMicros(), c.commandId(), c.correlationId(), c.commandId(),
                    firstOfCommand ? c.fingerprint() : 0, c.traceparent(), payloadWriter.buffer(), 0,
                    payloadWriter.length());
                recorded.add(new RecordedEvent(e.position, e.module.aggregateType(), e.aggregateId, e.version, e.type,
                    c.timestampMicros(), c.commandId(), c.correlationId(), c.commandId(), e.event, c.traceparent()));
            }
            journal.commit();
            done = true;
        }
        finally
        {
            if (!done)
            {
                journal.abort();
                recorded.clear();
            }
        }
    }

    /**
     * Installs the written unit into the state: aggregates, position and the idempotency window.
     *
     * @return the unit's events in position order.
     */
    List<RecordedEvent> apply()
    {
        if (!written)
        {
            throw new IllegalStateException("apply() before write()");
        }
        for (int i = 0; i < pendingCount; i++)
        {
            final PendingEvent e = pending[i];
            state.put(e.aggregateId, e.entryAfter);
            final Command command = e.command;
            if (command.commandId() != null && (i == 0 || pending[i - 1].command != command))
            {
                state.remember(command.commandId(), e.position, command.fingerprint());
            }
        }
        final List<RecordedEvent> events = List.copyOf(recorded);
        begin();
        return events;
    }

    /**
     * @return the events of a staged command, from the unit's applied events.
     */
    static List<RecordedEvent> eventsOf(final Outcome.Staged staged, final List<RecordedEvent> unitEvents)
    {
        return staged.eventCount() == unitEvents.size() ? unitEvents :
            unitEvents.subList(staged.firstEvent(), staged.firstEvent() + staged.eventCount());
    }

    static Rejection handlerFailed(final Command command)
    {
        return new Rejection(RejectionKind.INTERNAL, ResultCodes.COMMAND_HANDLER_FAILED,
            "the " + command.type().name() + " handler failed; the command was not applied", null, -1);
    }

    static Rejection idempotencyKeyReused(final String commandId)
    {
        return Rejection.business(ResultCodes.IDEMPOTENCY_KEY_REUSED, "commandId " + commandId +
            " was already used for a different command (another type, aggregate, expectedVersion or data); " +
            "use a new commandId for a new command");
    }

    /**
     * A command id seen before: in the window (confirmed against the journal) or earlier in this unit.
     *
     * @return the replay or the reuse rejection, or null for a command not seen before.
     */
    /**
     * Whether the event at {@code position} carries {@code commandId}: the journal confirms the window's 64-bit hash.
     * When retention archived that position the hash and fingerprint stand alone (a repeat is answered as one, never
     * executed twice).
     */
    private boolean journaledAt(final long position, final String commandId)
    {
        try
        {
            return commandId.equals(log.commandIdAt(position));
        }
        catch (final dev.strand.journal.JournalArchivedException ex)
        {
            return true;
        }
    }

    private Outcome idempotency(final Command command)
    {
        final String commandId = command.commandId();
        if (commandId == null)
        {
            return null;
        }
        final long hash = IdempotencyWindow.hash(commandId);
        final long first = state.window().firstPosition(hash);
        if (first != IdempotencyWindow.MISSING && journaledAt(first, commandId))
        {
            return sameCommand(state.window().fingerprint(hash), command) ? new Outcome.Replayed(first) :
                new Outcome.Rejected(idempotencyKeyReused(commandId));
        }
        for (int i = 0; i < commands.size(); i++)
        {
            final Command earlier = commands.get(i);
            if (commandId.equals(earlier.commandId()))
            {
                return sameCommand(earlier.fingerprint(), command) ? new Outcome.Replayed(firstPositionOf(earlier)) :
                    new Outcome.Rejected(idempotencyKeyReused(commandId));
            }
        }
        return null;
    }

    /** Unknown fingerprints (journal format 1, commands built without one) count as the same command. */
    private static boolean sameCommand(final long remembered, final Command command)
    {
        return remembered == 0 || command.fingerprint() == 0 || remembered == command.fingerprint();
    }

    private long firstPositionOf(final Command command)
    {
        for (int i = 0; i < pendingCount; i++)
        {
            if (pending[i].command == command)
            {
                return pending[i].position;
            }
        }
        throw new IllegalStateException("command " + command.commandId() + " has no staged event");
    }

    /**
     * @param wanted     the aggregate type the command, the event or the read wanted it to be.
     * @param eventType  the event that would have gone on it, or null.
     */
    private static Rejection typeMismatch(final String aggregateId, final AggregateEntry existing,
        final AggregateModule<?> wanted, final EventType<?, ?> eventType)
    {
        final String why = eventType != null ? "; event " + eventType.name() + " is of " + wanted.aggregateType() :
            wanted != null ? ", not a " + wanted.aggregateType() : "";
        return new Rejection(RejectionKind.CONFLICT, ResultCodes.AGGREGATE_TYPE_MISMATCH,
            "aggregate " + aggregateId + " exists as a " + existing.module().aggregateType() + why, null, -1);
    }

    /**
     * Assigns versions and positions to the events staged since {@code mark} and evolves them into the stage, each
     * into the aggregate type of its event type (an aggregate that does not exist yet starts from that type's
     * initial state).
     *
     * @return AGGREGATE_TYPE_MISMATCH for an event on an aggregate of another type, else null.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Rejection evolvePending(final int mark)
    {
        long position = state.position() + mark;
        for (int i = mark; i < pendingCount; i++)
        {
            final PendingEvent event = pending[i];
            final AggregateEntry current = lookup(event.aggregateId);
            if (current != null && current.module() != event.module)
            {
                return typeMismatch(event.aggregateId, current, event.module, event.type);
            }
            final long version = current == null ? 1 : current.version() + 1;
            final Object before = current == null ? event.module.initialState() : current.state();
            final Object after = ((EventType)event.type).evolveObject(before, event.event);
            position++;
            event.position = position;
            event.version = version;
            event.entryAfter = new AggregateEntry(event.module, version, position, after);
            staged.put(event.aggregateId, event.entryAfter);
        }
        return null;
    }

    /** Undoes the events emitted since {@code mark}: rebuilds the stage from the events before it. */
    private void rollbackTo(final int mark)
    {
        if (pendingCount == mark)
        {
            return;
        }
        for (int i = mark; i < pendingCount; i++)
        {
            pending[i].clear();
        }
        pendingCount = mark;
        staged.clear();
        for (int i = 0; i < mark; i++)
        {
            final PendingEvent event = pending[i];
            staged.put(event.aggregateId, event.entryAfter);
        }
    }

    /** Stages an event of the current command, in a reused slot. */
    @SuppressWarnings("unchecked")
    private void stagePending(final String aggregateId, final EventType<?, ?> type, final Object event)
    {
        if (pendingCount == pending.length)
        {
            pending = Arrays.copyOf(pending, pending.length * 2);
        }
        PendingEvent slot = pending[pendingCount];
        if (slot == null)
        {
            slot = new PendingEvent();
            pending[pendingCount] = slot;
        }
        slot.set(currentCommand, (AggregateModule<Object>)type.module(), aggregateId, type, event);
        pendingCount++;
    }

    /**
     * The aggregate as the unit sees it: staged first, then committed. A decide looks the same id up several times
     * (exists, state, version, then evolve), so the last committed lookup is cached by identity of the id.
     */
    private AggregateEntry lookup(final String aggregateId)
    {
        if (!staged.isEmpty())
        {
            final AggregateEntry stagedEntry = staged.get(aggregateId);
            if (stagedEntry != null)
            {
                return stagedEntry;
            }
        }
        if (aggregateId == cachedId)
        {
            return cachedEntry;
        }
        final AggregateEntry entry = state.get(aggregateId);
        cachedId = aggregateId;
        cachedEntry = entry;
        return entry;
    }

    /** @return the event type whose class {@code event} is, or null. */
    private EventType<?, ?> eventTypeOf(final Object event)
    {
        final Class<?> eventClass = event.getClass();
        if (eventClass != cachedEventClass)
        {
            cachedEventType = state.registry().eventTypeOf(event);
            cachedEventClass = eventClass;
        }
        return cachedEventType;
    }

    /** The module whose state class is {@code stateType}. */
    private AggregateModule<?> moduleOfState(final Class<?> stateType)
    {
        if (currentModule.stateType() == stateType)
        {
            return currentModule;
        }
        final AggregateModule<?> module = state.registry().moduleOfState(stateType);
        if (module == null)
        {
            throw new IllegalArgumentException("no aggregate type has state class " + stateType.getName());
        }
        return module;
    }

    /** An entry of {@code module}'s type, or null; notes a read conflict when the aggregate is of another type. */
    private AggregateEntry entryOf(final AggregateModule<?> module, final String aggregateId)
    {
        final AggregateEntry entry = lookup(aggregateId);
        if (entry != null && entry.module() != module)
        {
            if (readConflict == null)
            {
                readConflict = aggregateId;
                readConflictType = module;
            }
            return null;
        }
        return entry;
    }

    // DecideContext (SPI v1), valid during decide() only.

    @Override
    public boolean exists(final String aggregateId)
    {
        final AggregateEntry entry = lookup(aggregateId);
        return entry != null && entry.module() == currentModule;
    }

    @Override
    public Object state(final String aggregateId)
    {
        final AggregateEntry entry = lookup(aggregateId);
        return entry != null && entry.module() == currentModule ? entry.state() : currentModule.initialState();
    }

    @Override
    public long version(final String aggregateId)
    {
        final AggregateEntry entry = lookup(aggregateId);
        return entry != null && entry.module() == currentModule ? entry.version() : 0;
    }

    @Override
    public long timestampMicros()
    {
        return currentCommand.timestampMicros();
    }

    @Override
    public void emit(final String aggregateId, final Object event)
    {
        final EventType<?, ?> type = eventTypeOf(event);
        if (type == null || type.module() != currentModule)
        {
            throw new IllegalArgumentException("event " + event.getClass().getName() + " is not an event type of module " +
                currentModule.aggregateType());
        }
        stagePending(aggregateId, type, event);
    }

    /** The {@link DecisionContext} (SPI v2) of the command being decided; valid during decide() only. */
    private final class Decisions implements DecisionContext<Object>
    {
        @Override
        public String aggregateId()
        {
            return currentCommand.aggregateId();
        }

        @Override
        public boolean exists()
        {
            return lookup(currentCommand.aggregateId()) != null;
        }

        @Override
        public Object state()
        {
            final AggregateEntry entry = lookup(currentCommand.aggregateId());
            return entry == null ? currentModule.initialState() : entry.state();
        }

        @Override
        public long version()
        {
            final AggregateEntry entry = lookup(currentCommand.aggregateId());
            return entry == null ? 0 : entry.version();
        }

        @Override
        public long timestampMicros()
        {
            return currentCommand.timestampMicros();
        }

        @Override
        public boolean exists(final Class<?> stateType, final String aggregateId)
        {
            final AggregateModule<?> module = moduleOfState(stateType);
            final AggregateEntry entry = lookup(aggregateId);
            return entry != null && entry.module() == module;
        }

        @Override
        public <T> T state(final Class<T> stateType, final String aggregateId)
        {
            final AggregateModule<?> module = moduleOfState(stateType);
            final AggregateEntry entry = entryOf(module, aggregateId);
            return stateType.cast(entry == null ? module.initialState() : entry.state());
        }

        @Override
        public long version(final Class<?> stateType, final String aggregateId)
        {
            final AggregateEntry entry = entryOf(moduleOfState(stateType), aggregateId);
            return entry == null ? 0 : entry.version();
        }
    }

    /** An event decided but not yet journaled; the slot is reused by later units. */
    private static final class PendingEvent
    {
        Command command;
        AggregateModule<Object> module;
        String aggregateId;
        EventType<?, ?> type;
        Object event;
        long position;
        long version;
        AggregateEntry entryAfter;

        void set(
            final Command command,
            final AggregateModule<Object> module,
            final String aggregateId,
            final EventType<?, ?> type,
            final Object event)
        {
            this.command = command;
            this.module = module;
            this.aggregateId = aggregateId;
            this.type = type;
            this.event = event;
            this.position = 0;
            this.version = 0;
            this.entryAfter = null;
        }

        /** Drops the references, so a reused slot keeps nothing of a finished unit alive. */
        void clear()
        {
            set(null, null, null, null, null);
        }
    }
}
