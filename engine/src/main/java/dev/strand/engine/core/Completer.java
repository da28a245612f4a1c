package dev.strand.engine.core;

import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.RejectionKind;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Answers a slot from its outcomes once the journal holds its events (after the commit in async durability, after the group commit's
 * flush in sync durability): resolves idempotent replays from the journal, records metrics and calls back. Runs on
 * the logic thread: a separate completion thread measured worse on 2 cores (a Disruptor consumer that depends on
 * another stage spins while waiting for it, whatever the wait strategy's blocking, and took a core). Callbacks must
 * not block; the gateway's only hops to a Vert.x context. Error policy: a callback that throws is logged and skipped.
 */
final class Completer
{
    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);

    private final Counters counters;
    private final EventCodec codec;
    private final JournalReader reader;
    private final EventRecord record = new EventRecord();

    Completer(final Counters counters, final ModuleRegistry registry, final Journal journal)
    {
        this.counters = counters;
        this.codec = new EventCodec(registry);
        this.reader = journal.newReader();
    }

    void complete(final CommandSlot slot, final long sequence)
    {
        try
        {
            final long latency = System.nanoTime() - slot.ingressNanos;
            if (slot.kind == CommandSlot.SINGLE)
            {
                final CommandResult result = answer(slot.command.commandId(), slot.outcome);
                count(result, latency);
                slot.callback.onComplete(result);
            }
            else if (slot.kind == CommandSlot.BATCH)
            {
                final Outcome[] outcomes = slot.outcomes;
                final CommandResult[] results = new CommandResult[outcomes.length];
                for (int i = 0; i < outcomes.length; i++)
                {
                    results[i] = answer(slot.batch.get(i).commandId(), outcomes[i]);
                    count(results[i], latency);
                }
                slot.batchCallback.onComplete(new BatchResult(slot.atomic, List.of(results), slot.failedIndex));
            }
        }
        catch (final Throwable t)
        {
            dev.strand.engine.api.OutOfMemoryPolicy.exitIfOutOfMemory(t);
            LOG.error("completion of ring slot {} failed; the caller was not answered", sequence, t);
        }
        finally
        {
            slot.clear();
        }
    }

    private void count(final CommandResult result, final long latencyNanos)
    {
        if (result.accepted())
        {
            if (result.replayed())
            {
                counters.replayed.increment();
            }
            else
            {
                counters.accepted.increment();
                counters.recordLatency(latencyNanos);
            }
        }
        else if (result.rejection().kind() == RejectionKind.UNAVAILABLE)
        {
            counters.halted.increment();
        }
        else if (result.rejection().kind() == RejectionKind.INTERNAL)
        {
            counters.failed.increment();
        }
        else
        {
            counters.rejected.increment();
        }
    }

    /** The answer for an outcome; a replay's original events are read back from the journal. */
    private CommandResult answer(final String commandId, final Outcome outcome)
    {
        if (outcome instanceof Outcome.Accepted a)
        {
            return new CommandResult(commandId, null, false, a.position(), a.events());
        }
        if (outcome instanceof Outcome.Rejected r)
        {
            return CommandResult.rejected(commandId, r.rejection());
        }
        if (outcome instanceof Outcome.Replayed r)
        {
            return replayed(commandId, r.firstPosition());
        }
        throw new IllegalStateException("a staged outcome left the core: " + outcome);
    }

    private CommandResult replayed(final String commandId, final long firstPosition)
    {
        final List<RecordedEvent> events = new ArrayList<>(2);
        try
        {
            if (reader.seek(firstPosition))
            {
                while (reader.next(record) && commandId.equals(record.commandId()))
                {
                    events.add(codec.toRecorded(record));
                }
            }
        }
        catch (final dev.strand.journal.JournalArchivedException ex)
        {
            // retention archived the original's events: the replay is answered with its position, without them
        }
        final long last = events.isEmpty() ? firstPosition : events.get(events.size() - 1).position();
        return new CommandResult(commandId, null, true, last, List.copyOf(events));
    }

    /** The command id of the journaled event at {@code position}, or null when it cannot be read (logic thread). */
    String commandIdAt(final long position)
    {
        return reader.seek(position) && reader.next(record) && record.position() == position ? record.commandId() : null;
    }

    void close()
    {
        reader.close();
    }
}
