package dev.strand.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Damages real Chronicle cycle files the way crashes and bad disks do. Cycle files are sparse and
 * pre-sized, so offsets come from searching the bytes for a marker the test put in a payload, never from
 * the file size.
 */
final class CycleFileSurgery
{
    private static final int SEARCH_BYTES = 16 << 20;

    private CycleFileSurgery()
    {
    }

    static List<Path> cycleFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().collect(Collectors.toList());
        }
    }

    static Path onlyCycleFile(final Path dir) throws IOException
    {
        final List<Path> files = cycleFiles(dir);
        if (files.size() != 1)
        {
            throw new AssertionError("expected one cycle file, found " + files);
        }
        return files.get(0);
    }

    /**
     * @return the file offset of the first occurrence of {@code marker} in the file's first 16 MiB.
     */
    static long find(final Path file, final byte[] marker) throws IOException
    {
        final byte[] head = new byte[SEARCH_BYTES];
        final int n;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(head);
            int total = 0;
            while (buffer.hasRemaining())
            {
                final int r = channel.read(buffer, total);
                if (r <= 0)
                {
                    break;
                }
                total += r;
            }
            n = total;
        }
        outer:
        for (int i = 0; i <= n - marker.length; i++)
        {
            for (int k = 0; k < marker.length; k++)
            {
                if (head[i + k] != marker[k])
                {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("marker not found in " + file);
    }

    static void truncate(final Path file, final long size) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
    }

    static void overwrite(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long at = offset;
            while (buffer.hasRemaining())
            {
                at += channel.write(buffer, at);
            }
        }
    }

    static void zero(final Path file, final long offset, final int length) throws IOException
    {
        overwrite(file, offset, new byte[length]);
    }

    static void random(final Path file, final long offset, final int length, final long seed) throws IOException
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        overwrite(file, offset, bytes);
    }

    static void flipBit(final Path file, final long offset, final int bit) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.flip();
            final byte b = (byte)(one.get(0) ^ (1 << bit));
            channel.write(ByteBuffer.wrap(new byte[]{ b }), offset);
        }
    }
}
