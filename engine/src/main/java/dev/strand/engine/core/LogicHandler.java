package dev.strand.engine.core;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandHandler;
import dev.strand.engine.spi.DecideContext;
import dev.strand.engine.spi.EventType;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalFullException;
import org.agrona.collections.Object2ObjectHashMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single writer, fused with the journal and completion stages: decides each command against the in-memory
 * state, journals the resulting events as one commit, applies them, and answers. Group commit in sync durability:
 * {@link JournalAppender#flush()} once at the end of each Disruptor batch, and only then are the batch's commands
 * answered; in async durability each command is answered right after its commit.
 *
 * <p>Error policy: a module's handler, evolve or event encoder that throws rejects that command (COMMAND_HANDLER_FAILED, logged and
 * counted) and the pipeline goes on; a journal failure or a broken invariant halts the engine: this and every later
 * command gets HALTED, nothing unjournaled is acknowledged. A halt for the free-space floor lifts itself once space
 * is back above the floor (nothing was written).
 */
final class LogicHandler implements EventHandler<CommandSlot>, DecideContext<Object>
{
    private final EngineState state;
    private final JournalAppender appender;
    private final EngineControl control;
    private final Completer completer;
    private final boolean groupCommit;
    private RingBuffer<CommandSlot> ring;
    private final BinaryFieldWriter payloadWriter = new BinaryFieldWriter();

    /** Aggregates changed by the current unit (one command, or an atomic batch) and not yet applied. */
    private final Object2ObjectHashMap<String, AggregateEntry> staged = new Object2ObjectHashMap<>();
    /** Events of the current unit, in order. */
    private final List<PendingEvent> pending = new ArrayList<>();
    /** Command ids accepted earlier in the current atomic batch, with their first position. */
    private final Map<String, Long> unitCommandIds = new HashMap<>();

    private String cachedId;
    private AggregateEntry cachedEntry;
    /** What {@link #journalAndApply()} answers when a module's event encoder threw: nothing was written. */
    private static final List<RecordedEvent> ENCODER_FAILED = java.util.Collections.unmodifiableList(new ArrayList<>());

    private AggregateModule<Object> currentModule;
    /** The command whose event could not be encoded, when journalAndApply answered {@link #ENCODER_FAILED}. */
    private Command encoderFailed;
    private Command currentCommand;
    private String typeConflict;
    private long unflushedFrom = -1;

    /**
     * @param groupCommit true in sync durability: answers wait for the flush at the end of the Disruptor batch;
     *                    false in async durability: each slot is answered as soon as its commit is in the journal.
     */
    LogicHandler(
        final EngineState state,
        final JournalAppender appender,
        final EngineControl control,
        final Completer completer,
        final boolean groupCommit)
    {
        this.state = state;
        this.appender = appender;
        this.control = control;
        this.completer = completer;
        this.groupCommit = groupCommit;
    }

    /** The ring this handler consumes, to re-mark a batch's slots when a group commit fails. */
    void ringBuffer(final RingBuffer<CommandSlot> ring)
    {
        this.ring = ring;
    }

    @Override
    public void onEvent(final CommandSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (unflushedFrom < 0)
        {
            unflushedFrom = sequence;
        }
        try
        {
            switch (slot.kind)
            {
                case CommandSlot.SINGLE -> slot.result = executeSingle(slot.command);
                case CommandSlot.BATCH -> executeBatch(slot);
                case CommandSlot.CONTROL -> slot.control.accept(state);
                default -> throw new IllegalStateException("unknown slot kind " + slot.kind);
            }
        }
        catch (final Throwable t)
        {
            control.halt("logic stage failed: " + t, t);
            haltSlot(slot);
        }
        if (!groupCommit)
        {
            completer.complete(slot, sequence);
        }
        if (endOfBatch)
        {
            flush(sequence);
        }
    }

