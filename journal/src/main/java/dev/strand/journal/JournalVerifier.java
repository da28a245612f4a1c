package dev.strand.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks the journal checking every record's CRC32C, structure, position continuity and hash chain. The one walker:
 * {@link Journal#open(JournalConfig)} uses it for recovery and {@code JournalVerify} for the tool.
 *
 * <p>Rules: a record that fails its checks (or that Chronicle cannot read) with no valid record after it is a
 * torn tail; a bad record with a valid record after it, or a valid record whose first position does not
 * continue the previous one, is mid-log corruption. So is a record whose CRC32C is valid but whose chain hash is
 * not the SHA-256 of the previous chain hash and its own bytes (an edit that fixed the CRC32C), wherever it is, and
 * a record without a chain hash after the chain has started (a chained record rewritten in an older format). Records
 * listed in the dropped-excerpt side file are skipped.
 */
public final class JournalVerifier
{
    /** Records walked first when only the tail is checked; grows eightfold until a valid record is found. */
    static final long TAIL_WINDOW = 256;
    static final long FROM_START = Long.MIN_VALUE;
    /** No chain hash to look up ({@link #verify(Path, long)}). */
    public static final long NO_LOOKUP = -1;
    private static final long UNKNOWN = -1;
    /** Chronicle's excerpt header word: length and flags, before the excerpt's bytes. */
    private static final int HEADER_WORD = 4;

    /** Walks taken at most when retention keeps moving the journal's start during them. */
    private static final int MAX_WALKS = 5;

    private JournalVerifier()
    {
    }

    /**
     * Walks a whole journal directory without writing records (no appender, no side file). Safe to run while
     * the journal is open in another process; it then reports what was committed when it read each record.
     * The queue is opened read-write all the same (see {@link ChronicleQueues#openForReading(Path)}).
     *
     * @param directory the journal directory.
     * @return the report; {@link VerifyReport#isCorrupt()} tells mid-log corruption.
     * @throws IllegalArgumentException  if the directory does not exist.
     * @throws JournalCorruptedException if the dropped-excerpt side file is damaged.
     */
    public static VerifyReport verify(final Path directory)
    {
        return verify(directory, NO_LOOKUP);
    }

    /**
     * As {@link #verify(Path)}, also noting the chain hash of the commit that ends at {@code lookupPosition}
     * ({@link VerifyReport#lookup()}), to compare with a head stored elsewhere.
     *
     * @param directory      the journal directory.
     * @param lookupPosition a position (&gt;= 1), or {@link #NO_LOOKUP}.
     * @return the report.
     */
    public static VerifyReport verify(final Path directory, final long lookupPosition)
    {
        if (!Files.isDirectory(directory))
        {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        // Beside a running server, retention may move the oldest cycle files out between reading where the journal
        // starts and walking it: the walk then meets a start it did not expect. When the side file changed during a
        // walk that failed, the walk is taken again from the new start; a journal that fails with its start unchanged
        // is reported as it is.
        return verify(directory, lookupPosition, ArchivedPrefix::load);
    }

    /** As {@link #verify(Path, long)}, reading where the journal starts through {@code prefixes} (tests stage a race). */
    static VerifyReport verify(final Path directory, final long lookupPosition,
        final java.util.function.Function<Path, ArchivedPrefix> prefixes)
    {
        VerifyReport report;
        int walks = 0;
        ArchivedPrefix before;
        ArchivedPrefix after = prefixes.apply(directory);
        do
        {
            before = after;
            report = verify(directory, before, lookupPosition);
            after = prefixes.apply(directory);
        }
        while (report.isCorrupt() && !sameStart(before, after) && ++walks < MAX_WALKS);
        return report;
    }

    private static boolean sameStart(final ArchivedPrefix a, final ArchivedPrefix b)
    {
        return a.firstPosition() == b.firstPosition() && a.lastCycle() == b.lastCycle();
    }

    private static VerifyReport verify(final Path directory, final ArchivedPrefix prefix, final long lookupPosition)
    {
        final DroppedIndexes dropped = DroppedIndexes.load(directory);
        if (ChronicleQueues.cycleFiles(directory).isEmpty())
        {
            return walk(directory, null, dropped, prefix, true, List.of(), lookupPosition);
        }
        try (SingleChronicleQueue queue = ChronicleQueues.openForReading(directory))
        {
            final List<CycleEnds.Unterminated> unterminated;
            try
            {
                unterminated = CycleEnds.find(queue, dropped);
            }
            catch (final JournalCorruptedException ex)
            {
                final VerifyReport.BadRecord bad = new VerifyReport.BadRecord(-1, ex.file(), ex.position(), -1,
                    ex.reason());
                return new VerifyReport(directory, true, 0, 0, 0, 0, 0, ChronicleQueues.cycleFiles(directory),
                    List.of(), List.of(), List.of(), bad, -1, 0, 0, null, null);
            }
            return walk(directory, queue, dropped, prefix, true, unterminated, lookupPosition);
        }
    }

    /**
     * Walks an open queue: everything when {@code full}, else the tail (at least {@link #TAIL_WINDOW} records
     * and back to the last valid one).
     */
    static VerifyReport walk(
        final Path directory,
        final SingleChronicleQueue queue,
        final DroppedIndexes dropped,
        final ArchivedPrefix prefix,
        final boolean full)
    {
        return walk(directory, queue, dropped, prefix, full, List.of(), NO_LOOKUP);
    }

    /**
     * As {@link #walk(Path, SingleChronicleQueue, DroppedIndexes, ArchivedPrefix, boolean)}, stepping over the end of
     * cycles that {@link CycleEnds#find} found without their end-of-cycle marker (when they are not completed, as in
     * the read-only verify tool). A full walk starts at the prefix's first position, linked to its chain hash.
     */
    static VerifyReport walk(
        final Path directory,
        final SingleChronicleQueue queue,
        final DroppedIndexes dropped,
        final ArchivedPrefix prefix,
        final boolean full,
        final List<CycleEnds.Unterminated> unterminated,
        final long lookupPosition)
    {
        final long start = System.nanoTime();
        final List<Path> cycleFiles = ChronicleQueues.cycleFiles(directory);
        final List<Long> droppedList = new ArrayList<>();
        for (final long index : dropped.toArray())
        {
            droppedList.add(index);
        }
        if (queue == null || cycleFiles.isEmpty())
        {
            return new VerifyReport(directory, full, 0, 0, 0, 0, 0, cycleFiles, List.copyOf(droppedList), List.of(),
                List.of(), null, -1, System.nanoTime() - start, 0, null, lookupPosition == NO_LOOKUP ? null :
                new ChainLink(lookupPosition, null, "the journal is empty"));
        }
        try (ExcerptTailer tailer = queue.createTailer())
        {
            Walk walk;
            if (full)
            {
                walk = new Walk(queue, dropped, unterminated, lookupPosition, prefix);
                walk.run(tailer, FROM_START);
            }
            else
            {
                long window = TAIL_WINDOW;
                while (true)
                {
                    final long from = indexOfLast(queue, tailer, window);
                    walk = new Walk(queue, dropped, unterminated, lookupPosition, prefix);
                    walk.run(tailer, from);
                    if (from == FROM_START || walk.commits > 0)
                    {
                        break;
                    }
                    window *= 8;
                }
            }
            return new VerifyReport(directory, full, walk.commits, walk.events, walk.firstPosition, walk.lastPosition,
                walk.bytes, cycleFiles, List.copyOf(droppedList), List.copyOf(walk.pending),
                unterminated.stream().map(CycleEnds.Unterminated::file).toList(), walk.corruption,
                walk.lastValidIndex, System.nanoTime() - start, walk.chainStart,
                walk.chainStart > 0 ? ChainHash.hex(walk.previous) : null, walk.lookup());
        }
    }

    /**
     * @return the Chronicle index {@code n} records before the end, or {@link #FROM_START} if there are fewer.
     */
    static long indexOfLast(final SingleChronicleQueue queue, final ExcerptTailer tailer, final long n)
    {
        final RollCycle rollCycle = queue.rollCycle();
        long remaining = n;
        for (final long cycle : cycles(queue).descendingSet())
        {
            final long count = ChronicleQueues.excerptsInCycle(tailer, rollCycle, (int)cycle);
            if (count >= remaining)
            {
                return rollCycle.toIndex((int)cycle, count - remaining);
            }
            remaining -= Math.max(0, count);
        }
        return FROM_START;
    }

    static TreeSet<Long> cycles(final SingleChronicleQueue queue)
    {
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first > last || last < 0)
        {
            return new TreeSet<>();
        }
        final Set<Long> set = queue.listCyclesBetween(first, last);
        return new TreeSet<>(set);
    }

    private static final class Walk
    {
        private final SingleChronicleQueue queue;
        private final DroppedIndexes dropped;
        private final List<CycleEnds.Unterminated> unterminated;
        private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        private final CommitDecoder decoder = new CommitDecoder();
        private final ChainHash chain = new ChainHash();
        private final byte[] previous = ChainHash.GENESIS.clone();
        private final byte[] stored = new byte[ChainHash.LENGTH];
        private final byte[] computed = new byte[ChainHash.LENGTH];
        private final long lookupPosition;
        private final ArchivedPrefix prefix;
        private final List<VerifyReport.BadRecord> pending = new ArrayList<>();
        private VerifyReport.BadRecord corruption;
        private long commits;
        private long events;
        private long bytes;
        private long firstPosition;
        private long lastPosition;
        private long lastValidIndex = -1;
        private long expected;
        private long lastSeenIndex = -1;
        private long lastHeaderPosition = -1;
        private int lastHeaderCycle;
        private Path lastHeaderFile;
        /** Whether {@link #previous} is what the next chained commit must link to (false at the start of a tail walk). */
        private boolean previousKnown;
        private long chainStart;
        /** Whether a chained commit came before (walked, or archived before the journal's first position). */
        private boolean chainStarted;
        private ChainLink lookup;

        Walk(final SingleChronicleQueue queue, final DroppedIndexes dropped,
            final List<CycleEnds.Unterminated> unterminated, final long lookupPosition, final ArchivedPrefix prefix)
        {
            this.queue = queue;
            this.dropped = dropped;
            this.unterminated = unterminated;
            this.lookupPosition = lookupPosition;
            this.prefix = prefix;
        }

        ChainLink lookup()
        {
            if (lookupPosition == NO_LOOKUP || lookup != null)
            {
                return lookup;
            }
            return new ChainLink(lookupPosition, null, lookupPosition > lastPosition ?
                "the journal ends at position " + lastPosition + ", before it" :
                "not walked (only the tail was)");
        }

        /**
         * Moves the tailer from the end of a cycle that lacks its end-of-cycle marker to the next cycle.
         *
         * @return true if it moved.
         */
        private boolean stepOverUnterminated(final ExcerptTailer tailer, final long at)
        {
            final int cycle = queue.rollCycle().toCycle(at);
            for (final CycleEnds.Unterminated u : unterminated)
            {
                if (u.cycle() == cycle)
                {
                    final Long next = cycles(queue).higher((long)cycle);
                    return next != null && tailer.moveToIndex(queue.rollCycle().toIndex(next.intValue(), 0));
                }
            }
            return false;
        }

        void run(final ExcerptTailer tailer, final long from)
        {
            if (from == FROM_START || !tailer.moveToIndex(from))
            {
                tailer.toStart();
                expected = prefix.firstPosition();
                System.arraycopy(prefix.previousHash(), 0, previous, 0, ChainHash.LENGTH);
                chainStarted = prefix.chained();
                previousKnown = true;
            }
            else
            {
                expected = UNKNOWN;
            }
            while (corruption == null)
            {
                final long before = tailer.index();
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        if (!unterminated.isEmpty() && stepOverUnterminated(tailer, before))
                        {
                            continue;
                        }
                        break;
                    }
                    final long index = dc.index();
                    final Bytes<?> bytes = dc.wire().bytes();
                    lastSeenIndex = index;
                    lastHeaderPosition = bytes.readPosition() - HEADER_WORD;
                    lastHeaderCycle = queue.rollCycle().toCycle(index);
                    lastHeaderFile = ChronicleQueues.currentFile(tailer);
                    if (dropped.contains(index))
                    {
                        continue;
                    }
                    final long remaining = bytes.readRemaining();
                    if (remaining > Integer.MAX_VALUE - 64)
                    {
                        pending.add(bad(tailer, index, -1, "record length " + remaining + " is impossible"));
                        continue;
                    }
                    final int length = (int)remaining;
                    buffer.checkLimit(length);
                    bytes.nativeRead(bytes.readPosition(), buffer.addressOffset(), length);
                    check(tailer, index, length);
                }
                catch (final JournalCorruptedException ex)
                {
                    throw ex;
                }
                catch (final RuntimeException ex)
                {
                    lastSeenIndex = Math.max(lastSeenIndex, before);
                    pending.add(bad(tailer, before, -1, "Chronicle cannot read it: " + ex));
                    if (queue.rollCycle().toCycle(before) < queue.lastCycle())
                    {
                        corruption = note(pending.get(0), "unreadable record with later cycle files after it");
                        break;
                    }
                    if (!tailer.moveToIndex(before + 1))
                    {
                        break;
                    }
                }
            }
            if (corruption == null)
            {
                checkEnd(tailer);
            }
        }

        /**
         * Chronicle's tailer ends a walk at a zero header word. A process crash never leaves one where Chronicle
         * recorded an excerpt: it completes the header before it indexes the excerpt or moves the store's write
         * position to it. So an excerpt that the index or the write position knows of, but that the walk could
         * not reach, was lost from under Chronicle (a lost write or media damage). Without this check the journal
         * silently ends before it, acknowledged records after it vanish, and new appends land where no reader
         * looks (the appender skips the zero header as an empty excerpt).
         *
         * <p>A live journal (the tools and the offline backup run beside a server) is told apart: its appender may
         * have written, indexed and moved the write position after the walk's last read, and then the record after
         * the last one walked reads now. A lost write never does.
         */
        private void checkEnd(final ExcerptTailer tailer)
        {
            final long indexed = queue.lastIndex();
            if (indexed > lastSeenIndex && !grewMeanwhile(tailer))
            {
                corruption = new VerifyReport.BadRecord(lastSeenIndex + 1, lastHeaderFile, lastPosition + 1, -1,
                    "Chronicle's index lists records up to index 0x" + Long.toHexString(indexed) +
                    " but reading stops after 0x" + Long.toHexString(lastSeenIndex) +
                    ": the header word of the record after it reads as zero, so the records Chronicle lists after it " +
                    "cannot be read (a write that never reached the disk, such as an unsynced page at a power loss, " +
                    "or damage to the file)");
                return;
            }
            if (lastHeaderPosition < 0)
            {
                return;
            }
            final SingleChronicleQueueStore store = queue.storeForCycle(lastHeaderCycle, queue.epoch(), false, null);
            if (store == null)
            {
                return;
            }
            try
            {
                final long written = store.writePosition();
                if (written > lastHeaderPosition && !grewMeanwhile(tailer))
                {
                    corruption = new VerifyReport.BadRecord(lastSeenIndex + 1, lastHeaderFile, lastPosition + 1, -1,
                        "Chronicle's write position says a record was written at offset " + written + " but the header " +
                        "word before it reads as zero, so it cannot be read (a write that never reached the disk, such " +
                        "as an unsynced page at a power loss, or damage to the file)");
                }
            }
            finally
            {
                queue.closeStore(store);
            }
        }

        /** Whether a record after the last one walked can be read now (a live appender wrote it since). */
        private boolean grewMeanwhile(final ExcerptTailer tailer)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (dc.isPresent())
                {
                    dc.rollbackOnClose();
                    return true;
                }
                return false;
            }
            catch (final RuntimeException ex)
            {
                return false;
            }
        }

        private void check(final ExcerptTailer tailer, final long index, final int length)
        {
            final String reason = decoder.validate(buffer, length);
            if (reason != null)
            {
                pending.add(bad(tailer, index, claimed(length), reason));
                return;
            }
            final long first = CommitDecoder.firstPosition(buffer);
            final int count = CommitDecoder.count(buffer);
            if (!pending.isEmpty())
            {
                corruption = note(pending.get(0), "followed by a valid record at index 0x" + Long.toHexString(index));
                return;
            }
            if (expected != UNKNOWN && first != expected)
            {
                corruption = bad(tailer, index, first,
                    "position gap: record starts at " + first + ", expected " + expected);
                return;
            }
            final long last = first + count - 1;
            if (!checkChain(tailer, index, length, first, last))
            {
                return;
            }
            if (commits == 0)
            {
                firstPosition = first;
            }
            commits++;
            events += count;
            bytes += length;
            lastPosition = first + count - 1;
            expected = lastPosition + 1;
            lastValidIndex = index;
        }

        /**
         * Checks a valid record's link in the hash chain and moves the chain on.
         *
         * @return false when the chain is broken ({@link #corruption} set).
         */
        private boolean checkChain(final ExcerptTailer tailer, final long index, final int length, final long first,
            final long last)
        {
            final int version = CommitDecoder.version(buffer);
            if (!CommitFormat.chained(version))
            {
                if (chainStarted)
                {
                    corruption = bad(tailer, index, first, "commit " + first + ".." + last + " is in format " +
                        version + ", without a chain hash, but the hash chain started " + (chainStart > 0 ?
                        "at position " + chainStart : "before the journal's first position " + prefix.firstPosition()) +
                        ": a chained commit was rewritten in an older format");
                    return false;
                }
                previousKnown = true;
                noteLookup(first, last, null);
                return true;
            }
            final int at = CommitDecoder.chainHashOffset(length);
            buffer.getBytes(at, stored);
            if (previousKnown)
            {
                chain.compute(previous, buffer, at, computed);
                if (!Arrays.equals(computed, stored))
                {
                    corruption = bad(tailer, index, first, "hash chain broken at commit " + first + ".." + last +
                        ": its stored chain hash " + ChainHash.hex(stored) + " is not the SHA-256 of the previous " +
                        "commit's chain hash and its bytes (" + ChainHash.hex(computed) + "), though its CRC32C is " +
                        "valid: this commit, or the chain hash of the one before it, was changed after it was written");
                    return false;
                }
            }
            if (chainStart == 0)
            {
                chainStart = first;
            }
            chainStarted = true;
            System.arraycopy(stored, 0, previous, 0, ChainHash.LENGTH);
            previousKnown = true;
            noteLookup(first, last, stored);
            return true;
        }

        private void noteLookup(final long first, final long last, final byte[] hash)
        {
            if (lookupPosition == NO_LOOKUP || lookupPosition < first || lookupPosition > last)
            {
                return;
            }
            if (lookupPosition != last)
            {
                lookup = new ChainLink(lookupPosition, null, "position " + lookupPosition +
                    " is inside commit " + first + ".." + last + ": a head is the last position of a commit");
            }
            else if (hash == null)
            {
                lookup = new ChainLink(lookupPosition, null, "commit " + first + ".." + last +
                    " predates the hash chain (no chain hash)");
            }
            else
            {
                lookup = new ChainLink(lookupPosition, ChainHash.hex(hash), null);
            }
        }

        private long claimed(final int length)
        {
            if (length < CommitFormat.COMMIT_HEADER_LENGTH)
            {
                return -1;
            }
            final long claimed = buffer.getLong(CommitFormat.FIRST_POSITION_OFFSET, ByteOrder.LITTLE_ENDIAN);
            return claimed >= 1 ? claimed : -1;
        }

        private VerifyReport.BadRecord bad(
            final ExcerptTailer tailer, final long index, final long claimed, final String reason)
        {
            return new VerifyReport.BadRecord(index, ChronicleQueues.currentFile(tailer),
                expected == UNKNOWN ? lastPosition + 1 : expected, claimed, reason);
        }

        private static VerifyReport.BadRecord note(final VerifyReport.BadRecord bad, final String note)
        {
            return new VerifyReport.BadRecord(bad.chronicleIndex(), bad.file(), bad.expectedPosition(),
                bad.claimedPosition(), bad.reason() + "; " + note);
        }
    }
}
