package dev.strand.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Copies a journal's commit records, byte for byte, into a new queue, up to the commit ending at a position: what a
 * backup holds. Each record is checked as it is copied (CRC32C, structure, position continuity, hash chain), so a
 * damaged source fails the copy instead of producing a damaged copy. Records keep their cycle: each is appended with
 * the new queue's clock set to the start of the cycle it came from, so the copy's cycle files are the source's (which
 * retention later works by). The source may be live: its appender goes on, the copy stops at the position asked for.
 * Runs on the caller's thread.
 */
final class CommitCopier
{
    /** A copied file is cut after its last non-zero byte, rounded up to this (Chronicle grows it back on open). */
    private static final int CUT_ALIGNMENT = 64 << 10;

    /**
     * What was copied.
     *
     * @param commits       commit records.
     * @param firstPosition first position copied.
     * @param lastPosition  last position copied.
     * @param recordBytes   bytes of the records.
     * @param headHash      chain hash at the last position copied (64 hex digits), null when there is none.
     */
    record Copied(long commits, long firstPosition, long lastPosition, long recordBytes, String headHash)
    {
    }

    private CommitCopier()
    {
    }

    /**
     * @param source     the journal to copy from (open; may be appended to meanwhile).
     * @param toPosition the last position to copy: the last position of a commit, at most the journal's end.
     * @param target     an empty directory for the copy's queue.
     * @return what was copied.
     * @throws JournalCorruptedException if a source record fails its checks.
     * @throws IllegalArgumentException  if {@code toPosition} is beyond the end or inside a commit.
     */
    static Copied copy(final Journal source, final long toPosition, final Path target) throws IOException
    {
        if (toPosition < 0 || toPosition > source.lastPosition())
        {
            throw new IllegalArgumentException("position " + toPosition + " is beyond the journal's end " +
                source.lastPosition());
        }
        final SingleChronicleQueue from = source.queue();
        final DroppedIndexes dropped = source.dropped();
        final RollCycle rollCycle = from.rollCycle();
        final long epoch = from.epoch();
        final SetTimeProvider time = new SetTimeProvider(epoch + (long)Math.max(0, from.firstCycle()) *
            rollCycle.lengthInMillis());
        Files.createDirectories(target);
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        final CommitDecoder decoder = new CommitDecoder();
        final ChainHash chain = new ChainHash();
        final ArchivedPrefix prefix = source.prefix();
        final byte[] previous = prefix.previousHash();
        final byte[] stored = new byte[ChainHash.LENGTH];
        final byte[] computed = new byte[ChainHash.LENGTH];
        long expected = prefix.firstPosition();
        long commits = 0;
        long bytes = 0;
        boolean chained = prefix.chained();
        try (SingleChronicleQueue to = SingleChronicleQueueBuilder.binary(target).rollCycle(rollCycle).epoch(epoch)
                .timeProvider(time).build();
             ExcerptAppender appender = to.createAppender();
             ExcerptTailer tailer = from.createTailer())
        {
            tailer.toStart();
            while (expected <= toPosition)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        throw new IllegalStateException("the journal ended at position " + (expected - 1) +
                            " while copying up to " + toPosition);
                    }
                    if (dropped.contains(dc.index()))
                    {
                        continue;
                    }
                    final Bytes<?> in = dc.wire().bytes();
                    final int length = (int)in.readRemaining();
                    buffer.checkLimit(length);
                    in.nativeRead(in.readPosition(), buffer.addressOffset(), length);
                    final Path file = ChronicleQueues.currentFile(tailer);
                    final String reason = decoder.validate(buffer, length);
                    if (reason != null)
                    {
                        throw new JournalCorruptedException(reason, file, expected);
                    }
                    final long first = CommitDecoder.firstPosition(buffer);
                    final long last = first + CommitDecoder.count(buffer) - 1;
                    if (first != expected)
                    {
                        throw new JournalCorruptedException("position gap: record starts at " + first + ", expected " +
                            expected, file, expected);
                    }
                    if (last > toPosition)
                    {
                        throw new IllegalArgumentException("position " + toPosition + " is inside commit " + first +
                            ".." + last + ": a copy ends at the end of a commit");
                    }
                    if (CommitDecoder.chained(buffer))
                    {
                        final int at = CommitDecoder.chainHashOffset(length);
                        buffer.getBytes(at, stored);
                        chain.compute(previous, buffer, at, computed);
                        if (!Arrays.equals(stored, computed))
                        {
                            throw new JournalCorruptedException("hash chain broken at commit " + first + ".." + last,
                                file, first);
                        }
                        System.arraycopy(stored, 0, previous, 0, ChainHash.LENGTH);
                        chained = true;
                    }
                    else if (chained)
                    {
                        throw new JournalCorruptedException("commit " + first + ".." + last + " has no chain hash " +
                            "after the chain started", file, first);
                    }
                    final int cycle = rollCycle.toCycle(dc.index());
                    final long cycleStart = epoch + (long)cycle * rollCycle.lengthInMillis();
                    if (time.currentTimeMillis() != cycleStart)
                    {
                        time.currentTimeMillis(cycleStart);
                    }
                    try (DocumentContext out = appender.writingDocument())
                    {
                        final Bytes<?> outBytes = out.wire().bytes();
                        outBytes.nativeWrite(buffer.addressOffset(), outBytes.writePosition(), length);
                        outBytes.writeSkip(length);
                    }
                    commits++;
                    bytes += length;
                    expected = last + 1;
                }
            }
        }
        if (prefix.firstPosition() > 1)
        {
            prefix.store(target);
        }
        for (final Path file : ChronicleQueues.cycleFiles(target))
        {
            cutAfterLastData(file);
        }
        for (final Path file : ChronicleQueues.cycleFiles(target))
        {
            fsync(file);
        }
        fsync(target.resolve("metadata.cq4t"));
        FileSync.directory(target);
        return new Copied(commits, prefix.firstPosition(), expected - 1, bytes, chained ? ChainHash.hex(previous) : null);
    }

    /**
     * Copies a closed cycle file up to its last non-zero byte, rounded up (see {@link #cutAfterLastData}): the holes of
     * a pre-sized, sparse cycle file are not written out as zeros.
     */
    static void copyData(final Path from, final Path to) throws IOException
    {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                 StandardOpenOption.TRUNCATE_EXISTING))
        {
            final long length = Math.min(in.size(), dataEnd(in));
            long done = 0;
            while (done < length)
            {
                done += in.transferTo(done, length - done, out);
            }
        }
    }

    /**
     * Cuts a closed cycle file after its last non-zero byte, rounded up: Chronicle sizes new cycle files generously
     * and sparse, and grows a shorter file back with zeros when it opens it.
     */
    static void cutAfterLastData(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long cut = dataEnd(channel);
            if (cut < channel.size())
            {
                channel.truncate(cut);
            }
        }
    }

    /** The offset after a file's last non-zero byte, rounded up to {@link #CUT_ALIGNMENT} (at least one unit). */
    private static long dataEnd(final FileChannel channel) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        long end = channel.size();
        long lastData = -1;
        while (end > 0 && lastData < 0)
        {
            final long start = Math.max(0, end - chunk.capacity());
            chunk.clear();
            chunk.limit((int)(end - start));
            while (chunk.hasRemaining() && channel.read(chunk, start + chunk.position()) > 0)
            {
                // fill the chunk
            }
            for (int i = chunk.position() - 1; i >= 0; i--)
            {
                if (chunk.get(i) != 0)
                {
                    lastData = start + i;
                    break;
                }
            }
            end = start;
        }
        return Math.max(CUT_ALIGNMENT, (lastData + CUT_ALIGNMENT) / CUT_ALIGNMENT * CUT_ALIGNMENT);
    }

    private static void fsync(final Path file) throws IOException
    {
        if (Files.exists(file))
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                channel.force(true);
            }
        }
    }
}