    private void flush(final long endSequence)
    {
        try
        {
            appender.flush();
        }
        catch (final Throwable t)
        {
            control.halt("journal flush failed: " + t, t);
            for (long s = unflushedFrom; s <= endSequence; s++)
            {
                haltSlot(ring.get(s));
            }
        }
        if (groupCommit)
        {
            for (long s = unflushedFrom; s <= endSequence; s++)
            {
                completer.complete(ring.get(s), s);
            }
        }
        unflushedFrom = -1;
    }

    private void haltSlot(final CommandSlot slot)
    {
        final Rejection halted = control.haltedRejection();
        if (slot.kind == CommandSlot.SINGLE)
        {
            slot.result = CommandResult.rejected(slot.command.commandId(), halted);
        }
        else if (slot.kind == CommandSlot.BATCH)
        {
            slot.results = new CommandResult[slot.batch.size()];
            for (int i = 0; i < slot.results.length; i++)
            {
                slot.results[i] = CommandResult.rejected(slot.batch.get(i).commandId(), halted);
            }
            slot.failedIndex = slot.atomic ? 0 : -1;
        }
    }

    private CommandResult executeSingle(final Command command)
    {
        final Rejection unavailable = control.checkAvailable();
        if (unavailable != null)
        {
            return CommandResult.rejected(command.commandId(), unavailable);
        }
        clearUnit();
        final CommandResult decided = decideOne(command);
        if (decided != null)
        {
            return decided;
        }
        return commitUnit(command);
    }

    private void executeBatch(final CommandSlot slot)
    {
        final List<Command> batch = slot.batch;
        final CommandResult[] results = new CommandResult[batch.size()];
        slot.results = results;
        slot.failedIndex = -1;
        if (!slot.atomic)
        {
            for (int i = 0; i < results.length; i++)
            {
                results[i] = executeSingle(batch.get(i));
            }
            return;
        }
        final Rejection unavailable = control.checkAvailable();
        if (unavailable != null)
        {
            haltSlotWith(slot, unavailable);
            return;
        }
        clearUnit();
        final int[] eventCounts = new int[results.length];
        for (int i = 0; i < results.length; i++)
        {
            final Command command = batch.get(i);
            final int before = pending.size();
            final CommandResult decided = decideOne(command);
            if (decided != null && !decided.replayed())
            {
                clearUnit();
                abortBatch(slot, i, decided);
                return;
            }
            results[i] = decided;
            eventCounts[i] = pending.size() - before;
            if (decided == null && eventCounts[i] > 0 && command.commandId() != null)
            {
                unitCommandIds.put(command.commandId(), pending.get(before).position);
            }
        }
        final List<RecordedEvent> all = journalAndApply();
        if (all == null)
        {
            haltSlotWith(slot, control.haltedRejection());
            return;
        }
        if (all == ENCODER_FAILED)
        {
            int failed = 0;
            while (batch.get(failed) != encoderFailed)
            {
                failed++;
            }
            abortBatch(slot, failed, CommandResult.rejected(encoderFailed.commandId(), handlerFailed(encoderFailed)));
            return;
        }
        int offset = 0;
        for (int i = 0; i < results.length; i++)
        {
            if (results[i] != null)
            {
                continue;
            }
            final List<RecordedEvent> own = all.subList(offset, offset + eventCounts[i]);
            offset += eventCounts[i];
            final long position = own.isEmpty() ? state.position() : own.get(own.size() - 1).position();
            results[i] = new CommandResult(batch.get(i).commandId(), null, false, position, List.copyOf(own));
        }
    }

    /** An atomic batch whose command {@code failed} was rejected: that one gets its result, the others ABORTED. */
    private static void abortBatch(final CommandSlot slot, final int failed, final CommandResult failure)
    {
        final Rejection aborted = new Rejection(RejectionKind.CONFLICT, ResultCodes.ABORTED,
            "not applied: command " + failed + " of the atomic batch was rejected", null, -1);
        for (int j = 0; j < slot.results.length; j++)
        {
            slot.results[j] = j == failed ? failure : CommandResult.rejected(slot.batch.get(j).commandId(), aborted);
        }
        slot.failedIndex = failed;
    }

