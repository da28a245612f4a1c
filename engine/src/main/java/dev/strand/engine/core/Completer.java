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
 * Answers a slot once the journal holds its events (after the commit in async durability, after the group commit's
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
                final CommandResult result = resolve(slot.result);
                count(result, latency);
                slot.callback.onComplete(result);
            }
            else if (slot.kind == CommandSlot.BATCH)
            {
                final CommandResult[] results = slot.results;
                for (int i = 0; i < results.length; i++)
                {
                    results[i] = resolve(results[i]);
                    count(results[i], latency);
                }
                slot.batchCallback.onComplete(new BatchResult(slot.atomic, List.of(results), slot.failedIndex));
            }
        }
        catch (final Throwable t)
        {
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

    /** A replay marker carries the first position of the original events: read them back from the journal. */
    private CommandResult resolve(final CommandResult result)
    {
        if (result == null || !result.replayed() || result.events() != null)
        {
            return result;
        }
        final List<RecordedEvent> events = new ArrayList<>(2);
        if (reader.seek(result.position()))
        {
            while (reader.next(record) && result.commandId().equals(record.commandId()))
            {
                events.add(codec.toRecorded(record));
            }
        }
        final long last = events.isEmpty() ? result.position() : events.get(events.size() - 1).position();
        return new CommandResult(result.commandId(), null, true, last, List.copyOf(events));
    }

    /** The command id of the journaled event at {@code position}, or null when it cannot be read. */
    String commandIdAt(final long position)
    {
        return reader.seek(position) && reader.next(record) && record.position() == position ? record.commandId() : null;
    }

    void close()
    {
        reader.close();
    }
}
