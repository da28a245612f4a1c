package dev.strand.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The side file that makes a torn-tail drop stick. A Chronicle queue cannot be truncated, so the Chronicle
 * indexes of dropped excerpts are listed in {@value #FILE_NAME} in the journal directory; readers and the
 * verifier skip them. Immutable; written with temp file, fsync, atomic rename, directory fsync.
 *
 * <pre>
 * 0   8 bytes  magic "STRNDDRP"
 * 8   i32      format version (1)
 * 12  i32      count
 * 16  i64[count] Chronicle indexes, ascending
 * ..  i32      CRC32C of every byte before it
 * </pre>
 * All little-endian.
 */
final class DroppedIndexes
{
    static final String FILE_NAME = "dropped-excerpts.strand";
    static final DroppedIndexes EMPTY = new DroppedIndexes(new long[0]);

    private static final byte[] MAGIC = "STRNDDRP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER = 16;

    private final long[] sorted;

    private DroppedIndexes(final long[] sorted)
    {
        this.sorted = sorted;
    }

    boolean contains(final long index)
    {
        return sorted.length != 0 && Arrays.binarySearch(sorted, index) >= 0;
    }

    long[] toArray()
    {
        return sorted.clone();
    }

    DroppedIndexes with(final long[] more)
    {
        final long[] all = Arrays.copyOf(sorted, sorted.length + more.length);
        System.arraycopy(more, 0, all, sorted.length, more.length);
        return new DroppedIndexes(Arrays.stream(all).sorted().distinct().toArray());
    }

    /**
     * @return the side file's content, or {@link #EMPTY} when there is none.
     * @throws JournalCorruptedException when the side file is damaged: without it the journal cannot tell
     *                                   dropped excerpts from real ones.
     */
    static DroppedIndexes load(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return EMPTY;
        }
        catch (final IOException ex)
        {
            throw new JournalCorruptedException("cannot read the dropped-excerpt side file: " + ex, file, 0);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (bytes.length < HEADER + 4 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC))
        {
            throw new JournalCorruptedException("dropped-excerpt side file has a bad header", file, 0);
        }
        final int version = buffer.getInt(8, ByteOrder.LITTLE_ENDIAN);
        if (version != VERSION)
        {
            throw new JournalCorruptedException("dropped-excerpt side file has unknown version " + version, file, 0);
        }
        final int count = buffer.getInt(12, ByteOrder.LITTLE_ENDIAN);
        if (count < 0 || bytes.length != HEADER + 8L * count + 4)
        {
            throw new JournalCorruptedException("dropped-excerpt side file has a bad length", file, 0);
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int)crc.getValue() != buffer.getInt(bytes.length - 4, ByteOrder.LITTLE_ENDIAN))
        {
            throw new JournalCorruptedException("dropped-excerpt side file fails its CRC32C", file, 0);
        }
        final long[] indexes = new long[count];
        for (int i = 0; i < count; i++)
        {
            indexes[i] = buffer.getLong(HEADER + 8 * i, ByteOrder.LITTLE_ENDIAN);
        }
        Arrays.sort(indexes);
        return new DroppedIndexes(indexes);
    }

    /**
     * Writes the side file durably: temp file, fsync, atomic rename, fsync of the directory.
     */
    void store(final Path directory) throws IOException
    {
        final byte[] bytes = new byte[HEADER + 8 * sorted.length + 4];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putBytes(0, MAGIC);
        buffer.putInt(8, VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(12, sorted.length, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sorted.length; i++)
        {
            buffer.putLong(HEADER + 8 * i, sorted[i], ByteOrder.LITTLE_ENDIAN);
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        buffer.putInt(bytes.length - 4, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);

        FileSync.writeAtomically(directory, FILE_NAME, bytes);
    }
}