    private void haltSlotWith(final CommandSlot slot, final Rejection rejection)
    {
        for (int i = 0; i < slot.results.length; i++)
        {
            slot.results[i] = CommandResult.rejected(slot.batch.get(i).commandId(), rejection);
        }
        slot.failedIndex = 0;
    }

    /** Starts a unit (one command or an atomic batch) afresh, or discards one that was rejected or not journaled. */
    private void clearUnit()
    {
        staged.clear();
        pending.clear();
        unitCommandIds.clear();
    }

    /**
     * Decides one command into the current unit.
     *
     * @return null when accepted (its events are pending), else the result to answer (rejection or replay).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private CommandResult decideOne(final Command command)
    {
        final String commandId = command.commandId();
        if (commandId != null)
        {
            final long first = state.window().firstPosition(IdempotencyWindow.hash(commandId));
            if (first != IdempotencyWindow.MISSING && commandId.equals(completer.commandIdAt(first)))
            {
                return new CommandResult(commandId, null, true, first, null);
            }
            final Long inUnit = unitCommandIds.get(commandId);
            if (inUnit != null)
            {
                return new CommandResult(commandId, null, true, inUnit, null);
            }
        }
        final AggregateModule module = command.type().module();
        final String aggregateId = command.aggregateId();
        final AggregateEntry target = lookup(aggregateId);
        if (target != null && target.module() != module)
        {
            return CommandResult.rejected(commandId, typeMismatch(aggregateId, target));
        }
        final long currentVersion = target == null ? 0 : target.version();
        final long expected = command.expectedVersion();
        if ((expected == Command.NO_AGGREGATE && currentVersion != 0) || (expected >= 0 && expected != currentVersion))
        {
            return CommandResult.rejected(commandId, Rejection.wrongExpectedVersion(aggregateId, expected, currentVersion));
        }

        final int mark = pending.size();
        currentModule = module;
        currentCommand = command;
        typeConflict = null;
        Rejection rejection;
        try
        {
            rejection = ((CommandHandler)command.type().handler()).decide(aggregateId, command.payload(), this);
            if (rejection == null && typeConflict != null)
            {
                rejection = typeMismatch(typeConflict, lookup(typeConflict));
            }
            if (rejection == null)
            {
                evolvePending(mark);
            }
        }
        catch (final Throwable t)
        {
            control.handlerFailed(command, t);
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
            return CommandResult.rejected(commandId, rejection);
        }
        return null;
    }

    private static Rejection handlerFailed(final Command command)
    {
        return new Rejection(RejectionKind.INTERNAL, ResultCodes.COMMAND_HANDLER_FAILED,
            "the " + command.type().name() + " handler failed; the command was not applied", null, -1);
    }

    private static Rejection typeMismatch(final String aggregateId, final AggregateEntry existing)
    {
        return new Rejection(RejectionKind.CONFLICT, ResultCodes.AGGREGATE_TYPE_MISMATCH,
            "aggregate " + aggregateId + " exists as a " + existing.module().aggregateType(), null, -1);
    }

    /** Assigns versions and positions to the events emitted since {@code mark} and evolves them into the stage. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void evolvePending(final int mark)
    {
        long position = state.position() + mark;
        for (int i = mark; i < pending.size(); i++)
        {
            final PendingEvent event = pending.get(i);
            final AggregateEntry current = lookup(event.aggregateId);
            final long version = current == null ? 1 : current.version() + 1;
            final Object before = current == null ? event.module.initialState() : current.state();
            final Object after = ((EventType)event.type).evolveObject(before, event.event);
            position++;
            event.position = position;
            event.version = version;
            event.entryAfter = new AggregateEntry(event.module, version, position, after);
            staged.put(event.aggregateId, event.entryAfter);
        }
    }

    /** Undoes the events emitted since {@code mark}: rebuilds the stage from the events before it. */
    private void rollbackTo(final int mark)
    {
        if (pending.size() == mark)
        {
            return;
        }
        while (pending.size() > mark)
        {
            pending.remove(pending.size() - 1);
        }
        staged.clear();
        for (int i = 0; i < mark; i++)
        {
            final PendingEvent event = pending.get(i);
            staged.put(event.aggregateId, event.entryAfter);
        }
    }

