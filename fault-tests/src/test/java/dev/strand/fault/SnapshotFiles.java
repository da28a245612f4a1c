package dev.strand.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads and damages snapshot files (journal's SnapshotStore container, big-endian): magic, format version at 8,
 * position at 12, body length at 28, (format 2) the chain hash at 36, BEGIN marker, the body from offset 40 or 72 (EngineState: body version int, position,
 * aggregates as writeUTF id, writeUTF type, version, last position, state bytes; then the idempotency window), END
 * marker and the body's CRC32C.
 */
final class SnapshotFiles
{
    /** Header length of container format 1; format 2's is {@link #HEADER_V2}. Damage at HEADER + n lands in a body. */
    static final int HEADER = 40;
    static final int HEADER_V2 = 72;

    private SnapshotFiles()
    {
    }

    /** Snapshot files, newest first (their names sort by position, then time). */
    static List<Path> list(final Path snapshotDir)
    {
        try (Stream<Path> files = Files.list(snapshotDir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".snap"))
                .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static long position(final Path snapshot)
    {
        return ByteBuffer.wrap(read(snapshot)).getLong(12);
    }

    /**
     * Null when the container checks out the way the server checks it, else what is wrong. Format 2 (written since
     * the hash chain): magic, version 2, position, created, body length at 28, the chain hash at 36-67, BEGIN at 68,
     * the body from 72, END, and a CRC32C over bytes 8-27, 36-67 and the body. Format 1: a 40-byte header (BEGIN at
     * 36) and the CRC32C of the body alone.
     */
    static String damage(final Path snapshot)
    {
        final byte[] bytes = read(snapshot);
        if (bytes.length < HEADER + 8)
        {
            return "only " + bytes.length + " bytes";
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final int version = b.getInt(8);
        if (!"STRNDSNP".equals(new String(bytes, 0, 8, StandardCharsets.US_ASCII)) || (version != 1 && version != 2))
        {
            return "bad magic or format version";
        }
        final int header = version == 1 ? HEADER : HEADER_V2;
        final long length = b.getLong(28);
        if (length < 0 || header + length + 8 != bytes.length)
        {
            return "body length " + length + " does not fit a file of " + bytes.length + " bytes";
        }
        if (b.getInt(header - 4) != 0x424F4459 || b.getInt(header + (int)length) != 0x454E442E)
        {
            return "markers missing";
        }
        final CRC32C crc = new CRC32C();
        if (version == 2)
        {
            crc.update(bytes, 8, 20);
            crc.update(bytes, 36, 32);
        }
        crc.update(bytes, header, (int)length);
        if (b.getInt(header + (int)length + 4) != (int)crc.getValue())
        {
            return "CRC32C mismatch";
        }
        return null;
    }

    static byte[] read(final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void write(final Path file, final byte[] bytes)
    {
        try
        {
            Files.write(file, bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Puts an int into the body and recomputes the body's CRC32C, so only the content is wrong, not the container. */
    static void patchBodyInt(final Path file, final int bodyOffset, final int value)
    {
        final byte[] bytes = read(file);
        ByteBuffer.wrap(bytes).putInt(HEADER + bodyOffset, value);
        resealed(file, bytes);
    }

    /**
     * Renames the aggregate type of the {@code nth} aggregate in the body ({@code -1}: the last one) to a type no
     * module registers, of the same length, keeping the container valid: the body reader fails part-way through.
     */
    static void breakAggregateType(final Path file, final String type, final int nth)
    {
        final byte[] bytes = read(file);
        final byte[] needle = new byte[type.length() + 2];
        needle[1] = (byte)type.length();
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, needle, 2, type.length());
        int seen = 0;
        int last = -1;
        for (int i = HEADER; i < bytes.length - needle.length; i++)
        {
            if (matches(bytes, i, needle))
            {
                last = i;
                if (++seen == nth)
                {
                    break;
                }
            }
        }
        if (last < 0 || (nth > 0 && seen < nth))
        {
            throw new AssertionError("fewer than " + nth + " aggregates of type " + type + " in " + file);
        }
        bytes[last + needle.length - 1] = (byte)'X';
        resealed(file, bytes);
    }

    private static boolean matches(final byte[] bytes, final int at, final byte[] needle)
    {
        for (int k = 0; k < needle.length; k++)
        {
            if (bytes[at + k] != needle[k])
            {
                return false;
            }
        }
        return true;
    }

    private static void resealed(final Path file, final byte[] bytes)
    {
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final int length = (int)b.getLong(28);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, HEADER, length);
        b.putInt(HEADER + length + 4, (int)crc.getValue());
        write(file, bytes);
    }

    static void putInt(final Path file, final int offset, final int value)
    {
        final byte[] bytes = read(file);
        ByteBuffer.wrap(bytes).putInt(offset, value);
        write(file, bytes);
    }

    static void flipByte(final Path file, final int offset)
    {
        final byte[] bytes = read(file);
        bytes[offset] ^= 0x5A;
        write(file, bytes);
    }

    static void truncate(final Path file, final int length)
    {
        final byte[] bytes = read(file);
        write(file, java.util.Arrays.copyOf(bytes, length));
    }
}
