package dev.strand.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * What a backup holds, written into it as {@value #FILE_NAME}: the position it is consistent at and the journal's chain
 * hash there (the head to check it against), the snapshot it carries, and the state hash at the position when the
 * server that took it computed one. A text file of {@code key=value} lines in a fixed order, the last one the CRC32C
 * of every byte before it.
 *
 * @param path                 the backup directory (not stored: where the manifest was read from or written to).
 * @param position             the journal's last position in the backup: the position it is consistent at.
 * @param hash                 the chain hash of the commit ending at {@code position} (64 hex digits), or null when
 *                             that commit predates the hash chain (or the journal is empty).
 * @param firstPosition        the first position of the backup's journal.
 * @param commits              commit records in the backup's journal.
 * @param recordBytes          bytes of those records.
 * @param snapshot             the snapshot file's name in {@code snapshots/}, or null when the backup has none (its
 *                             state is the replay of the journal alone).
 * @param snapshotPosition     its position (0 when none).
 * @param snapshotChainHash    the chain hash it records (null when none).
 * @param stateHash            the engine's state hash at {@code position} (16 hex digits), or null when not computed.
 * @param createdAtEpochMillis when the backup was finished.
 * @param bytes                bytes of the backup's files.
 * @param durationMillis       how long taking it took.
 * @param source               the directory it was taken from.
 */
public record BackupManifest(
    Path path,
    long position,
    String hash,
    long firstPosition,
    long commits,
    long recordBytes,
    String snapshot,
    long snapshotPosition,
    String snapshotChainHash,
    String stateHash,
    long createdAtEpochMillis,
    long bytes,
    long durationMillis,
    String source)
{
    /** The manifest's file name in a backup directory. */
    public static final String FILE_NAME = "backup.manifest";
    /** The manifest format this build writes and reads. */
    public static final int FORMAT = 1;

    private static final String NONE = "none";
    private static final List<String> KEYS = List.of("format", "position", "hash", "firstPosition", "commits",
        "recordBytes", "snapshot", "snapshotPosition", "snapshotChainHash", "stateHash", "createdAtEpochMillis", "bytes",
        "durationMillis", "source");

    /**
     * @return the same manifest for another directory, size and duration (the backup's files are complete).
     */
    BackupManifest finished(final Path directory, final long totalBytes, final long millis)
    {
        return new BackupManifest(directory, position, hash, firstPosition, commits, recordBytes, snapshot,
            snapshotPosition, snapshotChainHash, stateHash, createdAtEpochMillis, totalBytes, millis, source);
    }

    /**
     * @return the manifest's text, CRC32C line included.
     */
    String text()
    {
        final StringBuilder sb = new StringBuilder(512);
        line(sb, "format", FORMAT);
        line(sb, "position", position);
        line(sb, "hash", orNone(hash));
        line(sb, "firstPosition", firstPosition);
        line(sb, "commits", commits);
        line(sb, "recordBytes", recordBytes);
        line(sb, "snapshot", orNone(snapshot));
        line(sb, "snapshotPosition", snapshotPosition);
        line(sb, "snapshotChainHash", orNone(snapshotChainHash));
        line(sb, "stateHash", orNone(stateHash));
        line(sb, "createdAtEpochMillis", createdAtEpochMillis);
        line(sb, "bytes", bytes);
        line(sb, "durationMillis", durationMillis);
        line(sb, "source", source);
        final CRC32C crc = new CRC32C();
        crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.append("crc32c=").append(String.format("%08x", (int)crc.getValue())).append('\n');
        return sb.toString();
    }

    /**
     * Reads the manifest of a backup directory.
     *
     * @param directory the backup directory.
     * @return the manifest.
     * @throws BackupException if it is missing, damaged (CRC32C), of another format, or incomplete.
     */
    public static BackupManifest read(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new BackupException(directory, "no " + FILE_NAME + " in it: not a backup, or an unfinished one");
        }
        catch (final IOException | java.io.UncheckedIOException ex)
        {
            throw new BackupException(directory, "cannot read its " + FILE_NAME + ": " + ex);
        }
        final int crcLine = text.lastIndexOf("crc32c=");
        if (crcLine < 0 || !text.endsWith("\n"))
        {
            throw new BackupException(directory, FILE_NAME + " is incomplete (no crc32c line at its end)");
        }
        final CRC32C crc = new CRC32C();
        crc.update(text.substring(0, crcLine).getBytes(StandardCharsets.UTF_8));
        final String stored = text.substring(crcLine + "crc32c=".length()).trim();
        if (!stored.equals(String.format("%08x", (int)crc.getValue())))
        {
            throw new BackupException(directory, FILE_NAME + " is damaged: its CRC32C is " +
                String.format("%08x", (int)crc.getValue()) + ", it says " + stored);
        }
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String line : text.substring(0, crcLine).split("\n"))
        {
            final int eq = line.indexOf('=');
            if (eq > 0)
            {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!values.keySet().containsAll(KEYS))
        {
            throw new BackupException(directory, FILE_NAME + " lacks " + KEYS.stream()
                .filter(k -> !values.containsKey(k)).toList());
        }
        if (!String.valueOf(FORMAT).equals(values.get("format")))
        {
            throw new BackupException(directory, FILE_NAME + " is of format " + values.get("format") +
                "; this build reads format " + FORMAT);
        }
        try
        {
            return new BackupManifest(directory, number(values, "position"), none(values.get("hash")),
                number(values, "firstPosition"), number(values, "commits"), number(values, "recordBytes"),
                none(values.get("snapshot")), number(values, "snapshotPosition"),
                none(values.get("snapshotChainHash")), none(values.get("stateHash")),
                number(values, "createdAtEpochMillis"), number(values, "bytes"), number(values, "durationMillis"),
                values.get("source"));
        }
        catch (final NumberFormatException ex)
        {
            throw new BackupException(directory, FILE_NAME + " holds a value that is not a number: " + ex.getMessage());
        }
    }

    /**
     * Writes the manifest into {@code directory} (temp file, fsync, rename).
     */
    void write(final Path directory) throws IOException
    {
        FileSync.writeAtomically(directory, FILE_NAME, text().getBytes(StandardCharsets.UTF_8));
    }

    private static long number(final Map<String, String> values, final String key)
    {
        return Long.parseLong(values.get(key));
    }

    private static String none(final String value)
    {
        return NONE.equals(value) ? null : value;
    }

    private static String orNone(final String value)
    {
        return value == null ? NONE : value;
    }

    private static void line(final StringBuilder sb, final String key, final Object value)
    {
        sb.append(key).append('=').append(value).append('\n');
    }
}
