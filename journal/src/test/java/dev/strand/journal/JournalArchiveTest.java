package dev.strand.journal;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention: whole cycle files leave the journal oldest first, only when old enough, before the bound and not the
 * newest; reads below the first position are refused as archived; the archive's chain joins the journal's; an
 * interrupted run is completed by the next run or the next open.
 */
class JournalArchiveTest
{
    private static final int PAYLOAD = 24;
    /** Chronicle's clock starts here (SetTimeProvider takes nanoseconds): 1,700,000 ms after the epoch. */
    private static final long START_NANOS = 1_700_000_000_000L;
    private static final long START = START_NANOS / 1_000_000;

    @TempDir
    Path dir;

    private final SetTimeProvider time = new SetTimeProvider(START_NANOS);
    /** Far enough after the cycles that every one of them is older than the retention age. */
    private final Clock later = Clock.fixed(Instant.ofEpochMilli(START + 3_600_000), ZoneOffset.UTC);

    private Path journalDir()
    {
        return dir.resolve("data").resolve("journal");
    }

    private Path archiveDir()
    {
        return dir.resolve("data").resolve("archive");
    }

    private JournalConfig config()
    {
        return Fixtures.config(journalDir()).rollCycle(JournalRollCycle.TEST_SECONDLY).timeProvider(time).build();
    }

    /** Five cycles of 4 commits each, 1 or 2 events a commit: cycle k holds positions 6k+1 .. 6k+6. */
    private void writeFiveCycles(final Journal journal)
    {
        for (int cycle = 0; cycle < 5; cycle++)
        {
            Fixtures.append(journal, 2, 1, PAYLOAD);
            Fixtures.append(journal, 2, 2, PAYLOAD);
            time.advanceMillis(1000);
        }
    }

    @Test
    void shouldArchiveOldCycleFilesUpToTheBoundAndServeFromTheFirstPositionOn() throws IOException
    {
        final List<byte[]> before;
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            before = HashChainTest.rawRecords(journalDir());
            final JournalArchive archive = new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE,
                Duration.ofMinutes(10), later);
            final RetentionReport report = archive.run(20);
            assertThat(report.ok()).as(report.detail()).isTrue();
            assertThat(report.cyclesMoved()).isEqualTo(3);
            assertThat(report.eventsMoved()).isEqualTo(18);
            assertThat(report.detail()).contains("archived 3 cycle file(s), 18 events, to position 18")
                .contains("after the oldest snapshot recovery could use (20)");
            assertThat(journal.firstPosition()).isEqualTo(19);
            assertThat(journal.head().firstPosition()).isEqualTo(19);
            assertThat(archive.archivedBytes()).isPositive();
            assertThat(CycleFileSurgery.cycleFiles(journalDir())).hasSize(2);
            assertThat(CycleFileSurgery.cycleFiles(archiveDir())).hasSize(3);

