package dev.strand.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Backups of a Strand data directory, consistent at one position: the journal's commits up to a commit's end (copied
 * record by record, each checked, so a damaged journal never yields a backup), a snapshot at or before that position,
 * and a {@link BackupManifest} with the chain hash there. Restore prepares a new data directory from one, after
 * verifying it.
 *
 * <p>Layout of a backup, {@code <root>/backup-<position, 20 digits>-<finished, epoch millis, 13 digits>/}:
 * {@code journal/} (a Chronicle queue, its cycle files cut after their last data), {@code snapshots/} (zero or one
 * snapshot file) and {@value BackupManifest#FILE_NAME}. One is assembled in a hidden {@code .backup-*.partial}
 * directory under the root and renamed into place when complete, so a backup directory under its final name is whole;
 * a crash leaves only the partial directory (never listed; delete it).
 *
 * <p>Layout of a data directory (the engine's): {@code journal/} and {@code snapshots/}.
 *
 * <p>Threads: the caller's; the journal copy reads the (possibly live) journal with its own tailer.
 */
public final class JournalBackup
{
    /** The data directory's journal, and a backup's. */
    public static final String JOURNAL = "journal";
    /** The data directory's snapshots, and a backup's. */
    public static final String SNAPSHOTS = "snapshots";
    private static final String PREFIX = "backup-";
    private static final String PARTIAL_SUFFIX = ".partial";
    private static final Logger LOG = LoggerFactory.getLogger(JournalBackup.class);

    private final Path root;
    private final Path staging;
    private final Clock clock;
    private final long startNanos = System.nanoTime();
    private final SnapshotStore snapshots;
    private boolean done;

    private JournalBackup(final Path root, final Path staging, final Clock clock)
    {
        this.root = root;
        this.staging = staging;
        this.clock = clock;
        this.snapshots = new SnapshotStore(staging.resolve(SNAPSHOTS), 1, clock);
    }

    /**
     * Starts a backup under {@code root} (created if missing): an empty partial directory.
     *
     * @param root the backup directory's parent.
     * @return the backup being assembled; {@link #finish} or {@link #abandon} it.
     * @throws BackupException if the root cannot be created or written.
     */
    public static JournalBackup begin(final Path root)
    {
        return begin(root, Clock.systemUTC());
    }

    static JournalBackup begin(final Path root, final Clock clock)
    {
        final Path absolute = root.toAbsolutePath().normalize();
        try
        {
            Files.createDirectories(absolute);
            final Path partial = absolute.resolve("." + PREFIX + java.util.UUID.randomUUID() + PARTIAL_SUFFIX);
            Files.createDirectory(partial);
            return new JournalBackup(absolute, partial, clock);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new BackupException(absolute, "cannot create a backup in it: " + ex.getMessage(), ex);
        }
    }

    /**
     * A backup of a data directory without a server's help, safe beside a running one (which keeps appending; the
     * backup is consistent at the journal's end when it is opened here): the newest snapshot on disk at or before that
     * end whose container checks out and whose chain hash is the journal's, then the journal up to that end. Nothing is
     * written to the data directory (the journal is opened as the dump tool opens it: no lock, no side file).
     *
     * @param dataDir the data directory ({@code journal/}, {@code snapshots/}).
     * @param root    the backup root.
     * @return the finished backup's manifest (no state hash: no engine computed one).
     * @throws BackupException           if the backup cannot be written.
     * @throws JournalCorruptedException if the journal is damaged.
     * @throws IllegalArgumentException  if there is no journal in the data directory.
     */
    public static BackupManifest ofDataDirectory(final Path dataDir, final Path root)
    {
        try (Journal journal = Journal.openReadOnly(dataDir.resolve(JOURNAL)))
        {
            final long end = journal.lastPosition();
            final JournalBackup backup = begin(root);
            try
            {
                for (final SnapshotInfo info : SnapshotStore.listIn(dataDir.resolve(SNAPSHOTS)))
                {
                    if (usable(journal, end, info))
                    {
                        try
                        {
                            backup.copySnapshot(info.file());
                            break;
                        }
                        catch (final BackupException ex)
                        {
                            LOG.warn("not backing up snapshot {}: {}", info.file(), ex.getMessage());
                        }
                    }
                }
                return backup.finish(journal, end, null);
            }
            catch (final RuntimeException ex)
            {
                backup.abandon();
                throw ex;
            }
        }
    }

    /** Whether a snapshot on disk can go into a backup ending at {@code end}: whole, not beyond it, of this journal. */
    private static boolean usable(final Journal journal, final long end, final SnapshotInfo info)
    {
        if (info.position() > end)
        {
            return false;
        }
        try
        {
            if (SnapshotStore.check(info.file()) != null)
            {
                return false;
            }
        }
        catch (final IOException ex)
        {
            return false;
        }
        if (info.formatVersion() == SnapshotStore.FORMAT_VERSION_1 || info.position() == 0)
        {
            return true;
        }
        return Objects.equals(journal.chainLinkAt(info.position()).hash(), info.chainHash());
    }

    /**
     * @return the store the backup's snapshot is written into (keeps one).
     */
    public SnapshotStore snapshotStore()
    {
        return snapshots;
    }

    /**
     * Copies a snapshot file into the backup (the offline backup takes the newest one on disk), checking its container
     * on the copy.
     *
     * @param snapshotFile the snapshot.
     * @throws BackupException if the copy does not check out (the file was pruned or changed while copied).
     */
    public void copySnapshot(final Path snapshotFile)
    {
        final Path copy = snapshots.directory().resolve(snapshotFile.getFileName());
        try
        {
            Files.copy(snapshotFile, copy, StandardCopyOption.REPLACE_EXISTING);
            fsync(copy);
            final String problem = SnapshotStore.check(copy);
            if (problem != null)
            {
                Files.delete(copy);
                throw new BackupException(snapshotFile, "the copied snapshot does not check out: " + problem);
            }
        }
        catch (final IOException ex)
        {
            throw new BackupException(snapshotFile, "cannot copy it into the backup: " + ex, ex);
        }
    }

    /**
     * Copies the journal up to {@code position}, checks the snapshot against it, writes the manifest and renames the
     * backup into place.
     *
     * @param journal   the journal (open; may be appended to meanwhile).
     * @param position  the position the backup is consistent at: the last of a commit, at or after the snapshot's.
     * @param stateHash the engine's state hash at {@code position} (16 hex digits), or null when not known.
     * @return the finished backup's manifest.
     * @throws BackupException if copying fails or the snapshot is not the journal's; the partial directory is deleted.
     */
    public BackupManifest finish(final Journal journal, final long position, final String stateHash)
    {
        try
        {
            final List<SnapshotInfo> snapshot = snapshots.list();
            if (snapshot.size() > 1)
            {
                throw new BackupException(staging, "a backup holds one snapshot, this one has " + snapshot.size());
            }
            final SnapshotInfo info = snapshot.isEmpty() ? null : snapshot.get(0);
            if (info != null && info.position() > position)
            {
                throw new BackupException(staging, "its snapshot at position " + info.position() +
                    " is beyond the position it is consistent at, " + position);
            }
            final CommitCopier.Copied copied = CommitCopier.copy(journal, position, staging.resolve(JOURNAL));
            if (info != null && info.position() > 0)
            {
                final String atSnapshot = journal.chainLinkAt(info.position()).hash();
                if (!Objects.equals(atSnapshot, info.chainHash()) && info.formatVersion() != SnapshotStore.FORMAT_VERSION_1)
                {
                    throw new BackupException(staging, "its snapshot records chain hash " + info.chainHash() +
                        " at position " + info.position() + ", the journal has " + atSnapshot);
                }
            }
            final long finished = clock.millis();
            final BackupManifest manifest = new BackupManifest(staging, copied.lastPosition(), copied.headHash(),
                copied.firstPosition(), copied.commits(), copied.recordBytes(),
                info == null ? null : info.file().getFileName().toString(), info == null ? 0 : info.position(),
                info == null ? null : info.chainHash(), stateHash, finished, 0, 0,
                journal.directory().toString());
            final long millis = (System.nanoTime() - startNanos) / 1_000_000;
            final BackupManifest complete = manifest.finished(staging, sizeOf(staging), millis);
            complete.write(staging);
            FileSync.directory(staging);
            final Path target = root.resolve(String.format("%s%020d-%013d", PREFIX, copied.lastPosition(), finished));
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(root);
            done = true;
            LOG.info("backup at position {} ({} commits, {} bytes) written to {} in {} ms", complete.position(),
                complete.commits(), complete.bytes(), target, millis);
            return complete.finished(target, complete.bytes(), millis);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            abandon();
            throw new BackupException(root, "the backup failed: " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            abandon();
            throw ex;
        }
    }

    /**
     * Deletes the partial directory; idempotent.
     */
    public void abandon()
    {
        if (done)
        {
            return;
        }
        done = true;
        deleteTree(staging);
    }

    /**
     * @param root a backup root.
     * @return the backups in it whose manifest reads, newest first (by position, then time); none when it does not
     * exist.
     */
    public static List<BackupManifest> list(final Path root)
    {
        final List<BackupManifest> found = new ArrayList<>();
        if (!Files.isDirectory(root))
        {
            return found;
        }
        try (Stream<Path> dirs = Files.list(root))
        {
            for (final Path dir : (Iterable<Path>)dirs::iterator)
            {
                final String name = dir.getFileName().toString();
                if (name.startsWith(PREFIX) && Files.isDirectory(dir))
                {
                    try
                    {
                        found.add(BackupManifest.read(dir));
                    }
                    catch (final BackupException ex)
                    {
                        LOG.warn("not listing {}: {}", dir, ex.getMessage());
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list backups in " + root, ex);
        }
        found.sort(Comparator.comparingLong(BackupManifest::position)
            .thenComparingLong(BackupManifest::createdAtEpochMillis).reversed());
        return found;
    }

    /**
     * Checks a backup in place: its manifest (CRC32C), its journal (every record's checksum, positions and hash chain,
     * ending at the manifest's position with the manifest's chain hash), its snapshot (container checksum, position,
     * and the journal's chain hash at its position). Chronicle opens the backup's queue read-write (the verify tool's
     * notes), so its cut cycle files grow back to their mapped size with zeros.
     *
     * @param backup the backup directory.
     * @return its manifest.
     * @throws BackupException naming the first thing that does not check out.
     */
    public static BackupManifest verify(final Path backup)
    {
        final BackupManifest manifest = BackupManifest.read(backup);
        check(backup, manifest);
        return manifest;
    }

    /**
     * Prepares a new data directory from a backup: copies its journal and snapshot into a directory beside the target,
     * verifies the copy as {@link #verify} does (so a damaged backup never becomes a data directory, and the backup is
     * not written to), then moves it into place ({@code journal/} first, so a crash halfway leaves a journal a server
     * replays in full, never a snapshot without its journal).
     *
     * @param backup  the backup directory.
     * @param dataDir the new data directory: missing or empty.
     * @return the backup's manifest.
     * @throws BackupException if the target is not empty, or the backup does not check out (nothing is left behind).
     */
    public static BackupManifest restore(final Path backup, final Path dataDir)
    {
        final Path target = dataDir.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDirectory(target))
        {
            throw new BackupException(target, Files.isDirectory(target) ?
                "not empty: restore prepares a new data directory and never writes over one" : "not a directory");
        }
        final BackupManifest manifest = BackupManifest.read(backup);
        final Path staging = target.resolveSibling("." + target.getFileName() + ".restoring-" +
            ProcessHandle.current().pid());
        try
        {
            deleteTree(staging);
            copyTree(backup.resolve(JOURNAL), staging.resolve(JOURNAL));
            copyTree(backup.resolve(SNAPSHOTS), staging.resolve(SNAPSHOTS));
            check(staging, manifest);
            Files.createDirectories(target);
            Files.move(staging.resolve(JOURNAL), target.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(target);
            Files.move(staging.resolve(SNAPSHOTS), target.resolve(SNAPSHOTS), StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(target);
            deleteTree(staging);
            FileSync.directory(target.getParent());
            LOG.info("restored backup {} (position {}) into {}", backup, manifest.position(), target);
            return manifest;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            deleteTree(staging);
            throw new BackupException(target, "the restore failed: " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            deleteTree(staging);
            throw ex;
        }
    }

    /** Checks a backup's (or a restored copy's) journal and snapshot against its manifest. */
    private static void check(final Path dir, final BackupManifest manifest)
    {
        final Path journalDir = dir.resolve(JOURNAL);
        if (!Files.isDirectory(journalDir))
        {
            throw new BackupException(dir, "it has no " + JOURNAL + "/ directory");
        }
        final VerifyReport report = JournalVerifier.verify(journalDir,
            manifest.snapshotPosition() > 0 ? manifest.snapshotPosition() : JournalVerifier.NO_LOOKUP);
        if (report.isCorrupt())
        {
            throw new BackupException(dir, "its journal is corrupt: " + report.corruption());
        }
        if (!report.tornTail().isEmpty())
        {
            throw new BackupException(dir, "its journal ends with a damaged record: " + report.tornTail().get(0));
        }
        if (report.lastPosition() != manifest.position())
        {
            throw new BackupException(dir, "its journal ends at position " + report.lastPosition() +
                ", the manifest says " + manifest.position());
        }
        if (!Objects.equals(report.headHash(), manifest.hash()))
        {
            throw new BackupException(dir, "its journal's chain hash at position " + manifest.position() + " is " +
                report.headHash() + ", the manifest says " + manifest.hash());
        }
        if (manifest.position() > 0 && report.firstPosition() != manifest.firstPosition())
        {
            throw new BackupException(dir, "its journal starts at position " + report.firstPosition() +
                ", the manifest says " + manifest.firstPosition());
        }
        final List<SnapshotInfo> snapshots = SnapshotStore.listIn(dir.resolve(SNAPSHOTS));
        if (manifest.snapshot() == null)
        {
            if (!snapshots.isEmpty())
            {
                throw new BackupException(dir, "it holds a snapshot its manifest does not name");
            }
            return;
        }
        if (snapshots.size() != 1 || !snapshots.get(0).file().getFileName().toString().equals(manifest.snapshot()))
        {
            throw new BackupException(dir, "its manifest names snapshot " + manifest.snapshot() + ", it holds " +
                snapshots.stream().map(s -> s.file().getFileName().toString()).toList());
        }
        final SnapshotInfo info = snapshots.get(0);
        final String problem;
        try
        {
            problem = SnapshotStore.check(info.file());
        }
        catch (final IOException ex)
        {
            throw new BackupException(dir, "cannot read its snapshot: " + ex, ex);
        }
        if (problem != null)
        {
            throw new BackupException(dir, "its snapshot " + manifest.snapshot() + " does not check out: " + problem);
        }
        if (info.position() != manifest.snapshotPosition() || !Objects.equals(info.chainHash(), manifest.snapshotChainHash()))
        {
            throw new BackupException(dir, "its snapshot is at position " + info.position() + " with chain hash " +
                info.chainHash() + ", the manifest says " + manifest.snapshotPosition() + " and " +
                manifest.snapshotChainHash());
        }
        if (info.chainHash() != null && (report.lookup() == null || !info.chainHash().equals(report.lookup().hash())))
        {
            throw new BackupException(dir, "its snapshot records chain hash " + info.chainHash() + " at position " +
                info.position() + ", its journal has " + (report.lookup() == null ? "none" :
                report.lookup().hash() != null ? report.lookup().hash() : report.lookup().problem()));
        }
    }

    private static boolean isEmptyDirectory(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static long sizeOf(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            long total = 0;
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(f))
                {
                    total += Files.size(f);
                }
            }
            return total;
        }
    }

    /** Copies the files of a directory (no subdirectories) and fsyncs each and the directory. */
    private static void copyTree(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        if (!Files.isDirectory(from))
        {
            return;
        }
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(f) && !f.getFileName().toString().equals(Journal.LOCK_FILE))
                {
                    final Path copy = to.resolve(f.getFileName().toString());
                    Files.copy(f, copy);
                    fsync(copy);
                }
            }
        }
        FileSync.directory(to);
    }

    private static void fsync(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final DirectoryNotEmptyException | NoSuchFileException ex)
                {
                    LOG.warn("could not delete {}: {}", p, ex.toString());
                }
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("could not delete {}: {}", dir, ex.toString());
        }
    }
}
