package dev.strand.journal;

import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptCommon;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds the Chronicle queue the journal sits on, and small helpers around it.
 */
final class ChronicleQueues
{
    static final String CYCLE_FILE_SUFFIX = SingleChronicleQueue.SUFFIX;
    /** Chronicle's header bit for a document still being written ({@code Wires.NOT_COMPLETE}). */
    static final int NOT_COMPLETE = 0x80000000;
    /** Chronicle's header bit for a metadata excerpt such as an index page ({@code Wires.META_DATA}). */
    static final int META_DATA = 0x40000000;
    /** The length bits of a header word ({@code Wires.LENGTH_MASK}). */
    static final int LENGTH_MASK = 0x3FFFFFFF;
    /** Chronicle's end-of-cycle marker: a header word of its own ({@code Wires.END_OF_DATA}). */
    static final int END_OF_DATA = 0xC0000000;

    private ChronicleQueues()
    {
    }

    static SingleChronicleQueue open(
        final Path directory,
        final RollCycle rollCycle,
        final Durability durability,
        final TimeProvider timeProvider,
        final boolean readOnly)
    {
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(directory)
            .rollCycle(rollCycle)
            .readOnly(readOnly);
        if (durability == Durability.SYNC)
        {
            builder.syncMode(SyncMode.SYNC);
        }
        if (timeProvider != null)
        {
            builder.timeProvider(timeProvider);
        }
        return builder.build();
    }

    /**
     * Opens an existing queue for the tools and read-only journals. Deliberately not Chronicle's read-only
     * mode: a read-only mapping of a truncated cycle file faults the JVM (SIGBUS, surfacing as
     * {@code InternalError}) when a record runs past the end of the file. Read-write, Chronicle grows the file
     * back to its mapped size with zeros, as any open does; no record is written since no appender exists.
     * The default roll cycle is only a placeholder: an existing queue's stored cycle overrides it.
     */
    static SingleChronicleQueue openForReading(final Path directory)
    {
        return open(directory, JournalConfig.ROLL_CYCLE.defaultValue().chronicle(), Durability.ASYNC, null,
            false);
    }

    /**
     * @return the cycle files in the directory, oldest first (their names sort by time).
     */
    static List<Path> cycleFiles(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX))
                .sorted()
                .collect(Collectors.toUnmodifiableList());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Cycle files whose first header word is zero or still marked incomplete. Chronicle creates a cycle file, then
     * writes its header; a process killed in between (at a roll) leaves a file that holds no record, and on which
     * every later access waits the queue's timeout in {@code readFirstHeader} before giving up.
     *
     * @return such files, oldest first.
     */
    static List<Path> uninitializedCycleFiles(final Path directory) throws IOException
    {
        final List<Path> unborn = new ArrayList<>();
        for (final Path file : cycleFiles(directory))
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                while (header.hasRemaining() && channel.read(header, header.position()) > 0)
                {
                    // read the first header word
                }
                if (header.hasRemaining())
                {
                    unborn.add(file);
                    continue;
                }
                final int word = header.getInt(0);
                if (word == 0 || (word & NOT_COMPLETE) != 0)
                {
                    unborn.add(file);
                }
            }
        }
        return unborn;
    }

    /**
     * @return the number of excerpts in a cycle, found with O(log n) {@code moveToIndex} probes (Chronicle's
     * {@code excerptsInCycle} scans the cycle). Moves the tailer.
     */
    static long excerptsInCycle(final ExcerptTailer tailer, final RollCycle rollCycle, final int cycle)
    {
        if (!tailer.moveToIndex(rollCycle.toIndex(cycle, 0)))
        {
            return 0;
        }
        long known = 0;
        long step = 1;
        while (tailer.moveToIndex(rollCycle.toIndex(cycle, known + step)))
        {
            known += step;
            step <<= 1;
        }
        long lo = known + 1;
        long hi = known + step - 1;
        while (lo <= hi)
        {
            final long mid = (lo + hi) >>> 1;
            if (tailer.moveToIndex(rollCycle.toIndex(cycle, mid)))
            {
                known = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return known + 1;
    }

    /**
     * @return the name of the cycle file Chronicle gives {@code cycle} of a queue with this roll cycle and epoch (its
     * {@link RollCycle#format()} of the cycle's start, in UTC, and the suffix).
     */
    static String fileName(final RollCycle rollCycle, final long epoch, final int cycle)
    {
        return java.time.format.DateTimeFormatter.ofPattern(rollCycle.format()).withZone(java.time.ZoneOffset.UTC)
            .format(java.time.Instant.ofEpochMilli(epoch + (long)cycle * rollCycle.lengthInMillis())) + CYCLE_FILE_SUFFIX;
    }

    /**
     * @return the file an appender or tailer is on, or null.
     */
    static Path currentFile(final ExcerptCommon<?> excerpt)
    {
        try
        {
            final File file = excerpt.currentFile();
            return file == null ? null : file.toPath();
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }
}
