package dev.strand.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds, and on request completes, the end-of-cycle marker of a cycle file that a power loss at a roll left
 * without one.
 *
 * <p>At a roll Chronicle writes an end-of-cycle marker (a header word {@code 0xC0000000}) after the old cycle's
 * last record, then creates the next cycle file. If the page holding that marker never reached the disk (no msync
 * of the old cycle before the power went) the old cycle ends in zeros: its record chain stops cleanly, there is no
 * marker, and the next cycle file carries on. Chronicle's readers then wait at the end of the old cycle forever and
 * the rest of the journal is out of reach. That state loses nothing, and is told apart from damage by three checks:
 * <ol>
 * <li>the old cycle's record chain ends at a zero header word (no record is half there);</li>
 * <li>every byte after that word to the end of the file is zero (no record was written after a lost one);</li>
 * <li>the next non-empty cycle's first record continues the positions of the old cycle's last record without a
 * gap (no commit was lost at the roll).</li>
 * </ol>
 * A cycle that fails any check is damage and is reported as such, saying what was seen.
 */
final class CycleEnds
{
    /** One read of the raw scan. */
    private static final int SCAN_CHUNK = 64 << 10;
    private static final int HEADER_WORD = 4;

    private CycleEnds()
    {
    }

    /**
     * A non-last cycle that holds no end-of-cycle marker but otherwise shows the roll signature.
     *
     * @param cycle          the Chronicle cycle.
     * @param file           its cycle file.
     * @param markerOffset   the file offset where the marker belongs (the zero header word after the last record).
     * @param lastPosition   the last journal position in the cycle.
     * @param nextCycleFirst the first journal position of the next non-empty cycle.
     */
    record Unterminated(int cycle, Path file, long markerOffset, long lastPosition, long nextCycleFirst)
    {
    }

    /**
     * Looks at every non-last cycle, newest first (a lost marker can sit below cycles that have theirs): a few
     * index probes and a read of the words after its last record each. Writes nothing.
     *
     * @return the unterminated cycles with the roll signature, oldest first.
     * @throws JournalCorruptedException if a cycle without a marker fails the roll signature's checks.
     */
    static List<Unterminated> find(final SingleChronicleQueue queue, final DroppedIndexes dropped)
    {
        final List<Unterminated> found = new ArrayList<>();
        final List<Long> cycles = new ArrayList<>(JournalVerifier.cycles(queue));
        if (cycles.size() < 2)
        {
            return found;
        }
        final RollCycle rollCycle = queue.rollCycle();
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        try (ExcerptTailer tailer = queue.createTailer())
        {
            long nextFirst = -1;
            for (int i = cycles.size() - 1; i >= 0; i--)
            {
                final int cycle = cycles.get(i).intValue();
                final Last last = lastRecord(tailer, rollCycle, cycle, dropped, buffer);
                if (i < cycles.size() - 1 && last != null)
                {
                    final Scan scan = scan(last.file, last.endOffset);
                    if (scan.terminated)
                    {
                        nextFirst = last.firstPosition;
                        continue;
                    }
                    if (scan.problem != null)
                    {
                        throw new JournalCorruptedException("cycle file has no end-of-cycle marker and is not what a " +
                            "power loss at a roll leaves: its last readable record (position " + last.lastPosition +
                            ") is followed by " + scan.problem, last.file, last.lastPosition + 1);
                    }
                    if (nextFirst != -1 && nextFirst != last.lastPosition + 1)
                    {
                        throw new JournalCorruptedException("position gap at a roll: this cycle file has no " +
                            "end-of-cycle marker, its last record ends at position " + last.lastPosition +
                            " and the next cycle file starts at position " + nextFirst + ", so records between " +
                            "them are missing", last.file, last.lastPosition + 1);
                    }
                    found.add(0, new Unterminated(cycle, last.file, scan.zeroAt, last.lastPosition, nextFirst));
                }
                if (last != null)
                {
                    nextFirst = last.firstPosition;
                }
            }
        }
        return found;
    }

