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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks the journal checking every record's CRC32C, structure and position continuity. The one walker:
 * {@link Journal#open(JournalConfig)} uses it for recovery and {@code JournalVerify} for the tool.
 *
 * <p>Rules: a record that fails its checks (or that Chronicle cannot read) with no valid record after it is a
 * torn tail; a bad record with a valid record after it, or a valid record whose first position does not
 * continue the previous one, is mid-log corruption. Records listed in the dropped-excerpt side file are
 * skipped.
 */
public final class JournalVerifier
{
    /** Records walked first when only the tail is checked; grows eightfold until a valid record is found. */
    static final long TAIL_WINDOW = 256;
    static final long FROM_START = Long.MIN_VALUE;
    private static final long UNKNOWN = -1;
    /** Chronicle's excerpt header word: length and flags, before the excerpt's bytes. */
    private static final int HEADER_WORD = 4;

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
        if (!Files.isDirectory(directory))
        {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        final DroppedIndexes dropped = DroppedIndexes.load(directory);
        if (ChronicleQueues.cycleFiles(directory).isEmpty())
        {
            return walk(directory, null, dropped, true);
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
                    List.of(), List.of(), List.of(), bad, -1, 0);
            }
            return walk(directory, queue, dropped, true, unterminated);
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
        final boolean full)
    {
        return walk(directory, queue, dropped, full, List.of());
    }

    /**
     * As {@link #walk(Path, SingleChronicleQueue, DroppedIndexes, boolean)}, stepping over the end of cycles that
     * {@link CycleEnds#find} found without their end-of-cycle marker (when they are not completed, as in the
     * read-only verify tool).
     */
    static VerifyReport walk(
        final Path directory,
        final SingleChronicleQueue queue,
        final DroppedIndexes dropped,
        final boolean full,
        final List<CycleEnds.Unterminated> unterminated)
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
                List.of(), null, -1, System.nanoTime() - start);
        }
        try (ExcerptTailer tailer = queue.createTailer())
        {
            Walk walk;
            if (full)
            {
                walk = new Walk(queue, dropped, unterminated);
                walk.run(tailer, FROM_START);
            }
            else
            {
                long window = TAIL_WINDOW;
                while (true)
                {
                    final long from = indexOfLast(queue, tailer, window);
                    walk = new Walk(queue, dropped, unterminated);
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
                walk.lastValidIndex, System.nanoTime() - start);
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

        Walk(final SingleChronicleQueue queue, final DroppedIndexes dropped,
            final List<CycleEnds.Unterminated> unterminated)
        {
            this.queue = queue;
            this.dropped = dropped;
            this.unterminated = unterminated;
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
                expected = 1;
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
                checkEnd();
            }
        }

        /**
         * Chronicle's tailer ends a walk at a zero header word. A process crash never leaves one where Chronicle
         * recorded an excerpt: it completes the header before it indexes the excerpt or moves the store's write
         * position to it. So an excerpt that the index or the write position knows of, but that the walk could
         * not reach, was lost from under Chronicle (a lost write or media damage). Without this check the journal
         * silently ends before it, acknowledged records after it vanish, and new appends land where no reader
         * looks (the appender skips the zero header as an empty excerpt).
         */
        private void checkEnd()
        {
            final long indexed = queue.lastIndex();
            if (indexed > lastSeenIndex)
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
                if (written > lastHeaderPosition)
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
