package dev.strand.journal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * A data directory restored from a backup to seed a new cluster ({@code strand restore --cluster-seed}): its journal
 * and snapshot are the state every member starts from, since the new cluster's log is empty. The file records
 * where the seed ends (position, chain hash there, the state hash the backup recorded) and which snapshot holds the
 * state; a member with no cluster snapshot of its own loads that state before the cluster's log replays, so the
 * log's first command lands after the seed on every member. It stays in the directory: a member restarted before
 * the cluster took its first snapshot needs it again.
 *
 * @param position         the seed's last journal position.
 * @param chainHash        the journal's chain hash there (the backup's head).
 * @param snapshotPosition the position of the snapshot that holds the state (0: none, the seed is replayed from 1).
 * @param stateHash        the state hash the backup recorded at its position (16 hex digits; empty when unknown).
 */
public record ClusterSeed(long position, String chainHash, long snapshotPosition, String stateHash)
{
    /** The file, in the data directory. */
    public static final String FILE = "cluster-seed.properties";

    /** The seed a restored backup makes. */
    public static ClusterSeed of(final BackupManifest backup)
    {
        return new ClusterSeed(backup.position(), backup.hash(), backup.snapshotPosition(),
            backup.stateHash() == null ? "" : backup.stateHash());
    }

    /** Writes the seed file into {@code dataDir} (a temp file renamed into place, fsynced). */
    public void writeTo(final Path dataDir)
    {
        final Properties p = new Properties();
        p.setProperty("position", Long.toString(position));
        p.setProperty("chainHash", chainHash == null ? "" : chainHash);
        p.setProperty("snapshotPosition", Long.toString(snapshotPosition));
        p.setProperty("stateHash", stateHash);
        final Path target = dataDir.resolve(FILE);
        try
        {
            final java.io.StringWriter w = new java.io.StringWriter();
            p.store(w, "the data this cluster member was seeded from (strand restore --cluster-seed)");
            FileSync.writeAtomically(dataDir, FILE, w.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + target, ex);
        }
    }

    /**
     * @return the seed of {@code dataDir}, or empty when it has none.
     * @throws IllegalStateException naming the file when it cannot be read.
     */
    public static Optional<ClusterSeed> read(final Path dataDir)
    {
        final Path file = dataDir.resolve(FILE);
        if (!Files.exists(file))
        {
            return Optional.empty();
        }
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            p.load(r);
            return Optional.of(new ClusterSeed(Long.parseLong(p.getProperty("position", "").trim()),
                p.getProperty("chainHash", "").trim(), Long.parseLong(p.getProperty("snapshotPosition", "0").trim()),
                p.getProperty("stateHash", "").trim()));
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new IllegalStateException(file + " cannot be read (" + ex.getMessage() + "): it is what " +
                "strand restore --cluster-seed writes; restore the backup again", ex);
        }
    }
}
