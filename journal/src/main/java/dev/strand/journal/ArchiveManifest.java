package dev.strand.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The archive directory's record of every cycle file retention took out of the journal, oldest first, in
 * {@value #FILE_NAME}: one line per cycle file ({@code key=value} pairs separated by spaces), then a line with the
 * CRC32C of every byte before it. Rewritten whole (temp file, fsync, rename, directory fsync) for each cycle.
 */
final class ArchiveManifest
{
    static final String FILE_NAME = "archive.manifest";
    private static final String NONE = "none";

    /**
     * One cycle file taken out of the journal.
     *
     * @param file             its name.
     * @param cycle            its Chronicle cycle.
     * @param firstPosition    the first position it held.
     * @param lastPosition     the last position it held ({@code firstPosition - 1} when it held no record).
     * @param previousHash     the chain hash before its first commit (null: none).
     * @param hash             the chain hash of its last commit (null: none).
     * @param records          commit records it held.
     * @param recordBytes      bytes of those records.
     * @param fileBytes        the archived file's size (0 when deleted).
     * @param sha256           SHA-256 of the archived file (of the file as it was, when deleted).
     * @param action           {@code archived} or {@code deleted}.
     * @param movedAtEpochMillis when it was taken out.
     */
    record Entry(String file, int cycle, long firstPosition, long lastPosition, String previousHash, String hash,
        long records, long recordBytes, long fileBytes, String sha256, String action, long movedAtEpochMillis)
    {
        static final String ARCHIVED = "archived";
        static final String DELETED = "deleted";

        boolean archived()
        {
            return ARCHIVED.equals(action);
        }

        String line()
        {
            return "file=" + file + " cycle=" + cycle + " first=" + firstPosition + " last=" + lastPosition +
                " previousHash=" + or(previousHash) + " hash=" + or(hash) + " records=" + records + " recordBytes=" +
                recordBytes + " fileBytes=" + fileBytes + " sha256=" + sha256 + " action=" + action + " movedAt=" +
                movedAtEpochMillis;
        }

        static Entry parse(final String line)
        {
            final Map<String, String> v = new LinkedHashMap<>();
            for (final String pair : line.trim().split(" "))
            {
                final int eq = pair.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException("'" + pair + "' is not key=value");
                }
                v.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return new Entry(req(v, "file"), Integer.parseInt(req(v, "cycle")), Long.parseLong(req(v, "first")),
                Long.parseLong(req(v, "last")), none(req(v, "previousHash")), none(req(v, "hash")),
                Long.parseLong(req(v, "records")), Long.parseLong(req(v, "recordBytes")),
                Long.parseLong(req(v, "fileBytes")), req(v, "sha256"), req(v, "action"),
                Long.parseLong(req(v, "movedAt")));
        }

        private static String req(final Map<String, String> v, final String key)
        {
            final String value = v.get(key);
            if (value == null)
            {
                throw new IllegalArgumentException("no " + key);
            }
            return value;
        }
    }

    private final List<Entry> entries;

    ArchiveManifest(final List<Entry> entries)
    {
        this.entries = List.copyOf(entries);
    }

    List<Entry> entries()
    {
        return entries;
    }

    Entry last()
    {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }

    ArchiveManifest with(final Entry entry)
    {
        final List<Entry> all = new ArrayList<>(entries.size() + 1);
        for (final Entry e : entries)
        {
            if (!e.file().equals(entry.file()))
            {
                all.add(e);
            }
        }
        all.add(entry);
        return new ArchiveManifest(all);
    }

    long archivedBytes()
    {
        long total = 0;
        for (final Entry e : entries)
        {
            total += e.fileBytes();
        }
        return total;
    }

    /**
     * @return the manifest in {@code directory}; empty when there is none.
     * @throws JournalCorruptedException if it is damaged.
     */
    static ArchiveManifest load(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return new ArchiveManifest(List.of());
        }
        catch (final IOException ex)
        {
            throw new JournalCorruptedException("the archive manifest cannot be read: " + ex, file, 0);
        }
        final int crcLine = text.lastIndexOf("crc32c=");
        if (crcLine < 0 || !text.endsWith("\n"))
        {
            throw new JournalCorruptedException("the archive manifest is incomplete (no crc32c line at its end)", file, 0);
        }
        final CRC32C crc = new CRC32C();
        crc.update(text.substring(0, crcLine).getBytes(StandardCharsets.UTF_8));
        if (!text.substring(crcLine + "crc32c=".length()).trim().equals(String.format("%08x", (int)crc.getValue())))
        {
            throw new JournalCorruptedException("the archive manifest fails its CRC32C", file, 0);
        }
        final List<Entry> entries = new ArrayList<>();
        for (final String line : text.substring(0, crcLine).split("\n"))
        {
            if (!line.isBlank())
            {
                try
                {
                    entries.add(Entry.parse(line));
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new JournalCorruptedException("the archive manifest has a bad line (" + ex.getMessage() +
                        "): " + line, file, 0);
                }
            }
        }
        return new ArchiveManifest(entries);
    }

    void store(final Path directory) throws IOException
    {
        final StringBuilder sb = new StringBuilder(256 * (entries.size() + 1));
        for (final Entry e : entries)
        {
            sb.append(e.line()).append('\n');
        }
        final CRC32C crc = new CRC32C();
        crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.append("crc32c=").append(String.format("%08x", (int)crc.getValue())).append('\n');
        FileSync.writeAtomically(directory, FILE_NAME, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String or(final String value)
    {
        return value == null ? NONE : value;
    }

    private static String none(final String value)
    {
        return NONE.equals(value) ? null : value;
    }
}
