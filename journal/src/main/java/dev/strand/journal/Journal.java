package dev.strand.journal;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The durable record log: commits of events on a Chronicle Queue, one excerpt per commit, positions gapless
 * from 1. Open it with {@link #open(JournalConfig)}, append through the single {@link #appender()} from one
 * thread, read with any number of {@link #newReader() readers}, one thread each.
 *
 * <p>Threads: the caller's appender thread; one daemon {@code journal-preallocator} thread when
 * pre-allocation is on; reader threads of the caller's choosing. A lock file ({@value #LOCK_FILE}) keeps two
 * journals (in this or another process) off the same directory.
 */
public final class Journal implements AutoCloseable
{
    /** Name of the lock file in the journal directory. */
    public static final String LOCK_FILE = "journal.lock";

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final java.lang.invoke.VarHandle BYTES_WRITTEN;

    static
    {
        try
        {
            BYTES_WRITTEN = java.lang.invoke.MethodHandles.lookup().findVarHandle(Journal.class, "bytesWritten", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Path directory;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final DroppedIndexes dropped;
    private final RecoveryReport recoveryReport;
    private final FreeSpaceMonitor freeSpace;
    private final FileChannel lockChannel;
    private final Preallocator preallocator;
    private final Thread preallocatorThread;
    private final ChronicleJournalAppender appender;
    private final long preallocatorChunkBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ChainHead chainHead;
    private volatile ArchivedPrefix prefix;
    private volatile long lastPosition;
    private volatile long bytesWritten;

    private Journal(
        final Path directory,
        final SingleChronicleQueue queue,
        final DroppedIndexes dropped,
        final RecoveryReport recoveryReport,
        final FreeSpaceMonitor freeSpace,
        final FileChannel lockChannel,
        final JournalConfig config,
        final long initialBytes,
        final String headHash,
        final ArchivedPrefix prefix)
    {
        this.directory = directory;
        this.prefix = prefix;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.dropped = dropped;
        this.recoveryReport = recoveryReport;
        this.freeSpace = freeSpace;
        this.lockChannel = lockChannel;
        this.lastPosition = recoveryReport.lastPosition();
        this.bytesWritten = initialBytes;
        final byte[] head = headHash != null ? ChainHash.parse(headHash) : prefix.previousHash();
        this.chainHead = new ChainHead(headHash != null || prefix.chained() ? recoveryReport.lastPosition() : 0, head);
        this.preallocatorChunkBytes = config == null ? 0 : config.preallocateChunkBytes();
        if (config == null)
        {
            preallocator = null;
            preallocatorThread = null;
            appender = null;
            return;
        }
        if (config.preallocate())
        {
            final long slack = Math.max(64L << 10, 4L * 8 * queue.indexCount()) + 4096;
            preallocator = new Preallocator(config.preallocateAheadBytes(), config.preallocateMarginBytes(),
                config.preallocateChunkBytes(), slack, config.minFreeBytes(), freeSpace);
            preallocatorThread = new Thread(preallocator, Preallocator.THREAD_NAME);
            preallocatorThread.setDaemon(true);
        }
        else
        {
            preallocator = null;
            preallocatorThread = null;
        }
        final ExcerptAppender chronicleAppender = queue.createAppender();
        chronicleAppender.singleThreadedCheckDisabled(true);
        if (config.unchained() && (headHash != null || prefix.chained()))
        {
            throw new IllegalStateException("journal " + directory + " has a hash chain; it cannot be appended to " +
                "without one");
        }
        appender = new ChronicleJournalAppender(this, chronicleAppender, preallocator, freeSpace,
            config.minFreeBytes(), config.durability() == Durability.SYNC, queue.lastCycle(), head,
            config.unchained());
        if (preallocatorThread != null)
        {
            preallocatorThread.start();
        }
    }

    /**
     * Opens (creating if needed) the journal, recovering it: walks it (all of it, or the tail when
     * {@link JournalConfig#verifyOnOpen()} is false), drops a torn tail durably (side file written and fsynced
     * before any append), and refuses mid-log corruption.
     *
     * @param config the settings.
     * @return the open journal.
     * @throws JournalCorruptedException for mid-log corruption, naming the cycle file and the position.
     * @throws JournalLockedException    if another journal (in this or another process) holds the directory's lock.
     * @throws DirectoryNotWritableException if the directory or its lock file cannot be created or written.
     * @throws UncheckedIOException      if the directory cannot be prepared.
     */
    public static Journal open(final JournalConfig config)
    {
        final long start = System.nanoTime();
        final Path directory = config.directory().toAbsolutePath();
        final FileChannel lockChannel = lock(directory);
        SingleChronicleQueue queue = null;
        try
        {
            final FreeSpaceMonitor freeSpace = new FreeSpaceMonitor(directory);
            for (final Path unborn : ChronicleQueues.uninitializedCycleFiles(directory))
            {
                LOG.warn("journal {}: removing cycle file {}: its header was never completed (a crash while rolling " +
                    "to a new cycle), so it holds no record; left in place, every read of it would wait out " +
                    "Chronicle's timeout", directory, unborn.getFileName());
                Files.delete(unborn);
            }
            final RollCycle requested = config.rollCycle().chronicle();
            queue = ChronicleQueues.open(directory, requested, config.durability(), config.timeProvider(), false);
            final String effective = RollCycleNames.nameOf(queue.rollCycle());
            if (!effective.equals(config.rollCycle().name()))
            {
                LOG.warn("journal {}: the existing queue's roll cycle {} overrides the configured {}", directory,
                    effective, config.rollCycle());
            }

            DroppedIndexes dropped = DroppedIndexes.load(directory);
            final ArchivedPrefix prefix = ArchivedPrefix.load(directory);
            completeArchiving(directory, queue, prefix);
            completeEndOfCycleMarkers(directory, queue, dropped);
            final VerifyReport verify = JournalVerifier.walk(directory, queue, dropped, prefix, config.verifyOnOpen());
            if (verify.isCorrupt())
            {
                final VerifyReport.BadRecord bad = verify.corruption();
                throw new JournalCorruptedException(bad.reason() + " (Chronicle index 0x" +
                    Long.toHexString(bad.chronicleIndex()) + ')', bad.file(), bad.expectedPosition());
            }
            final List<Long> droppedPositions = new ArrayList<>();
            if (!verify.tornTail().isEmpty())
            {
                final long[] indexes = new long[verify.tornTail().size()];
                for (int i = 0; i < indexes.length; i++)
                {
                    final VerifyReport.BadRecord bad = verify.tornTail().get(i);
                    indexes[i] = bad.chronicleIndex();
                    droppedPositions.add(bad.expectedPosition());
                    LOG.warn("journal {}: dropping torn-tail record (never acknowledged): {}", directory, bad);
                }
                dropped = dropped.with(indexes);
                dropped.store(directory);
            }
            final RecoveryReport report = new RecoveryReport(verify.fullWalk(), verify.commits(), verify.events(),
                verify.lastPosition(), verify.tornTail().size(), List.copyOf(droppedPositions), verify.tornTail(),
                verify.previouslyDroppedIndexes(), effective, System.nanoTime() - start);
            final Journal journal = new Journal(directory, queue, dropped, report, freeSpace, lockChannel, config,
                dataBytes(queue), verify.headHash(), prefix);
            LOG.info("journal {} open: last position {}, {} commits / {} events checked ({}), {} torn-tail " +
                "record(s) dropped, roll cycle {}, {} ms", directory, report.lastPosition(), report.commitsScanned(),
                report.eventsScanned(), report.fullVerify() ? "full walk" : "tail", report.tornTailDropped(), effective,
                TimeUnit.NANOSECONDS.toMillis(report.durationNanos()));
            return journal;
        }
        catch (final IOException ex)
        {
            closeOnFailure(queue, lockChannel);
            throw new UncheckedIOException("cannot open journal " + directory, ex);
        }
        catch (final RuntimeException | Error ex)
        {
            closeOnFailure(queue, lockChannel);
            throw ex;
        }
    }

    /**
     * Opens a journal for reading only (the dump tool): no lock, no appender, no pre-allocator, no record or
     * side file written (the Chronicle queue itself is opened read-write, see the verify tool's notes).
     * The tail is checked; a torn tail is skipped in memory (not persisted). {@link #lastPosition()} is the
     * position at open and does not follow another process's appends.
     *
     * @param directory the journal directory.
     * @return the journal; {@link #appender()} throws.
     * @throws JournalCorruptedException for mid-log corruption found in the tail.
     */
    public static Journal openReadOnly(final Path directory)
    {
        final long start = System.nanoTime();
        final Path dir = directory.toAbsolutePath();
        if (!Files.isDirectory(dir) || ChronicleQueues.cycleFiles(dir).isEmpty())
        {
            throw new IllegalArgumentException("no journal in " + dir);
        }
        final SingleChronicleQueue queue = ChronicleQueues.openForReading(dir);
        try
        {
            DroppedIndexes dropped = DroppedIndexes.load(dir);
            final ArchivedPrefix prefix = ArchivedPrefix.load(dir);
            completeEndOfCycleMarkers(dir, queue, dropped);
            final VerifyReport verify = JournalVerifier.walk(dir, queue, dropped, prefix, false);
            if (verify.isCorrupt())
            {
                final VerifyReport.BadRecord bad = verify.corruption();
                throw new JournalCorruptedException(bad.reason(), bad.file(), bad.expectedPosition());
            }
            final long[] torn = verify.tornTail().stream().mapToLong(VerifyReport.BadRecord::chronicleIndex).toArray();
            dropped = dropped.with(torn);
            final RecoveryReport report = new RecoveryReport(false, verify.commits(), verify.events(),
                verify.lastPosition(), 0, List.of(), List.of(), verify.previouslyDroppedIndexes(),
                RollCycleNames.nameOf(queue.rollCycle()), System.nanoTime() - start);
            return new Journal(dir, queue, dropped, report, new FreeSpaceMonitor(dir), null, null, dataBytes(queue),
                verify.headHash(), prefix);
        }
        catch (final IOException ex)
        {
            queue.close();
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException | Error ex)
        {
            queue.close();
            throw ex;
        }
    }

    /**
     * @return position of the last committed event, 0 if empty. Readable from any thread.
     */
    public long lastPosition()
    {
        return lastPosition;
    }

    /**
     * @return the newest link of the hash chain and the first position served; any thread (allocates the answer).
     */
    public JournalHead head()
    {
        final ChainHead.Snapshot head = chainHead.read();
        // position and hash come from one consistent read; before the chain starts the hash is the genesis value
        return new JournalHead(head.position() == 0 ? lastPosition : head.position(), ChainHash.hex(head.hash()),
            prefix.firstPosition());
    }

    /**
     * The chain hash of the commit that ends at {@code position}, read from the journal; any thread.
     *
     * @param position a position.
     * @return the link, or why there is none (beyond the end, inside a commit, a commit written before the chain).
     */
    public ChainLink chainLinkAt(final long position)
    {
        final ArchivedPrefix archived = prefix;
        if (position == archived.firstPosition() - 1 && position > 0)
        {
            return archived.chained() ? new ChainLink(position, ChainHash.hex(archived.previousHash()), null) :
                new ChainLink(position, null, "commit ending at " + position + " predates the hash chain");
        }
        if (position < archived.firstPosition())
        {
            return new ChainLink(position, null, "position " + position + " is archived: the journal starts at " +
                archived.firstPosition());
        }
        if (position < 1 || position > lastPosition)
        {
            return new ChainLink(position, null, "the journal ends at position " + lastPosition);
        }
        try (JournalReader reader = newReader())
        {
            final EventRecord event = new EventRecord();
            if (!reader.seek(position) || !reader.next(event))
            {
                return new ChainLink(position, null, "position " + position + " cannot be read");
            }
            if (event.commitLastPosition() != position)
            {
                return new ChainLink(position, null, "position " + position + " is inside commit " +
                    event.commitFirstPosition() + ".." + event.commitLastPosition());
            }
            if (!event.hasChainHash())
            {
                return new ChainLink(position, null, "commit " + event.commitFirstPosition() + ".." + position +
                    " predates the hash chain");
            }
            return new ChainLink(position, event.chainHashHex(), null);
        }
    }

    /**
     * @return the first position the journal serves: 1, or the first after the cycle files archived by retention.
     * Any thread.
     */
    public long firstPosition()
    {
        return prefix.firstPosition();
    }

    /**
     * @return the single appender; only one thread may use it.
     * @throws IllegalStateException for a read-only journal.
     */
    public JournalAppender appender()
    {
        if (appender == null)
        {
            throw new IllegalStateException("journal opened read-only");
        }
        return appender;
    }

    /**
     * @return a new reader positioned at position 1; each reader is used by one thread.
     */
    public JournalReader newReader()
    {
        checkOpen();
        final ExcerptTailer tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
        return new JournalReader(this, queue, tailer, dropped);
    }

    /**
     * @return approximate bytes of journal data in the journal directory (Chronicle's write positions at open plus
     * records since, minus the records of cycle files retention moved out).
     */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * @return usable bytes on the journal's file system, cached and refreshed at most every ~100 ms.
     */
    public long freeBytes()
    {
        return freeSpace.freeBytes();
    }

    /**
     * @return bytes of real zeros the pre-allocator has written ahead of the writer since open (0 when off).
     */
    public long preallocatedBytes()
    {
        return preallocator == null ? 0 : preallocator.chunksWritten() * preallocatorChunkBytes;
    }

    /**
     * @return times the appender parked because a pre-allocation chunk was being written below its write limit
     * (expected to stay 0: the pre-allocator keeps an 8 MiB margin).
     */
    public long preallocatorWriterWaits()
    {
        return preallocator == null ? 0 : preallocator.writerWaits();
    }

    /**
     * @return rolls to a new cycle file made durable by a flush in {@code sync} durability (old cycle files and the
     * directory fsynced) since open.
     */
    public long rollSyncs()
    {
        return appender == null ? 0 : appender.rollSyncs();
    }

    /**
     * @return nanoseconds the flushes spent fsyncing old cycle files and the directory at rolls since open.
     */
    public long rollSyncNanos()
    {
        return appender == null ? 0 : appender.rollSyncNanos();
    }

    /**
     * @return what open() found: records checked, last position, torn-tail records dropped, time taken.
     */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /**
     * @return the roll cycle in effect (an existing queue's stored cycle overrides the configured one).
     */
    public String rollCycle()
    {
        return RollCycleNames.nameOf(rollCycle);
    }

    /**
     * @return the journal directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Stops the pre-allocator, closes the appender and the queue, releases the lock. Idempotent.
     */
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        if (preallocator != null)
        {
            preallocator.stop();
            try
            {
                preallocatorThread.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        try
        {
            if (appender != null)
            {
                appender.close();
            }
        }
        finally
        {
            closeOnFailure(queue, lockChannel);
        }
    }

    Preallocator preallocator()
    {
        return preallocator;
    }

    SingleChronicleQueue queue()
    {
        return queue;
    }

    ArchivedPrefix prefix()
    {
        return prefix;
    }

    /**
     * Retention thread: the cycle file of {@code moved.lastCycle()}, holding {@code bytes} of records, leaves the
     * journal directory; readers now start at {@code moved.firstPosition()}.
     */
    void archived(final ArchivedPrefix moved, final long bytes)
    {
        prefix = moved;
        BYTES_WRITTEN.getAndAdd(this, -bytes);
    }

    DroppedIndexes dropped()
    {
        return dropped;
    }

    void checkOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException("journal " + directory + " is closed");
        }
    }

    /**
     * Appender thread: a commit ending at {@code position} was written, with chain hash {@code hash} (null for a
     * commit without one).
     */
    void committed(final long position, final int recordBytes, final byte[] hash)
    {
        if (hash != null)
        {
            chainHead.set(position, hash);
        }
        BYTES_WRITTEN.getAndAdd(this, (long)recordBytes + 4);
        lastPosition = position;
    }

    /**
     * A retention run writes the archived-prefix side file before it deletes the cycle files the side file names (they
     * are safe in the archive, or recorded there as deleted); a crash in between leaves some of them behind. They hold
     * only positions before the journal's first, so they are deleted now, with one WARN each.
     */
    private static void completeArchiving(final Path directory, final SingleChronicleQueue queue,
        final ArchivedPrefix prefix) throws IOException
    {
        if (prefix.lastCycle() == Integer.MIN_VALUE)
        {
            return;
        }
        boolean deleted = false;
        for (final long cycle : JournalVerifier.cycles(queue))
        {
            if (cycle > prefix.lastCycle())
            {
                break;
            }
            final Path file = directory.resolve(ChronicleQueues.fileName(queue.rollCycle(), queue.epoch(), (int)cycle));
            if (Files.deleteIfExists(file))
            {
                deleted = true;
                LOG.warn("journal {}: removing cycle file {}: a retention run moved it out (the journal starts at " +
                    "position {}) and was stopped before it removed it; completing that run", directory,
                    file.getFileName(), prefix.firstPosition());
            }
        }
        if (deleted)
        {
            FileSync.directory(directory);
            queue.refreshDirectoryListing();
        }
    }

    /**
     * A crash or power loss right after a roll can leave the old cycle without its end-of-cycle marker (the page
     * holding it was never written back) while the next cycle carries on; Chronicle's readers would then stop at the
     * end of the old cycle. {@link CycleEnds} tells that state from damage; this completes the marker.
     */
    private static void completeEndOfCycleMarkers(
        final Path directory, final SingleChronicleQueue queue, final DroppedIndexes dropped)
    {
        for (final CycleEnds.Unterminated cycle : CycleEnds.find(queue, dropped))
        {
            CycleEnds.complete(cycle);
            LOG.warn("journal {}: cycle file {} had no end-of-cycle marker, though its records end cleanly at " +
                "position {} and the next cycle continues at {} (what a crash or power loss right after a roll " +
                "leaves; nothing is lost): marker completed at offset {}", directory, cycle.file().getFileName(),
                cycle.lastPosition(), cycle.nextCycleFirst() < 0 ? "(no record yet)" : cycle.nextCycleFirst(),
                cycle.markerOffset());
        }
    }

    private static long dataBytes(final SingleChronicleQueue queue)
    {
        long total = 0;
        for (final long cycle : JournalVerifier.cycles(queue))
        {
            final SingleChronicleQueueStore store = queue.storeForCycle((int)cycle, queue.epoch(), false, null);
            if (store != null)
            {
                try
                {
                    total += store.writePosition();
                }
                finally
                {
                    queue.closeStore(store);
                }
            }
        }
        return total;
    }

    private static FileChannel lock(final Path directory)
    {
        try
        {
            Files.createDirectories(directory);
            final FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                channel.close();
                throw new JournalLockedException(directory, ProcessHandle.current().pid(), true);
            }
            if (lock == null)
            {
                final long holder = holderPid(channel);
                channel.close();
                throw new JournalLockedException(directory, holder, false);
            }
            final byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(pid), 0);
            return channel;
        }
        catch (final java.nio.file.AccessDeniedException ex)
        {
            throw new DirectoryNotWritableException("journal", directory, "permission denied");
        }
        catch (final java.nio.file.FileSystemException ex)
        {
            throw new DirectoryNotWritableException("journal", directory, ex.getReason() != null ? ex.getReason() : ex.toString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot lock journal " + directory, ex);
        }
    }

    /** The pid the lock's holder wrote into the lock file, or -1. */
    private static long holderPid(final FileChannel channel)
    {
        try
        {
            final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(32);
            channel.read(bytes, 0);
            final String text = new String(bytes.array(), 0, bytes.position(),
                java.nio.charset.StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
    }

    private static void closeOnFailure(final SingleChronicleQueue queue, final FileChannel lockChannel)
    {
        try
        {
            if (queue != null)
            {
                queue.close();
            }
        }
        finally
        {
            if (lockChannel != null)
            {
                try
                {
                    lockChannel.close();
                }
                catch (final IOException ex)
                {
                    LOG.warn("releasing the journal lock failed", ex);
                }
            }
        }
    }
}
