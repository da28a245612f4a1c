package dev.strand.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.nio.ByteOrder;

/**
 * Reads committed events in position order, from any position, and tails the journal while the appender
 * writes. Each reader is used by one thread; it holds one Chronicle tailer and copies each commit record into
 * its own buffer, checks the CRC32C, then hands the events out one by one. Repeated strings (aggregate and
 * event types) are cached, so only ids allocate.
 */
public final class JournalReader implements AutoCloseable
{
    private static final long NOT_FOUND = Long.MIN_VALUE;

    private final Journal journal;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final ExcerptTailer tailer;
    private final DroppedIndexes dropped;
    private final ExpandableDirectByteBuffer commit = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer probe = new ExpandableDirectByteBuffer(64);
    private final CommitDecoder decoder = new CommitDecoder();
    private final Long2LongHashMap cycleFirstPositions = new Long2LongHashMap(NOT_FOUND);

    private long nextPosition = 1;
    private boolean afterSeek = true;
    private int remaining;
    private int cursor;
    private long commitFirst;
    private long commitLast;
    private int commitHashOffset = -1;
    private long probeIndex;
    private long probeFirst;
    private boolean closed;

    JournalReader(
        final Journal journal,
        final SingleChronicleQueue queue,
        final ExcerptTailer tailer,
        final DroppedIndexes dropped)
    {
        this.journal = journal;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.tailer = tailer;
        this.dropped = dropped;
        tailer.toStart();
    }

    /**
     * Positions the reader so the next {@link #next(EventRecord)} returns the event at {@code position}.
     * Binary search over cycles (each cycle's first position is cached) and then a galloping/binary search
     * over Chronicle indexes within the cycle: O(log n) excerpt reads, no scan.
     *
     * @param position the position to read next (&gt;= 1); {@code lastPosition() + 1} tails from the end.
     * @return false (and the reader unchanged) if {@code position > lastPosition() + 1}.
     * @throws IllegalArgumentException if position &lt; 1.
     * @throws JournalArchivedException if position is below {@link Journal#firstPosition()} (archived).
     */
    public boolean seek(final long position)
    {
        checkOpen();
        if (position < 1)
        {
            throw new IllegalArgumentException("position must be >= 1, was " + position);
        }
        if (position > journal.lastPosition() + 1)
        {
            return false;
        }
        final long first = journal.firstPosition();
        if (position < first)
        {
            throw new JournalArchivedException(position, first);
        }
        final long index = position == 1 ? NOT_FOUND : locate(position);
        if (index == NOT_FOUND)
        {
            tailer.toStart();
        }
        else if (!tailer.moveToIndex(index))
        {
            throw new IllegalStateException("Chronicle cannot move to index 0x" + Long.toHexString(index));
        }
        remaining = 0;
        nextPosition = position;
        afterSeek = true;
        return true;
    }

    /**
     * Fills {@code into} with the next committed event.
     *
     * @param into the holder to fill (its payload view is valid until the next call).
     * @return true if an event was read; false when none is available yet (call again later to tail).
     * @throws JournalCorruptedException on a bad checksum or a position gap, naming the position and the file;
     *                                   the reader stays on the bad record.
     */
    public boolean next(final EventRecord into)
    {
        checkOpen();
        while (true)
        {
            while (remaining > 0)
            {
                remaining--;
                final long position = commitLast - remaining;
                if (position < nextPosition)
                {
                    cursor = CommitDecoder.skip(commit, cursor);
                    continue;
                }
                cursor = decoder.decode(commit, cursor, into, commitFirst, commitLast);
                into.chainHash(commit, commitHashOffset);
                nextPosition = position + 1;
                return true;
            }
            if (!readCommit())
            {
                return false;
            }
        }
    }

    /**
     * @return the position the next {@link #next(EventRecord)} would return.
     */
    public long nextPosition()
    {
        return nextPosition;
    }

