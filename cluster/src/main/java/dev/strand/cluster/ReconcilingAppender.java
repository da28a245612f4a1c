package dev.strand.cluster;

import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalReader;
import org.agrona.DirectBuffer;

/**
 * The journal as the clustered service writes to it (docs/cluster.md, trap 7: every side effect runs again on replay). A
 * commit whose positions the journal already holds is one this member journaled before a restart: the cluster log is
 * being replayed over it. It is not written again; each of its events is checked against the journaled one
 * (position, aggregate, event type, command id), since positions are the same on every member and a difference means
 * the journal and the log disagree. A commit beyond the journal's end is appended. A commit that starts inside the
 * journal and ends beyond it cannot happen (commits are whole excerpts) and is refused.
 *
 * <p>Single-threaded: the service's thread.
 */
final class ReconcilingAppender implements JournalAppender
{
    private final Journal journal;
    private final JournalAppender appender;
    private final JournalReader reader;
    private final EventRecord record = new EventRecord();
    private boolean begun;
    private boolean skipping;
    private boolean appending;
    private long skippedEvents;

    ReconcilingAppender(final Journal journal)
    {
        this.journal = journal;
        this.appender = journal.appender();
        this.reader = journal.newReader();
    }

    /** @return events not written because the journal already held them (replays over it). */
    long skippedEvents()
    {
        return skippedEvents;
    }

    @Override
    public void begin()
    {
        if (begun)
        {
            throw new IllegalStateException("a commit is already begun");
        }
        begun = true;
        skipping = false;
        appending = false;
    }

    @Override
    public void add(final long position, final String aggregateType, final String aggregateId, final long version,
        final String eventType, final int schemaVersion, final long timestampMicros, final String commandId,
        final String correlationId, final String causationId, final long commandFingerprint, final String traceparent,
        final DirectBuffer payload, final int offset, final int length)
    {
        if (!begun)
        {
            throw new IllegalStateException("no commit begun");
        }
        if (position <= journal.lastPosition())
        {
            if (appending)
            {
                throw new IllegalStateException("commit mixes new positions with journaled position " + position);
            }
            skipping = true;
            check(position, aggregateId, version, eventType, commandId);
            return;
        }
        if (skipping)
        {
            throw new IllegalStateException("the journal ends at " + journal.lastPosition() + " inside a commit the " +
                "cluster log replays (position " + position + "): the journal and the log disagree");
        }
        if (!appending)
        {
            appending = true;
            appender.begin();
        }
        appender.add(position, aggregateType, aggregateId, version, eventType, schemaVersion, timestampMicros,
            commandId, correlationId, causationId, commandFingerprint, traceparent, payload, offset, length);
    }

    @Override
    public void commit()
    {
        if (!begun)
        {
            throw new IllegalStateException("no commit begun");
        }
        if (appending)
        {
            appender.commit();
        }
        begun = false;
        appending = false;
        skipping = false;
    }

    @Override
    public void abort()
    {
        if (appending)
        {
            appender.abort();
        }
        begun = false;
        appending = false;
        skipping = false;
    }

    @Override
    public void flush()
    {
        appender.flush();
    }

    void close()
    {
        reader.close();
    }

    private void check(final long position, final String aggregateId, final long version, final String eventType,
        final String commandId)
    {
        if (reader.nextPosition() != position && !reader.seek(position))
        {
            throw new IllegalStateException("cannot read journaled position " + position);
        }
        if (!reader.next(record) || record.position() != position)
        {
            throw new IllegalStateException("cannot read journaled position " + position);
        }
        if (!aggregateId.equals(record.aggregateId()) || version != record.version() ||
            !eventType.equals(record.eventType()) || !java.util.Objects.equals(commandId, record.commandId()))
        {
            throw new IllegalStateException("the journal and the cluster log disagree at position " + position +
                ": journaled " + record.eventType() + " of " + record.aggregateId() + " v" + record.version() +
                " (command " + record.commandId() + "), the log replays " + eventType + " of " + aggregateId + " v" +
                version + " (command " + commandId + "). This member's data directory is not from this cluster.");
        }
        skippedEvents++;
    }
}
