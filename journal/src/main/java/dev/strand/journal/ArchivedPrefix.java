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
 * Where a journal whose oldest cycle files were archived (or deleted by the retention policy) starts: its first
 * position, the chain hash of the commit before it (what its first commit links to), and the newest cycle moved out.
 * Kept in the side file {@value #FILE_NAME} in the journal directory; absent means the journal starts at position 1
 * with the genesis hash. Immutable; written with temp file, fsync, atomic rename, directory fsync, and only after the
 * cycle files it names are safe in the archive (or their deletion is recorded in its manifest), so a cycle file still
 * in the journal directory at or below {@link #lastCycle()} is one a crash left behind, deleted at the next open.
 *
 * <pre>
 * 0   8 bytes  magic "STRNDARC"
 * 8   i32      format version (1)
 * 12  i32      last cycle moved out
 * 16  i64      first position served
 * 24  32 bytes chain hash at first position - 1 (32 zero bytes: none)
 * 56  i32      CRC32C of every byte before it
 * </pre>
 * All little-endian.
 */
final class ArchivedPrefix
{
    static final String FILE_NAME = "archived.strand";
    static final ArchivedPrefix NONE = new ArchivedPrefix(1, ChainHash.GENESIS, Integer.MIN_VALUE);

    private static final byte[] MAGIC = "STRNDARC".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int LENGTH = 60;

    private final long firstPosition;
    private final byte[] previousHash;
    private final int lastCycle;

    ArchivedPrefix(final long firstPosition, final byte[] previousHash, final int lastCycle)
    {
        this.firstPosition = firstPosition;
        this.previousHash = previousHash.clone();
        this.lastCycle = lastCycle;
    }

    /**
     * @return the first position the journal serves.
     */
    long firstPosition()
    {
        return firstPosition;
    }

    /**
     * @return the chain hash at {@code firstPosition - 1} ({@link ChainHash#GENESIS} when none), a copy.
     */
    byte[] previousHash()
    {
        return previousHash.clone();
    }

    /**
     * @return whether there is a chain hash at {@code firstPosition - 1}.
     */
    boolean chained()
    {
        return !ChainHash.isGenesis(previousHash);
    }

    /**
     * @return the newest cycle moved out of the journal directory ({@link Integer#MIN_VALUE} when none).
     */
    int lastCycle()
    {
        return lastCycle;
    }

    static ArchivedPrefix load(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return NONE;
        }
        catch (final IOException ex)
        {
            throw new JournalCorruptedException("archived-prefix side file cannot be read: " + ex, file, 0);
        }
        if (bytes.length != LENGTH || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length))
        {
            throw new JournalCorruptedException("archived-prefix side file is not one (" + bytes.length + " bytes)",
                file, 0);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, LENGTH - 4);
        if ((int)crc.getValue() != buffer.getInt(LENGTH - 4, ByteOrder.LITTLE_ENDIAN))
        {
            throw new JournalCorruptedException("archived-prefix side file fails its CRC32C", file, 0);
        }
        final int version = buffer.getInt(8, ByteOrder.LITTLE_ENDIAN);
        if (version != VERSION)
        {
            throw new JournalCorruptedException("archived-prefix side file has unknown version " + version, file, 0);
        }
        final byte[] hash = new byte[ChainHash.LENGTH];
        buffer.getBytes(24, hash);
        return new ArchivedPrefix(buffer.getLong(16, ByteOrder.LITTLE_ENDIAN), hash,
            buffer.getInt(12, ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Writes the side file durably: temp file, fsync, atomic rename, fsync of the directory.
     */
    void store(final Path directory) throws IOException
    {
        final byte[] bytes = new byte[LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putBytes(0, MAGIC);
        buffer.putInt(8, VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(12, lastCycle, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(16, firstPosition, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(24, previousHash);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, LENGTH - 4);
        buffer.putInt(LENGTH - 4, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        FileSync.writeAtomically(directory, FILE_NAME, bytes);
    }
}