    /**
     * Writes the end-of-cycle marker where it belongs and fsyncs the file. Safe to run while Chronicle has the file
     * mapped: the write goes through the same page cache.
     */
    static void complete(final Unterminated cycle)
    {
        try (FileChannel channel = FileChannel.open(cycle.file(), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            // the marker as Chronicle writes it: the header word, then the binary-wire field name "EOF"
            final ByteBuffer word = ByteBuffer.allocate(2 * HEADER_WORD).order(ByteOrder.LITTLE_ENDIAN);
            word.putInt(0, ChronicleQueues.END_OF_DATA).put(4, (byte)0xC3).put(5, (byte)'E').put(6, (byte)'O')
                .put(7, (byte)'F');
            while (word.hasRemaining())
            {
                channel.write(word, cycle.markerOffset() + word.position());
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot complete the end-of-cycle marker of " + cycle.file(), ex);
        }
    }

    private record Last(Path file, long firstPosition, long lastPosition, long endOffset)
    {
    }

    private record Scan(boolean terminated, long zeroAt, String problem)
    {
    }

    /**
     * The cycle's last excerpt (where the raw scan starts) and its last record that is not dropped and passes its
     * checks (for the positions), read through Chronicle's index.
     *
     * @return it, or null for a cycle without a valid record.
     */
    private static Last lastRecord(
        final ExcerptTailer tailer,
        final RollCycle rollCycle,
        final int cycle,
        final DroppedIndexes dropped,
        final ExpandableDirectByteBuffer buffer)
    {
        final long count = ChronicleQueues.excerptsInCycle(tailer, rollCycle, cycle);
        if (count <= 0 || !tailer.moveToIndex(rollCycle.toIndex(cycle, 0)))
        {
            return null;
        }
        final long firstPosition = firstPositionOfNext(tailer, dropped, buffer, rollCycle, cycle);
        long endOffset = -1;
        Path file = null;
        for (long seq = count - 1; seq >= 0; seq--)
        {
            final long index = rollCycle.toIndex(cycle, seq);
            if (!tailer.moveToIndex(index))
            {
                continue;
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent() || dc.index() != index)
                {
                    continue;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final long start = bytes.readPosition();
                final int length = (int)bytes.readRemaining();
                if (endOffset < 0)
                {
                    endOffset = start + length;
                    file = ChronicleQueues.currentFile(tailer);
                }
                if (dropped.contains(index))
                {
                    continue;
                }
                buffer.checkLimit(length);
                bytes.nativeRead(start, buffer.addressOffset(), length);
                if (new CommitDecoder().validate(buffer, length) != null)
                {
                    continue;
                }
                final long first = CommitDecoder.firstPosition(buffer);
                final long last = first + CommitDecoder.count(buffer) - 1;
                return new Last(file, firstPosition < 0 ? first : firstPosition, last, endOffset);
            }
        }
        return null;
    }

    private static long firstPositionOfNext(
        final ExcerptTailer tailer,
        final DroppedIndexes dropped,
        final ExpandableDirectByteBuffer buffer,
        final RollCycle rollCycle,
        final int cycle)
    {
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle)
                {
                    return -1;
                }
                if (dropped.contains(dc.index()))
                {
                    continue;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final int length = (int)bytes.readRemaining();
                buffer.checkLimit(length);
                bytes.nativeRead(bytes.readPosition(), buffer.addressOffset(), length);
                if (new CommitDecoder().validate(buffer, length) != null)
                {
                    return -1;
                }
                return CommitDecoder.firstPosition(buffer);
            }
        }
    }

    /**
     * Walks Chronicle's header words from the end of the last record: skips complete metadata excerpts (index
     * pages), stops at the end-of-cycle marker, or at a zero word whose remainder of the file must be all zeros.
     */
    private static Scan scan(final Path file, final long from)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer word = ByteBuffer.allocate(HEADER_WORD).order(ByteOrder.LITTLE_ENDIAN);
            long at = align(from);
            while (true)
            {
                if (at + 2 * HEADER_WORD > size)
                {
                    return new Scan(false, -1, "the end of the file at offset " + size +
                        " with no room for the marker");
                }
                word.clear();
                while (word.hasRemaining() && channel.read(word, at + word.position()) > 0)
                {
                    // read one header word
                }
                final int header = word.getInt(0);
                if (header == ChronicleQueues.END_OF_DATA)
                {
                    return new Scan(true, at, null);
                }
                if (header == 0)
                {
                    final long nonZero = firstNonZero(channel, at + HEADER_WORD, size);
                    if (nonZero >= 0)
                    {
                        return new Scan(false, -1, "a zero header word at offset " + at + " and then non-zero bytes " +
                            "at offset " + nonZero + ": a record whose header never reached the disk (a lost write) " +
                            "or damage, with data after it in the same cycle");
                    }
                    return new Scan(false, at, null);
                }
                final int length = header & ChronicleQueues.LENGTH_MASK;
                final boolean complete = (header & ChronicleQueues.NOT_COMPLETE) == 0;
                final boolean metadata = (header & ChronicleQueues.META_DATA) != 0;
                if (!complete || !metadata || length == 0)
                {
                    return new Scan(false, -1, "a " + (complete ? "" : "half-written ") +
                        (metadata ? "metadata" : "data") + " excerpt at offset " + at + " (header 0x" +
                        Integer.toHexString(header) + ") that Chronicle's index does not reach");
                }
                at = align(at + HEADER_WORD + length);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read cycle file " + file, ex);
        }
    }

    private static long firstNonZero(final FileChannel channel, final long from, final long size) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(SCAN_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long at = from;
        while (at < size)
        {
            chunk.clear();
            final int n = channel.read(chunk, at);
            if (n <= 0)
            {
                break;
            }
            int i = 0;
            for (; i + 8 <= n; i += 8)
            {
                if (chunk.getLong(i) != 0)
                {
                    break;
                }
            }
            for (; i < n; i++)
            {
                if (chunk.get(i) != 0)
                {
                    return at + i;
                }
            }
            at += n;
        }
        return -1;
    }

    private static long align(final long offset)
    {
        return (offset + 3) & ~3L;
    }
}
