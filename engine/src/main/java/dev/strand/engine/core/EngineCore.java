package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.journal.JournalAppender;

import java.util.List;

/**
 * The deterministic engine core: executes commands against the state it owns and journals each unit of work as one
 * commit. No threads, no clock and no I/O of its own: the journal is handed in, and the time is in the command.
 * Every driver (the Disruptor ring on one node; a replicated log on a cluster) runs the same core in the order it
 * sequenced the commands, so equal inputs give equal journals and equal state hashes.
 *
 * <p>Failures: a module's handler, evolve or encoder that throws rejects that command ({@code COMMAND_HANDLER_FAILED})
 * and the core goes on. An exception or error from the journal propagates unchanged, with nothing applied and the
 * unit discarded: the driver decides what it means (the single-node driver halts).
 */
public final class EngineCore
{
    private static final Rejection ABORTED_TEMPLATE = new Rejection(RejectionKind.CONFLICT, ResultCodes.ABORTED,
        "not applied: a command of the atomic batch was rejected", null, -1);

    private final EngineState state;
    private final UnitOfWork unit;

    /**
     * @param state    the state to execute against (recovered from the journal the commits go to).
     * @param log      reads a command id back from that journal, to confirm idempotent replays.
     * @param failures told about module code that threw.
     */
    public EngineCore(final EngineState state, final UnitOfWork.CommandLog log, final UnitOfWork.FailureListener failures)
    {
        this.state = state;
        this.unit = new UnitOfWork(state, log, failures);
    }

    /** The state; for tasks that must run on the core's thread (hashes). */
    public EngineState state()
    {
        return state;
    }

    /**
     * Executes one command as its own unit of work.
     *
     * @return accepted (journaled and applied), rejected, or replayed.
     */
    public Outcome execute(final Command command, final JournalAppender journal)
    {
        unit.begin();
        final Outcome staged = unit.stage(command);
        if (!(staged instanceof Outcome.Staged s))
        {
            return staged;
        }
        final List<RecordedEvent> events;
        try
        {
            events = commit(journal);
        }
        catch (final UnitOfWork.EncodingFailed failed)
        {
            return new Outcome.Rejected(UnitOfWork.handlerFailed(command));
        }
        return accepted(s, events);
    }

    /**
     * Executes an atomic batch as one unit of work: every command is journaled in one commit, or none is. The first
     * rejected command rolls the batch back: it gets its own rejection, every other command {@code ABORTED}.
     * Repeats of accepted commands (inside the batch too) are replayed and do not fail the batch.
     *
     * @return one outcome per command, and the index of the failing command or -1.
     */
    public BatchOutcome executeAtomic(final List<Command> commands, final JournalAppender journal)
    {
        unit.begin();
        final Outcome[] outcomes = new Outcome[commands.size()];
        for (int i = 0; i < outcomes.length; i++)
        {
            final Outcome outcome = unit.stage(commands.get(i));
            if (outcome instanceof Outcome.Rejected rejected)
            {
                unit.begin();
                return aborted(commands.size(), i, rejected);
            }
            outcomes[i] = outcome;
        }
        final List<RecordedEvent> events;
        try
        {
            events = commit(journal);
        }
        catch (final UnitOfWork.EncodingFailed failed)
        {
            final int index = commands.indexOf(failed.command());
            return aborted(commands.size(), index, new Outcome.Rejected(UnitOfWork.handlerFailed(failed.command())));
        }
        for (int i = 0; i < outcomes.length; i++)
        {
            if (outcomes[i] instanceof Outcome.Staged s)
            {
                outcomes[i] = accepted(s, events);
            }
        }
        return new BatchOutcome(outcomes, -1);
    }

    /**
     * The outcomes of an atomic batch.
     *
     * @param outcomes    one per command, in submission order.
     * @param failedIndex the command that failed the batch (the others are {@code ABORTED}), or -1.
     */
    public record BatchOutcome(Outcome[] outcomes, int failedIndex)
    {
    }

    private List<RecordedEvent> commit(final JournalAppender journal) throws UnitOfWork.EncodingFailed
    {
        boolean written = false;
        try
        {
            unit.write(journal);
            written = true;
        }
        finally
        {
            if (!written)
            {
                unit.begin();
            }
        }
        return unit.apply();
    }

    private Outcome accepted(final Outcome.Staged staged, final List<RecordedEvent> unitEvents)
    {
        final List<RecordedEvent> own = UnitOfWork.eventsOf(staged, unitEvents);
        final long position = own.isEmpty() ? state.position() : own.get(own.size() - 1).position();
        return new Outcome.Accepted(position, own);
    }

    private static BatchOutcome aborted(final int size, final int failed, final Outcome.Rejected failure)
    {
        final Outcome.Rejected aborted = new Outcome.Rejected(new Rejection(ABORTED_TEMPLATE.kind(),
            ABORTED_TEMPLATE.code(), "not applied: command " + failed + " of the atomic batch was rejected", null, -1));
        final Outcome[] outcomes = new Outcome[size];
        for (int j = 0; j < size; j++)
        {
            outcomes[j] = j == failed ? failure : aborted;
        }
        return new BatchOutcome(outcomes, failed);
    }
}