            try (JournalReader reader = journal.newReader())
            {
                assertThatThrownBy(() -> reader.seek(18)).isInstanceOf(JournalArchivedException.class)
                    .hasMessage("position 18 is archived: the journal starts at position 19");
                final EventRecord event = new EventRecord();
                assertThat(reader.seek(19)).isTrue();
                assertThat(reader.next(event)).isTrue();
                Fixtures.assertEvent(event, 19, PAYLOAD);
                assertThat(reader.seek(25)).isTrue();
                assertThat(reader.next(event)).isTrue();
                assertThat(event.position()).isEqualTo(25);
            }
            assertThat(journal.chainLinkAt(18).hash()).isEqualTo(HashChainTest.hashOf(before.get(11)));
            assertThat(journal.chainLinkAt(10).problem()).contains("archived");
            Fixtures.append(journal, 1, 1, PAYLOAD);
        }
        assertThat(JournalArchive.verify(archiveDir(), journalDir())).isNull();
        assertThat(JournalArchive.checkFiles(archiveDir())).isNull();
        final VerifyReport live = JournalVerifier.verify(journalDir());
        assertThat(live.isCorrupt()).as("%s", live.summary()).isFalse();
        assertThat(live.firstPosition()).isEqualTo(19);
        final List<byte[]> archived = HashChainTest.rawRecords(archiveDir());
        assertThat(archived).usingElementComparator(java.util.Arrays::compare)
            .as("the archive holds the first 12 records, byte for byte").containsExactlyElementsOf(before.subList(0, 12));
        try (Journal journal = Journal.open(config()))
        {
            assertThat(journal.firstPosition()).isEqualTo(19);
            assertThat(journal.lastPosition()).isEqualTo(31);
            assertThat(journal.recoveryReport().eventsScanned()).isEqualTo(13);
        }
    }

    @Test
    void shouldVerifyAgainWhenRetentionMovedTheStartDuringTheWalkAndNotWhenItDidNot() throws IOException
    {
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            final RetentionReport report = new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE,
                Duration.ofMinutes(10), later).run(20);
            assertThat(report.ok()).as(report.detail()).isTrue();
        }
        // read before the run (a journal from position 1), walked after it: the walk meets position 19 first
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        final VerifyReport raced = JournalVerifier.verify(journalDir(), JournalVerifier.NO_LOOKUP,
            d -> reads.getAndIncrement() == 0 ? ArchivedPrefix.NONE : ArchivedPrefix.load(d));
        assertThat(raced.isCorrupt()).as("%s", raced.summary()).isFalse();
        assertThat(raced.firstPosition()).isEqualTo(19);
        assertThat(reads).hasValue(3);

        // the same gap with the start unchanged is what it says: reported at once
        final VerifyReport stale = JournalVerifier.verify(journalDir(), JournalVerifier.NO_LOOKUP,
            d -> ArchivedPrefix.NONE);
        assertThat(stale.isCorrupt()).isTrue();
        assertThat(stale.summary()).contains("position gap");
    }

    @Test
    void shouldKeepWhatIsTooYoungTheNewestFileAndWhatRecoveryNeeds() throws IOException
    {
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            final Clock soon = Clock.fixed(Instant.ofEpochMilli(START + 2_500), ZoneOffset.UTC);
            RetentionReport report = new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE,
                Duration.ofSeconds(1), soon).run(Long.MAX_VALUE);
            assertThat(report.cyclesMoved()).as(report.detail()).isEqualTo(1);
            assertThat(report.detail()).contains("less than the retention age of 1 s");
            report = new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE, Duration.ofSeconds(1), later)
                .run(9);
            assertThat(report.cyclesMoved()).as("cycle 2 ends at 12, after the bound 9").isZero();
            assertThat(journal.firstPosition()).isEqualTo(7);
            report = new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE, Duration.ofSeconds(1), later)
                .run(Long.MAX_VALUE);
            assertThat(report.cyclesMoved()).isEqualTo(3);
            assertThat(report.detail()).contains("the newest one, which the appender writes");
            assertThat(journal.firstPosition()).isEqualTo(25);
            assertThat(CycleFileSurgery.cycleFiles(journalDir())).hasSize(1);
        }
        assertThat(JournalArchive.verify(archiveDir(), journalDir())).isNull();
        assertThat(JournalArchive.checkFiles(archiveDir())).isNull();
    }

    @Test
    void shouldDeleteAndStillRecordWhereTheChainJoins() throws IOException
    {
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            final RetentionReport report = new JournalArchive(journal, archiveDir(), RetentionAction.DELETE,
                Duration.ofSeconds(1), later).run(12);
            assertThat(report.cyclesMoved()).isEqualTo(2);
            assertThat(report.detail()).startsWith("deleted 2 cycle file(s)");
        }
        assertThat(CycleFileSurgery.cycleFiles(archiveDir())).isEmpty();
        assertThat(ArchiveManifest.load(archiveDir()).entries()).extracting(ArchiveManifest.Entry::action)
            .containsExactly("deleted", "deleted");
        assertThat(JournalArchive.verify(archiveDir(), journalDir())).isNull();
        assertThat(JournalVerifier.verify(journalDir()).isCorrupt()).isFalse();
        Files.delete(archiveDir().resolve(ArchiveManifest.FILE_NAME));
        assertThat(JournalArchive.verify(archiveDir(), journalDir())).contains("holds no archive manifest");
    }

    @Test
    void shouldCompleteARunInterruptedAfterTheSideFileAndRedoOneInterruptedMidCopy() throws IOException
    {
        final Path leftBehind;
        final byte[] leftBytes;
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            leftBehind = CycleFileSurgery.cycleFiles(journalDir()).get(0);
            leftBytes = Files.readAllBytes(leftBehind);
            assertThat(new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE, Duration.ofSeconds(1), later)
                .run(6).cyclesMoved()).isEqualTo(1);
        }
        // a crash after the side file was written, before the cycle file was deleted
        Files.write(leftBehind, leftBytes);
        // and a crash in the middle of copying the next one
        final Path next = CycleFileSurgery.cycleFiles(journalDir()).get(1);
        Files.write(archiveDir().resolve(next.getFileName() + ".partial"), new byte[] {1, 2, 3});
        try (Journal journal = Journal.open(config()))
        {
            assertThat(leftBehind).as("the next open completes the interrupted run").doesNotExist();
            assertThat(journal.firstPosition()).isEqualTo(7);
            final RetentionReport report = new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE,
                Duration.ofSeconds(1), later).run(12);
            assertThat(report.cyclesMoved()).as(report.detail()).isEqualTo(1);
        }
        assertThat(archiveDir().resolve(next.getFileName() + ".partial")).doesNotExist();
        assertThat(JournalArchive.verify(archiveDir(), journalDir())).isNull();
        assertThat(JournalArchive.checkFiles(archiveDir())).isNull();
        assertThat(JournalVerifier.verify(journalDir()).isCorrupt()).isFalse();
    }

    @Test
    void shouldFindAnArchiveThatDoesNotJoinOrWasChanged() throws IOException
    {
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE, Duration.ofSeconds(1), later).run(12);
        }
        final Path first = CycleFileSurgery.cycleFiles(archiveDir()).get(0);
        HashChainTest.editPayloadKeepingCrc(first, 2);
        assertThat(JournalArchive.checkFiles(archiveDir())).contains("has SHA-256").contains("its manifest entry says");
        final List<String> lines = new ArrayList<>(Files.readAllLines(archiveDir().resolve(ArchiveManifest.FILE_NAME)));
        assertThat(lines).hasSize(3);
    }

    @Test
    void shouldStaySoundAcrossChecksWhoseWalkExtendsTheArchivedFilesAndFindOneCutShort() throws IOException
    {
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE, Duration.ofSeconds(1), later).run(12);
        }
        final Path first = CycleFileSurgery.cycleFiles(archiveDir()).get(0);
        final long archived = Files.size(first);
        for (int check = 0; check < 3; check++)
        {
            final JournalArchive.Check result = JournalArchive.check(archiveDir(), journalDir(), -1);
            assertThat(result.problem()).as("check %d", check).isNull();
        }
        assertThat(Files.size(first)).as("Chronicle extended the archived file with zeros when the walk opened it")
            .isGreaterThan(archived);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(first,
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(archived - 1);
        }
        assertThat(JournalArchive.checkFiles(archiveDir())).contains("cannot be read").contains("shorter than the " +
            archived + " archived");
    }

    @Test
    void shouldBackUpAndRestoreAnArchivedJournalFromItsFirstPosition() throws IOException
    {
        final BackupManifest manifest;
        try (Journal journal = Journal.open(config()))
        {
            writeFiveCycles(journal);
            new JournalArchive(journal, archiveDir(), RetentionAction.ARCHIVE, Duration.ofSeconds(1), later).run(12);
            manifest = JournalBackup.begin(dir.resolve("backups")).finish(journal, 30, null);
        }
        assertThat(manifest.firstPosition()).isEqualTo(13);
        assertThat(manifest.commits()).isEqualTo(12);
        final Path restored = dir.resolve("restored");
        JournalBackup.restore(manifest.path(), restored);
        try (Journal journal = Journal.open(Fixtures.config(restored.resolve("journal"))
            .rollCycle(JournalRollCycle.TEST_SECONDLY).timeProvider(time).build()))
        {
            assertThat(journal.firstPosition()).isEqualTo(13);
            assertThat(journal.lastPosition()).isEqualTo(30);
            assertThat(journal.head().hash()).isEqualTo(manifest.hash());
        }
    }
}
