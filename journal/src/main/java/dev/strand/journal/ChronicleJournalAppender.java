package dev.strand.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's appender on a Chronicle {@link ExcerptAppender}: encodes a commit into a reusable buffer, links it
 * to the previous commit with its chain hash, then copies it into one excerpt. Allocation-free in steady state (the
 * two chain hash arrays swap roles at each commit).
 *
 * <p>Rolls in {@code sync} durability: at a roll Chronicle writes the old cycle's end-of-cycle marker into the old
 * cycle's mapping and creates the next cycle file, but its {@code sync()} msyncs only the current cycle; the old
 * mapping is written back when its last user releases it, which a lagging reader can put off for minutes. So the
 * appender notes each roll at commit, and the next {@link #flush()} fsyncs every cycle file left since the last flush
 * and then the journal directory (the new file's directory entry), before the batch is acknowledged.
 */
final class ChronicleJournalAppender implements JournalAppender
{
    private final Journal journal;
    private final ExcerptAppender appender;
    private final CommitEncoder encoder = new CommitEncoder();
    private final Preallocator preallocator;
    private final FreeSpaceMonitor freeSpace;
    private final long minFreeBytes;
    private final boolean sync;
    private final Path directory;
    private final List<Path> rolledFrom = new ArrayList<>(2);
    private final boolean unchained;
    private int cycle = Integer.MIN_VALUE;
    private Path cycleFile;
    private boolean directoryUnsynced = true;
    private long rollSyncs;
    private long rollSyncNanos;
    private boolean begun;
    /** The chain hash of the last commit written (what the next one links to). */
    private byte[] previousHash;
    /** Receives the chain hash of the commit being written. */
    private byte[] nextHash = new byte[ChainHash.LENGTH];

    ChronicleJournalAppender(
        final Journal journal,
        final ExcerptAppender appender,
        final Preallocator preallocator,
        final FreeSpaceMonitor freeSpace,
        final long minFreeBytes,
        final boolean sync,
        final int lastCycle,
        final byte[] headHash,
        final boolean unchained)
    {
        this.previousHash = headHash.clone();
        this.unchained = unchained;
        this.journal = journal;
        this.appender = appender;
        this.preallocator = preallocator;
        this.freeSpace = freeSpace;
        this.minFreeBytes = minFreeBytes;
        this.sync = sync;
        this.directory = journal.directory();
        // The cycle the previous run ended in: the first commit after open may land in a newer one, and that roll
        // must make the old cycle's end-of-cycle marker durable like any other.
        final List<Path> files = ChronicleQueues.cycleFiles(directory);
        if (!files.isEmpty())
        {
            cycleFile = files.get(files.size() - 1);
            cycle = lastCycle;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void begin()
    {
        journal.checkOpen();
        if (begun)
        {
            throw new IllegalStateException("a commit is already begun: commit() or abort() it first");
        }
        encoder.reset();
        begun = true;
    }

    /**
     * {@inheritDoc}
     */
    public void add(
        final long position,
        final String aggregateType,
        final String aggregateId,
        final long version,
        final String eventType,
        final int schemaVersion,
        final long timestampMicros,
        final String commandId,
        final String correlationId,
        final String causationId,
        final long commandFingerprint,
        final String traceparent,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (!begun)
        {
            throw new IllegalStateException("add() without begin()");
        }
        final long expected = journal.lastPosition() + 1 + encoder.count();
        if (position != expected)
        {
            throw new IllegalStateException("position " + position + " is not the next position " + expected);
        }
        encoder.add(position, aggregateType, aggregateId, version, eventType, schemaVersion, timestampMicros, commandId,
            correlationId, causationId, commandFingerprint, traceparent, payload, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public void commit()
    {
        if (!begun)
        {
            throw new IllegalStateException("commit() without begin()");
        }
        journal.checkOpen();
        final int count = encoder.count();
        if (count == 0)
        {
            begun = false;
            return;
        }
        final long free = freeSpace.freeBytes();
        if (free < minFreeBytes)
        {
            throw new JournalFullException(free, minFreeBytes);
        }
        final int length = unchained ? encoder.finishUnchained() : encoder.finish(previousHash, nextHash);
        if (preallocator != null)
        {
            preallocator.beforeWrite(length);
        }
        final long end = write(encoder.buffer(), length);
        begun = false;
        final byte[] written = unchained ? null : nextHash;
        if (!unchained)
        {
            nextHash = previousHash;
            previousHash = written;
        }
        if (sync && appender.cycle() != cycle)
        {
            onCycle(appender.cycle());
        }
        if (preallocator != null)
        {
            preallocator.afterWrite(appender.cycle(), end, appender);
        }
        journal.committed(encoder.firstPosition() + count - 1, length, written);
    }

    /**
     * {@inheritDoc}
     */
    public void abort()
    {
        begun = false;
        encoder.reset();
    }

    /**
     * {@inheritDoc}
     */
    public void flush()
    {
        if (!sync)
        {
            return;
        }
        journal.checkOpen();
        try
        {
            appender.sync();
        }
        catch (final RuntimeException ex)
        {
            throw new JournalWriteException("msync of the journal failed", ex);
        }
        if (directoryUnsynced)
        {
            syncRoll();
        }
    }

    /**
     * @return rolls made durable (old cycle files and the directory fsynced) since open; 0 in async durability.
     */
    long rollSyncs()
    {
        return rollSyncs;
    }

    /**
     * @return nanoseconds spent fsyncing old cycle files and the directory since open.
     */
    long rollSyncNanos()
    {
        return rollSyncNanos;
    }

    /**
     * A commit landed in another cycle than the last one: remember the old cycle's file for the next flush.
     * Allocates, once per roll.
     */
    private void onCycle(final int newCycle)
    {
        if (cycleFile != null)
        {
            rolledFrom.add(cycleFile);
        }
        cycle = newCycle;
        cycleFile = ChronicleQueues.currentFile(appender);
        directoryUnsynced = true;
    }

    private void syncRoll()
    {
        final long start = System.nanoTime();
        try
        {
            for (int i = 0; i < rolledFrom.size(); i++)
            {
                // fdatasync: the marker's page and the file's size; the modification time need not be durable
                try (FileChannel channel = FileChannel.open(rolledFrom.get(i), StandardOpenOption.READ))
                {
                    channel.force(false);
                }
            }
            FileSync.directory(directory);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new JournalWriteException("fsync of the journal at a roll to a new cycle file failed", ex);
        }
        if (!rolledFrom.isEmpty())
        {
            rollSyncs++;
            rollSyncNanos += System.nanoTime() - start;
        }
        rolledFrom.clear();
        directoryUnsynced = false;
    }

    void close()
    {
        begun = false;
        appender.close();
    }

    private long write(final ExpandableDirectByteBuffer buffer, final int length)
    {
        final DocumentContext dc;
        try
        {
            dc = appender.writingDocument();
        }
        catch (final RuntimeException ex)
        {
            throw new JournalWriteException("cannot start a Chronicle excerpt", ex);
        }
        final long end;
        try
        {
            final Bytes<?> bytes = dc.wire().bytes();
            final long start = bytes.writePosition();
            bytes.nativeWrite(buffer.addressOffset(), start, length);
            bytes.writeSkip(length);
            end = bytes.writePosition();
        }
        catch (final RuntimeException | Error ex)
        {
            dc.rollbackOnClose();
            closeQuietly(dc, ex);
            if (ex instanceof Error)
            {
                throw (Error)ex;
            }
            throw new JournalWriteException("writing a commit to Chronicle failed", ex);
        }
        try
        {
            dc.close();
        }
        catch (final RuntimeException ex)
        {
            throw new JournalWriteException("completing a Chronicle excerpt failed", ex);
        }
        return end;
    }

    private static void closeQuietly(final DocumentContext dc, final Throwable primary)
    {
        try
        {
            dc.close();
        }
        catch (final RuntimeException ex)
        {
            primary.addSuppressed(ex);
        }
    }
}
