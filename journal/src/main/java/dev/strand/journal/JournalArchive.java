package dev.strand.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Retention: takes whole cycle files out of the journal, oldest first, into an archive directory (or deletes them,
 * recording what they held), so the journal's size stays in check. A cycle file goes only when it is not the newest
 * one (the appender's), its cycle ended at least {@code age} ago, and its last position is at or before the bound the
 * caller gives (the engine's: the oldest snapshot it could still recover from, so recovery never needs it). Each file
 * is walked first (CRC32C, positions, hash chain from where the journal starts), so nothing damaged is moved.
 *
 * <p>Steps for one cycle file, each durable before the next, so a crash anywhere loses nothing and leaves a state the
 * next run or start completes: copy it into the archive as {@code <name>.partial}, cut after its last data, fsync,
 * rename (a stale partial is redone); add its entry to the archive manifest ({@link ArchiveManifest}); write the
 * journal's archived-prefix side file ({@link ArchivedPrefix}: the new first position and the chain hash before it);
 * tell the journal (readers now refuse positions before it); delete it from the journal directory (a file left by a
 * crash here is deleted at the next open). With {@link RetentionAction#DELETE} the copy is skipped.
 *
 * <p>The archive directory is itself a journal directory: the archived cycle files, a queue metadata file with the
 * journal's roll cycle, and its own archived-prefix side file saying where its first archived file starts, so
 * {@code strand verify} walks it like any journal and checks that its chain joins the live journal's.
 *
 * <p>Threads: one run at a time, on the caller's thread (the engine's {@code journal-retention}); the appender goes on.
 */
public final class JournalArchive
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalArchive.class);
    private static final String PARTIAL = ".partial";

    private final Journal journal;
    private final Path archiveDir;
    private final RetentionAction action;
    private final Duration age;
    private final Clock clock;
    /** Bytes of the archived files, from the manifest; -1 until first asked or after a run. */
    private volatile long archivedBytes = -1;

    /**
     * @param journal    the open journal.
     * @param archiveDir the archive directory (created when the first file is archived).
     * @param action     archive or delete.
     * @param age        how long after its cycle ended a cycle file may go.
     * @param clock      the wall clock cycles' ends are compared with.
     */
    public JournalArchive(final Journal journal, final Path archiveDir, final RetentionAction action,
        final Duration age, final Clock clock)
    {
        this.journal = journal;
        this.archiveDir = archiveDir.toAbsolutePath().normalize();
        this.action = action;
        this.age = age;
        this.clock = clock;
    }

    /**
     * @return the archive directory.
     */
    public Path directory()
    {
        return archiveDir;
    }

    /**
     * @return bytes of the archived cycle files, from the archive's manifest.
     */
    public long archivedBytes()
    {
        long bytes = archivedBytes;
        if (bytes < 0)
        {
            try
            {
                bytes = Files.isDirectory(archiveDir) ? ArchiveManifest.load(archiveDir).archivedBytes() : 0;
            }
            catch (final JournalCorruptedException ex)
            {
                return 0;
            }
            archivedBytes = bytes;
        }
        return bytes;
    }

    /**
     * One run: moves every cycle file the policy allows, oldest first, stopping at the first that must stay.
     *
     * @param bound the last position recovery could do without (files whose last position is beyond it stay).
     * @return what it did; a failure is reported, not thrown.
     */
    public synchronized RetentionReport run(final long bound)
    {
        final long start = System.nanoTime();
        final long ranAt = clock.millis();
        int moved = 0;
        long events = 0;
        long bytes = 0;
        String why = "nothing to move";
        try
        {
            final SingleChronicleQueue queue = journal.queue();
            final RollCycle rollCycle = queue.rollCycle();
            final int newest = queue.lastCycle();
            for (final long c : JournalVerifier.cycles(queue))
            {
                final int cycle = (int)c;
                if (cycle >= newest)
                {
                    why = "the oldest cycle file left is the newest one, which the appender writes";
                    break;
                }
                final long cycleEnd = queue.epoch() + (cycle + 1L) * rollCycle.lengthInMillis();
                if (ranAt - cycleEnd < age.toMillis())
                {
                    why = "the oldest cycle file left ended " + Duration.ofMillis(Math.max(0, ranAt - cycleEnd)).toSeconds() +
                        " s ago, less than the retention age of " + age.toSeconds() + " s";
                    break;
                }
                final Cycle scanned = scan(queue, cycle);
                if (scanned.lastPosition > bound)
                {
                    why = "the oldest cycle file left ends at position " + scanned.lastPosition + ", after the " +
                        "oldest snapshot recovery could use (" + bound + ")";
                    break;
                }
                move(scanned);
                moved++;
                events += scanned.lastPosition - scanned.firstPosition + 1;
                bytes += scanned.recordBytes;
            }
            final long millis = (System.nanoTime() - start) / 1_000_000;
            final String detail = moved == 0 ? why : (action == RetentionAction.ARCHIVE ? "archived " : "deleted ") +
                moved + " cycle file(s), " + events + " events, to position " + (journal.firstPosition() - 1) + "; " + why;
            if (moved > 0)
            {
                LOG.info("retention: {}", detail);
            }
            return new RetentionReport(ranAt, true, detail, moved, events, bytes, journal.firstPosition(), millis);
        }
        catch (final IOException | UncheckedIOException | JournalCorruptedException | IllegalStateException ex)
        {
            final String detail = "failed after moving " + moved + " cycle file(s): " + ex.getMessage();
            LOG.error("retention: {}", detail);
            return new RetentionReport(ranAt, false, detail, moved, events, bytes, journal.firstPosition(),
                (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** A cycle file walked: what it holds and that its records and chain check out. */
    private record Cycle(int cycle, Path file, long firstPosition, long lastPosition, byte[] previousHash,
        byte[] lastHash, boolean chained, long records, long recordBytes)
    {
    }

    private Cycle scan(final SingleChronicleQueue queue, final int cycle)
    {
        final ArchivedPrefix prefix = journal.prefix();
        final RollCycle rollCycle = queue.rollCycle();
        final Path file = journal.directory().resolve(ChronicleQueues.fileName(rollCycle, queue.epoch(), cycle));
        final DroppedIndexes dropped = journal.dropped();
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        final CommitDecoder decoder = new CommitDecoder();
        final ChainHash chain = new ChainHash();
        final byte[] previous = prefix.previousHash();
        final byte[] stored = new byte[ChainHash.LENGTH];
        final byte[] computed = new byte[ChainHash.LENGTH];
        boolean chained = prefix.chained();
        long expected = prefix.firstPosition();
        long records = 0;
        long recordBytes = 0;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            final long count = ChronicleQueues.excerptsInCycle(tailer, rollCycle, cycle);
            for (long seq = 0; seq < count; seq++)
            {
                final long index = rollCycle.toIndex(cycle, seq);
                if (dropped.contains(index))
                {
                    continue;
                }
                if (!tailer.moveToIndex(index))
                {
                    throw new JournalCorruptedException("Chronicle cannot move to index 0x" + Long.toHexString(index),
                        file, expected);
                }
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || dc.isMetaData())
                    {
                        continue;
                    }
                    final Bytes<?> in = dc.wire().bytes();
                    final int length = (int)in.readRemaining();
                    buffer.checkLimit(length);
                    in.nativeRead(in.readPosition(), buffer.addressOffset(), length);
                    final String reason = decoder.validate(buffer, length);
                    if (reason != null)
                    {
                        throw new JournalCorruptedException(reason + " (retention leaves this cycle file in place)",
                            file, expected);
                    }
                    final long first = CommitDecoder.firstPosition(buffer);
                    final long last = first + CommitDecoder.count(buffer) - 1;
                    if (first != expected)
                    {
                        throw new JournalCorruptedException("position gap: record starts at " + first + ", expected " +
                            expected, file, expected);
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
                    records++;
                    recordBytes += length;
                    expected = last + 1;
                }
            }
        }
        return new Cycle(cycle, file, prefix.firstPosition(), expected - 1, prefix.previousHash(), previous, chained,
            records, recordBytes);
    }

    private void move(final Cycle c) throws IOException
    {
        final ArchiveManifest manifest = prepareArchive();
        final String name = c.file.getFileName().toString();
        final long fileBytes;
        final String sha256;
        if (action == RetentionAction.ARCHIVE)
        {
            final Path dest = archiveDir.resolve(name);
            final ArchiveManifest.Entry known = manifest.entries().stream().filter(e -> e.file().equals(name))
                .findFirst().orElse(null);
            if (known != null && known.archived() && Files.exists(dest) && known.sha256().equals(sha256(dest, known.fileBytes())) &&
                known.lastPosition() == c.lastPosition)
            {
                fileBytes = known.fileBytes();
                sha256 = known.sha256();
            }
            else
            {
                final Path partial = archiveDir.resolve(name + PARTIAL);
                CommitCopier.copyData(c.file, partial);
                fsync(partial);
                sha256 = sha256(partial);
                fileBytes = Files.size(partial);
                Files.move(partial, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                FileSync.directory(archiveDir);
            }
        }
        else
        {
            sha256 = sha256(c.file);
            fileBytes = 0;
        }
        final ArchiveManifest.Entry entry = new ArchiveManifest.Entry(name, c.cycle, c.firstPosition, c.lastPosition,
            ChainHash.isGenesis(c.previousHash) ? null : ChainHash.hex(c.previousHash),
            c.chained ? ChainHash.hex(c.lastHash) : null, c.records, c.recordBytes, fileBytes, sha256,
            action == RetentionAction.ARCHIVE ? ArchiveManifest.Entry.ARCHIVED : ArchiveManifest.Entry.DELETED,
            clock.millis());
        final ArchiveManifest updated = manifest.with(entry);
        updated.store(archiveDir);
        archivedBytes = updated.archivedBytes();
        if (action == RetentionAction.ARCHIVE)
        {
            writeArchivePrefix(updated);
        }
        final ArchivedPrefix prefix = new ArchivedPrefix(c.lastPosition + 1,
            c.chained ? c.lastHash : ChainHash.GENESIS, c.cycle);
        prefix.store(journal.directory());
        journal.archived(prefix, c.recordBytes + 4 * c.records);
        Files.deleteIfExists(c.file);
        FileSync.directory(journal.directory());
        journal.queue().refreshDirectoryListing();
    }

    /** The archive directory with a queue metadata file of the journal's roll cycle; its manifest. */
    private ArchiveManifest prepareArchive() throws IOException
    {
        Files.createDirectories(archiveDir);
        if (!Files.exists(archiveDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE)))
        {
            SingleChronicleQueueBuilder.binary(archiveDir).rollCycle(journal.queue().rollCycle())
                .epoch(journal.queue().epoch()).build().close();
        }
        return ArchiveManifest.load(archiveDir);
    }

    /**
     * The archive's own archived-prefix side file: where its contiguous run of archived files starts (after any
     * deleted ones), so it walks as a journal of its own.
     */
    private void writeArchivePrefix(final ArchiveManifest manifest) throws IOException
    {
        final List<ArchiveManifest.Entry> entries = manifest.entries();
        int firstArchived = entries.size() - 1;
        while (firstArchived > 0 && entries.get(firstArchived - 1).archived())
        {
            firstArchived--;
        }
        final ArchiveManifest.Entry first = entries.get(firstArchived);
        final ArchivedPrefix start = new ArchivedPrefix(first.firstPosition(),
            first.previousHash() == null ? ChainHash.GENESIS : ChainHash.parse(first.previousHash()), Integer.MIN_VALUE);
        if (first.firstPosition() > 1)
        {
            start.store(archiveDir);
        }
        else
        {
            Files.deleteIfExists(archiveDir.resolve(ArchivedPrefix.FILE_NAME));
        }
    }

    /**
     * Checks an archive against the journal it was taken from: its manifest (CRC32C) lists contiguous positions whose
     * chain hashes link, ending right before the journal's first position with the chain hash the journal starts from;
     * each archived file is there with its SHA-256; the archived files walk as a journal (every record's checksum,
     * positions and hash chain) ending where the manifest says.
     *
     * @param archiveDir the archive directory.
     * @param journalDir the live journal directory.
     * @return null when it checks out (or there is nothing archived), else the first problem.
     */
    public static String verify(final Path archiveDir, final Path journalDir)
    {
        final ArchivedPrefix live = ArchivedPrefix.load(journalDir);
        if (live.firstPosition() == 1)
        {
            return null;
        }
        if (!Files.isDirectory(archiveDir) || !Files.exists(archiveDir.resolve(ArchiveManifest.FILE_NAME)))
        {
            return "the journal starts at position " + live.firstPosition() + " but " + archiveDir +
                " holds no archive manifest (restored from a backup of an archived journal, or the archive is elsewhere: " +
                "--archive-dir)";
        }
        final ArchiveManifest manifest = ArchiveManifest.load(archiveDir);
        long expected = 1;
        String previous = null;
        for (final ArchiveManifest.Entry e : manifest.entries())
        {
            if (e.firstPosition() != expected && !(expected == 1 && e == manifest.entries().get(0)))
            {
                return "archive entry " + e.file() + " starts at position " + e.firstPosition() + ", expected " + expected;
            }
            if (expected > 1 && !Objects.equals(previous, e.previousHash()))
            {
                return "archive entry " + e.file() + " links to chain hash " + e.previousHash() + " but the entry " +
                    "before it ends with " + previous;
            }
            if (e.archived())
            {
                final Path file = archiveDir.resolve(e.file());
                if (!Files.exists(file))
                {
                    return "archived cycle file " + e.file() + " is missing from " + archiveDir;
                }
            }
            expected = e.lastPosition() + 1;
            previous = e.hash();
        }
        if (expected != live.firstPosition())
        {
            return "the archive ends at position " + (expected - 1) + " but the journal starts at " + live.firstPosition();
        }
        final String liveHash = live.chained() ? ChainHash.hex(live.previousHash()) : null;
        if (!Objects.equals(previous, liveHash))
        {
            return "the archive's last chain hash " + previous + " is not the one the journal starts from, " + liveHash;
        }
        return null;
    }

    /**
     * What {@link #check} found.
     *
     * @param firstPosition the journal's first position.
     * @param problem       null when the archive checks out (or nothing is archived), else the first problem.
     * @param summary       what was checked, one line.
     * @param lookup        the chain hash at the position asked for, when it is before the journal's first position.
     */
    public record Check(long firstPosition, String problem, String summary, ChainLink lookup)
    {
    }

    /**
     * The verify tool's whole check of an archive against its journal: {@link #verify}, each archived file's SHA-256,
     * the archived files walked as a journal; and the chain hash at {@code lookupPosition} when it lies in the archive.
     *
     * @param archiveDir     the archive directory.
     * @param journalDir     the live journal directory.
     * @param lookupPosition a position to look up, or -1.
     * @return the outcome.
     */
    public static Check check(final Path archiveDir, final Path journalDir, final long lookupPosition)
    {
        final ArchivedPrefix live = ArchivedPrefix.load(journalDir);
        if (live.firstPosition() == 1)
        {
            return new Check(1, null, "nothing archived", null);
        }
        ChainLink lookup = null;
        if (lookupPosition >= 1 && lookupPosition < live.firstPosition())
        {
            lookup = new ChainLink(lookupPosition, null, "position " + lookupPosition + " is archived and " +
                "the archive does not hold it");
        }
        String problem = verify(archiveDir, journalDir);
        if (problem != null)
        {
            return new Check(live.firstPosition(), problem, null, lookup);
        }
        final ArchiveManifest manifest = ArchiveManifest.load(archiveDir);
        problem = checkFiles(archiveDir);
        if (problem != null)
        {
            return new Check(live.firstPosition(), problem, null, lookup);
        }
        final long archived = manifest.entries().stream().filter(ArchiveManifest.Entry::archived).count();
        if (lookup != null)
        {
            for (final ArchiveManifest.Entry e : manifest.entries())
            {
                if (e.lastPosition() == lookupPosition && e.hash() != null)
                {
                    lookup = new ChainLink(lookupPosition, e.hash(), null);
                }
            }
            if (!lookup.found() && archived > 0)
            {
                final ChainLink walked = JournalVerifier.verify(archiveDir, lookupPosition).lookup();
                if (walked != null)
                {
                    lookup = walked;
                }
            }
        }
        return new Check(live.firstPosition(), null, manifest.entries().size() + " cycle file(s) taken out, " + archived +
            " of them archived, positions " + manifest.entries().get(0).firstPosition() + ".." +
            (live.firstPosition() - 1) + "; their chain joins the journal at " +
            "position " + live.firstPosition() + " (SHA-256 of every archived file and its records checked)", lookup);
    }

    /**
     * @return whether the archive holds every position retention took out, from position 1, as archived files (none
     * deleted): then it replays as the journal's beginning.
     */
    public static boolean coversFromStart(final Path archiveDir)
    {
        if (!Files.exists(archiveDir.resolve(ArchiveManifest.FILE_NAME)))
        {
            return false;
        }
        final List<ArchiveManifest.Entry> entries = ArchiveManifest.load(archiveDir).entries();
        return !entries.isEmpty() && entries.get(0).firstPosition() == 1 &&
            entries.stream().allMatch(ArchiveManifest.Entry::archived);
    }

    /**
     * The archive's files against their SHA-256 and the walk of the archived ones.
     *
     * @return a summary line, or throws with the problem.
     */
    static String checkFiles(final Path archiveDir)
    {
        final ArchiveManifest manifest = ArchiveManifest.load(archiveDir);
        long lastArchived = 0;
        String lastHash = null;
        int files = 0;
        for (final ArchiveManifest.Entry e : manifest.entries())
        {
            if (e.archived())
            {
                final String actual;
                try
                {
                    actual = sha256(archiveDir.resolve(e.file()), e.fileBytes());
                }
                catch (final IOException ex)
                {
                    return "archived cycle file " + e.file() + " cannot be read: " + ex;
                }
                if (!actual.equals(e.sha256()))
                {
                    return "archived cycle file " + e.file() + " has SHA-256 " + actual + ", its manifest entry says " +
                        e.sha256();
                }
                lastArchived = e.lastPosition();
                lastHash = e.hash();
                files++;
            }
        }
        if (files == 0)
        {
            return null;
        }
        final VerifyReport report = JournalVerifier.verify(archiveDir);
        if (report.isCorrupt())
        {
            return "the archived cycle files do not walk: " + report.corruption();
        }
        if (report.lastPosition() != lastArchived || !Objects.equals(report.headHash(), lastHash))
        {
            return "the archived cycle files end at position " + report.lastPosition() + " with chain hash " +
                report.headHash() + ", the manifest says " + lastArchived + " and " + lastHash;
        }
        return null;
    }

    static String sha256(final Path file) throws IOException
    {
        return sha256(file, Long.MAX_VALUE);
    }

    /**
     * The SHA-256 of a file's first {@code length} bytes: an archived cycle file's as it was archived. Chronicle maps
     * a cycle file in whole chunks and extends a shorter one with zeros when it opens it read-write, as the verify walk
     * and replay do; those zeros come after the file's end-of-cycle marker, where nothing is ever read.
     *
     * @throws IOException when the file is shorter than {@code length} (and not {@code Long.MAX_VALUE}).
     */
    static String sha256(final Path file, final long length) throws IOException
    {
        if (length != Long.MAX_VALUE && Files.size(file) < length)
        {
            throw new IOException("it is " + Files.size(file) + " bytes, shorter than the " + length + " archived");
        }
        final MessageDigest digest;
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
        try (InputStream in = Files.newInputStream(file))
        {
            final byte[] chunk = new byte[1 << 16];
            long left = length;
            for (int n; left > 0 && (n = in.read(chunk, 0, (int)Math.min(chunk.length, left))) > 0; )
            {
                digest.update(chunk, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void fsync(final Path file) throws IOException
    {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