    private CommandResult commitUnit(final Command command)
    {
        final List<RecordedEvent> events = journalAndApply();
        if (events == null)
        {
            return CommandResult.rejected(command.commandId(), control.haltedRejection());
        }
        if (events == ENCODER_FAILED)
        {
            return CommandResult.rejected(command.commandId(), handlerFailed(command));
        }
        final long position = events.isEmpty() ? state.position() : events.get(events.size() - 1).position();
        return new CommandResult(command.commandId(), null, false, position, events);
    }

    /**
     * Journals the pending events as one commit and applies the stage to the state.
     *
     * @return the recorded events, or null when the journal refused (the engine is halted, nothing applied).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<RecordedEvent> journalAndApply()
    {
        final int count = pending.size();
        if (count == 0)
        {
            return List.of();
        }
        final RecordedEvent[] recorded = new RecordedEvent[count];
        try
        {
            appender.begin();
            for (int i = 0; i < count; i++)
            {
                final PendingEvent e = pending.get(i);
                payloadWriter.reset();
                try
                {
                    ((EventType)e.type).encodeObject(e.event, payloadWriter);
                }
                catch (final RuntimeException moduleBug)
                {
                    // a module's codec bug is that command's failure, as a throwing handler is: nothing written, no halt
                    appender.abort();
                    control.handlerFailed(e.command, moduleBug);
                    encoderFailed = e.command;
                    clearUnit();
                    return ENCODER_FAILED;
                }
                final Command c = e.command;
                appender.add(
                    e.position, e.module.aggregateType(), e.aggregateId, e.version, e.type.name(), e.type.schemaVersion(),
                    c.timestampMicros(), c.commandId(), c.correlationId(), c.commandId(),
                    payloadWriter.buffer(), 0, payloadWriter.length());
                recorded[i] = new RecordedEvent(e.position, e.module.aggregateType(), e.aggregateId, e.version, e.type,
                    c.timestampMicros(), c.commandId(), c.correlationId(), c.commandId(), e.event);
            }
            appender.commit();
        }
        catch (final JournalFullException full)
        {
            appender.abort();
            clearUnit();
            control.haltForSpace(full.getMessage());
            return null;
        }
        catch (final Throwable t)
        {
            clearUnit();
            control.halt("journal write failed: " + t, t);
            return null;
        }
        cachedId = null;
        cachedEntry = null;
        for (int i = 0; i < count; i++)
        {
            final PendingEvent e = pending.get(i);
            state.put(e.aggregateId, e.entryAfter);
            final String commandId = e.command.commandId();
            if (commandId != null && (i == 0 || pending.get(i - 1).command != e.command))
            {
                state.remember(commandId, e.position);
            }
        }
        staged.clear();
        pending.clear();
        return List.of(recorded);
    }

    /**
     * The aggregate as the current unit sees it: staged first, then committed. A decide looks the same id up several
     * times (exists, state, version, then evolve), so the last committed lookup is cached by identity of the id.
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

    // DecideContext, valid during decide() only.

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
        final EventType<?, ?> type = state.registry().eventTypeOf(event);
        if (type == null || type.module() != currentModule)
        {
            throw new IllegalArgumentException("event " + event.getClass().getName() + " is not an event type of module " +
                currentModule.aggregateType());
        }
        final AggregateEntry entry = lookup(aggregateId);
        if (entry != null && entry.module() != currentModule && typeConflict == null)
        {
            typeConflict = aggregateId;
        }
        pending.add(new PendingEvent(currentCommand, currentModule, aggregateId, type, event));
    }

    /** An event decided but not yet journaled. */
    private final class PendingEvent
    {
        final Command command;
        final AggregateModule<Object> module;
        final String aggregateId;
        final EventType<?, ?> type;
        final Object event;
        long position;
        long version;
        AggregateEntry entryAfter;

        PendingEvent(
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
        }
    }
}
