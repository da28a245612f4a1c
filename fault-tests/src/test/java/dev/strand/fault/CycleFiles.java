package dev.strand.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Damages the server's Chronicle cycle files the way crashes and bad disks do, with the server stopped. Cycle files
 * are sparse and pre-sized, so a record is found by searching for a marker the test put in it (a commandId), never
 * from the file size. Also runs the jar's {@code verify} command.
 */
final class CycleFiles
{
    private static final int CHUNK = 1 << 20;

    private CycleFiles()
    {
    }

    /** Where a marker sits: the file and the offset of its first byte. */
    record Hit(Path file, long offset)
    {
    }

    static List<Path> list(final Path journalDir)
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Finds the first occurrence of {@code marker} in the journal's cycle files (it must be there once). */
    static Hit find(final Path journalDir, final String marker)
    {
        final byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        for (final Path file : list(journalDir))
        {
            final long at = find(file, needle);
            if (at >= 0)
            {
                return new Hit(file, at);
            }
        }
        throw new AssertionError("marker " + marker + " not found in " + list(journalDir));
    }

    private static long find(final Path file, final byte[] needle)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer buffer = ByteBuffer.allocate(CHUNK + needle.length);
            for (long base = 0; base < size; base += CHUNK)
            {
                buffer.clear();
                int n = 0;
                while (buffer.hasRemaining())
                {
                    final int r = channel.read(buffer, base + n);
                    if (r <= 0)
                    {
                        break;
                    }
                    n += r;
                }
                final byte[] bytes = buffer.array();
                outer:
                for (int i = 0; i <= n - needle.length; i++)
                {
                    for (int k = 0; k < needle.length; k++)
                    {
                        if (bytes[i + k] != needle[k])
                        {
                            continue outer;
                        }
                    }
                    return base + i;
                }
                if (isZero(bytes, n) && base > 0)
                {
                    return -1; // past the written part of a sparse file
                }
            }
            return -1;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean isZero(final byte[] bytes, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            if (bytes[i] != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The start of the Chronicle excerpt (its 4-byte header) holding a single-event ledger commit whose commandId
     * starts at {@code commandIdAt}: commit header 16, event header 36, the command fingerprint 8 (formats 2 and 3: on
     * the first event of every command the server builds), then u16-length strings aggregate type, aggregate id, event
     * type, and the commandId's own length (journal/README.md).
     */
    static long excerptStart(final Hit commandIdHit, final String aggregateType, final String aggregateId, final String eventType)
    {
        final int strings = 2 + utf8(aggregateType) + 2 + utf8(aggregateId) + 2 + utf8(eventType) + 2;
        final long excerpt = commandIdHit.offset() - strings - 8 - 36 - 16 - 4;
        final int header = readInt(commandIdHit.file(), excerpt);
        final int length = header & 0x3FFFFFFF;
        if (header == 0 || (header & 0xC0000000) != 0 || excerpt + 4 + length <= commandIdHit.offset())
        {
            throw new AssertionError("no complete data excerpt header at " + excerpt + " (read 0x" + Integer.toHexString(header) + ")");
        }
        return excerpt;
    }

    /** The length of a data excerpt's body, from its Chronicle header. */
    static int excerptLength(final Path file, final long excerptStart)
    {
        return readInt(file, excerptStart) & 0x3FFFFFFF;
    }

    private static int utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static int readInt(final Path file, final long offset)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(b, offset);
            return b.getInt(0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void truncate(final Path file, final long size)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void overwrite(final Path file, final long offset, final byte[] bytes)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long at = offset;
            while (buffer.hasRemaining())
            {
                at += channel.write(buffer, at);
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void zero(final Path file, final long offset, final int length)
    {
        overwrite(file, offset, new byte[length]);
    }

    static void random(final Path file, final long offset, final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        overwrite(file, offset, bytes);
    }

    static void flipBit(final Path file, final long offset, final int bit)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            channel.write(ByteBuffer.wrap(new byte[] {(byte)(one.get(0) ^ (1 << bit))}), offset);
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Changes the last payload byte of the commit in the excerpt at {@code excerptStart} (formats 3 and 4: the
     * payload ends 36 bytes before the record's end, before the chain hash and the CRC32C) and writes a CRC32C that matches the
     * edit: what someone altering history with care would do. Only the hash chain can tell.
     */
    static void editPayloadKeepingCrc(final Path file, final long excerptStart)
    {
        final int length = excerptLength(file, excerptStart);
        final long record = excerptStart + 4;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (bytes.hasRemaining() && channel.read(bytes, record + bytes.position()) > 0)
            {
                // read the whole record
            }
            if (bytes.get(0) != 3 && bytes.get(0) != 4)
            {
                throw new AssertionError("the record at " + record + " is not in format 3 or 4");
            }
            final int lastPayloadByte = length - 4 - 32 - 1;
            bytes.put(lastPayloadByte, (byte)(bytes.get(lastPayloadByte) ^ 0x01));
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes.array(), 0, length - 4);
            bytes.putInt(length - 4, (int)crc.getValue());
            bytes.clear();
            while (bytes.hasRemaining())
            {
                channel.write(bytes, record + bytes.position());
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** What {@code JournalVerify} printed and its exit status. */
    record Verify(int exitCode, String output)
    {
    }

    /** Runs {@code java -jar strand.jar verify <journalDir>}, as a user would (no JVM flags). */
    static Verify verify(final Path journalDir)
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(StrandProcess.javaBin());
        cmd.addAll(List.of("-jar", StrandProcess.jar().toString(), "verify", journalDir.toString()));
        try
        {
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream())
            {
                in.transferTo(out);
            }
            if (!p.waitFor(120, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                throw new AssertionError("JournalVerify did not finish: " + out);
            }
            return new Verify(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