    /**
     * Closes the Chronicle tailer. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (!journal.isClosed())
            {
                tailer.close();
            }
        }
    }

    private boolean readCommit()
    {
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return false;
                }
                if (dropped.contains(dc.index()))
                {
                    continue;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final int length = (int)Math.min(bytes.readRemaining(), Integer.MAX_VALUE - 64);
                commit.checkLimit(length);
                bytes.nativeRead(bytes.readPosition(), commit.addressOffset(), length);
                final String reason = decoder.validate(commit, length);
                if (reason != null)
                {
                    dc.rollbackOnClose();
                    throw corrupted(reason + " (Chronicle index 0x" + Long.toHexString(dc.index()) + ')');
                }
                final long first = CommitDecoder.firstPosition(commit);
                final long last = first + CommitDecoder.count(commit) - 1;
                if (afterSeek ? first > nextPosition || last + 1 < nextPosition : first != nextPosition)
                {
                    dc.rollbackOnClose();
                    throw corrupted("position gap: record holds " + first + ".." + last + ", expected " +
                        nextPosition + " (Chronicle index 0x" + Long.toHexString(dc.index()) + ')');
                }
                afterSeek = false;
                if (last < nextPosition)
                {
                    continue;
                }
                commitFirst = first;
                commitLast = last;
                commitHashOffset = CommitDecoder.chained(commit) ? CommitDecoder.chainHashOffset(length) : -1;
                remaining = (int)(last - first + 1);
                cursor = CommitDecoder.firstEventOffset();
                return true;
            }
        }
    }

    private JournalCorruptedException corrupted(final String reason)
    {
        return new JournalCorruptedException(reason, ChronicleQueues.currentFile(tailer), nextPosition);
    }

    /**
     * The cycles of the queue's files. Retention deletes the oldest files on its own thread; Chronicle's cached
     * directory listing may still name one for a moment, and resolving it then fails: the listing is read again.
     */
    private long[] cycles()
    {
        try
        {
            return JournalVerifier.cycles(queue).stream().mapToLong(Long::longValue).toArray();
        }
        catch (final IllegalStateException ex)
        {
            queue.refreshDirectoryListing();
            return JournalVerifier.cycles(queue).stream().mapToLong(Long::longValue).toArray();
        }
    }

    /**
     * @return the Chronicle index of the last commit whose first position is &lt;= {@code position}.
     */
    private long locate(final long position)
    {
        final long[] cycles = cycles();
        int lo = 0;
        int hi = cycles.length - 1;
        int bestCycle = -1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            int probed = mid;
            long first = firstPositionOfCycle((int)cycles[probed]);
            while (first == NOT_FOUND && probed < hi)
            {
                probed++;
                first = firstPositionOfCycle((int)cycles[probed]);
            }
            if (first == NOT_FOUND || first > position)
            {
                hi = mid - 1;
            }
            else
            {
                bestCycle = probed;
                lo = probed + 1;
            }
        }
        if (bestCycle < 0)
        {
            return NOT_FOUND;
        }
        return locateInCycle((int)cycles[bestCycle], position);
    }

    /**
     * Galloping then binary search over the sequence numbers of one cycle whose first commit starts at or
     * before {@code position}. Uses only {@code moveToIndex} probes: Chronicle's {@code excerptsInCycle} scans.
     */
    private long locateInCycle(final int cycle, final long position)
    {
        if (!probeFrom(cycle, 0) || probeFirst > position)
        {
            return NOT_FOUND;
        }
        long best = probeIndex;
        long known = rollCycle.toSequenceNumber(probeIndex);
        long step = 1;
        long hi;
        while (true)
        {
            final long seq = known + step;
            if (!probeFrom(cycle, seq) || probeFirst > position)
            {
                hi = seq - 1;
                break;
            }
            best = probeIndex;
            known = rollCycle.toSequenceNumber(probeIndex);
            step <<= 1;
        }
        long lo = known + 1;
        while (lo <= hi)
        {
            final long mid = (lo + hi) >>> 1;
            if (probeFrom(cycle, mid) && probeFirst <= position)
            {
                best = probeIndex;
                lo = rollCycle.toSequenceNumber(probeIndex) + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return best;
    }

    /**
     * @return the first position of a cycle's first commit (cached: it never changes once written), or
     * {@link #NOT_FOUND} if the cycle holds no commit yet.
     */
    private long firstPositionOfCycle(final int cycle)
    {
        final long cached = cycleFirstPositions.get(cycle);
        if (cached != NOT_FOUND)
        {
            return cached;
        }
        if (!probeFrom(cycle, 0))
        {
            return NOT_FOUND;
        }
        cycleFirstPositions.put(cycle, probeFirst);
        return probeFirst;
    }

    /**
     * Reads the first position of the first commit at or after sequence {@code seq} of {@code cycle}, skipping
     * dropped excerpts, into {@link #probeIndex} / {@link #probeFirst}.
     *
     * @return false if the cycle has no such commit.
     */
    private boolean probeFrom(final int cycle, final long seq)
    {
        for (long s = seq; ; s++)
        {
            final long index = rollCycle.toIndex(cycle, s);
            if (dropped.contains(index))
            {
                continue;
            }
            if (!tailer.moveToIndex(index))
            {
                return false;
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent() || dc.index() != index)
                {
                    return false;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                if (bytes.readRemaining() < CommitFormat.COMMIT_HEADER_LENGTH)
                {
                    return false;
                }
                bytes.nativeRead(bytes.readPosition(), probe.addressOffset(), CommitFormat.COMMIT_HEADER_LENGTH);
                probeIndex = index;
                probeFirst = probe.getLong(CommitFormat.FIRST_POSITION_OFFSET, ByteOrder.LITTLE_ENDIAN);
                return true;
            }
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("reader is closed");
        }
        journal.checkOpen();
    }
}
