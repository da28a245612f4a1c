package dev.strand.journal;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backups consistent at one position, taken from a live journal, verified, restored into a new directory: the restored
 * journal is the original's prefix record for record, in the same cycle files, with the same chain hash at its end.
 */
class JournalBackupTest
{
    private static final int PAYLOAD = 24;

    @TempDir
    Path dir;

    private final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);

    private JournalConfig config(final Path journalDir)
    {
        return Fixtures.config(journalDir).rollCycle(JournalRollCycle.TEST_SECONDLY).timeProvider(time).build();
    }

    @Test
    void shouldBackUpAPrefixOfALiveJournalAndRestoreIt() throws IOException
    {
        final Path source = dir.resolve("data").resolve("journal");
        final BackupManifest manifest;
        final String hashAt20;
        final List<Path> sourceCycles;
        try (Journal journal = Journal.open(config(source)))
        {
            for (int cycle = 0; cycle < 4; cycle++)
            {
                Fixtures.append(journal, 4, 1, PAYLOAD);
                Fixtures.append(journal, 1, 2, PAYLOAD);
                time.advanceMillis(1000);
            }
            assertThat(journal.lastPosition()).isEqualTo(24);
            hashAt20 = journal.chainLinkAt(18).hash();
            final JournalBackup backup = JournalBackup.begin(dir.resolve("backups"));
            backup.snapshotStore().write(12, journal.chainLinkAt(12).hash(), out -> out.writeLong(12));
            Fixtures.append(journal, 3, 1, PAYLOAD);
            manifest = backup.finish(journal, 18, "00112233445566ff");
            Fixtures.append(journal, 2, 1, PAYLOAD);
            sourceCycles = CycleFileSurgery.cycleFiles(source);
        }
        assertThat(manifest.position()).isEqualTo(18);
        assertThat(manifest.hash()).isEqualTo(hashAt20);
        assertThat(manifest.firstPosition()).isEqualTo(1);
        assertThat(manifest.commits()).isEqualTo(15);
        assertThat(manifest.snapshotPosition()).isEqualTo(12);
        assertThat(manifest.stateHash()).isEqualTo("00112233445566ff");
        assertThat(manifest.path().getFileName().toString()).startsWith("backup-00000000000000000018-");
        assertThat(manifest.bytes()).isPositive();
        assertThat(BackupManifest.read(manifest.path())).isEqualTo(manifest);
        assertThat(JournalBackup.list(dir.resolve("backups"))).containsExactly(manifest);
        try (Stream<Path> left = Files.list(dir.resolve("backups")))
        {
            assertThat(left).as("no partial directory left").hasSize(1);
        }

        final Path restored = dir.resolve("restored");
        assertThat(JournalBackup.restore(manifest.path(), restored)).isEqualTo(manifest);
        assertThat(CycleFileSurgery.cycleFiles(restored.resolve("journal"))).extracting(p -> p.getFileName().toString())
            .as("records keep their cycle files").containsExactlyElementsOf(sourceCycles.subList(0, 3).stream()
                .map(p -> p.getFileName().toString()).toList());
        assertThat(HashChainTest.rawRecords(restored.resolve("journal")))
            .as("the original's first 15 records, byte for byte")
            .usingElementComparator(java.util.Arrays::compare)
            .containsExactlyElementsOf(HashChainTest.rawRecords(source).subList(0, 15));
        assertThat(SnapshotStore.listIn(restored.resolve("snapshots"))).singleElement()
            .satisfies(info -> assertThat(info.position()).isEqualTo(12));
        try (Journal journal = Journal.open(config(restored.resolve("journal"))))
        {
            assertThat(journal.lastPosition()).isEqualTo(18);
            assertThat(journal.head().hash()).isEqualTo(manifest.hash());
            Fixtures.append(journal, 1, 1, PAYLOAD);
        }
        assertThat(JournalVerifier.verify(restored.resolve("journal")).isCorrupt()).isFalse();
        assertThat(JournalBackup.verify(manifest.path())).isEqualTo(manifest);
    }

    @Test
    void shouldRefuseANonEmptyTargetAndAPositionInsideACommit() throws IOException
    {
        final Path source = dir.resolve("journal");
        final BackupManifest manifest;
        try (Journal journal = Journal.open(config(source)))
        {
            Fixtures.append(journal, 2, 3, PAYLOAD);
            final JournalBackup inside = JournalBackup.begin(dir.resolve("backups"));
            assertThatThrownBy(() -> inside.finish(journal, 5, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inside commit 4..6");
            manifest = JournalBackup.begin(dir.resolve("backups")).finish(journal, 6, null);
        }
        assertThat(JournalBackup.list(dir.resolve("backups"))).containsExactly(manifest);
        try (Stream<Path> left = Files.list(dir.resolve("backups")))
        {
            assertThat(left).as("the failed backup's partial directory is gone").hasSize(1);
        }
        assertThat(manifest.snapshot()).isNull();

        final Path target = dir.resolve("busy");
        Files.createDirectories(target);
        Files.writeString(target.resolve("something"), "x");
        assertThatThrownBy(() -> JournalBackup.restore(manifest.path(), target)).isInstanceOf(BackupException.class)
            .hasMessageContaining("not empty");
        assertThat(target.resolve("journal")).doesNotExist();
        final Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        JournalBackup.restore(manifest.path(), empty);
        try (Journal journal = Journal.open(config(empty.resolve("journal"))))
        {
            assertThat(journal.lastPosition()).isEqualTo(6);
        }
    }

    @Test
    void shouldRefuseADamagedBackupAndLeaveNothingBehind() throws IOException
    {
        final Path source = dir.resolve("journal");
        final BackupManifest manifest;
        try (Journal journal = Journal.open(config(source)))
        {
            Fixtures.append(journal, 10, 1, PAYLOAD);
            manifest = JournalBackup.begin(dir.resolve("backups")).finish(journal, 10, null);
        }
        HashChainTest.editPayloadKeepingCrc(CycleFileSurgery.onlyCycleFile(manifest.path().resolve("journal")), 4);
        final Path target = dir.resolve("restored");
        assertThatThrownBy(() -> JournalBackup.restore(manifest.path(), target)).isInstanceOf(BackupException.class)
            .hasMessageContaining("its journal is corrupt").hasMessageContaining("hash chain broken at commit 4..4");
        assertThat(target).doesNotExist();
        try (Stream<Path> siblings = Files.list(dir))
        {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("restoring"));
        }

        Files.writeString(manifest.path().resolve(BackupManifest.FILE_NAME),
            Files.readString(manifest.path().resolve(BackupManifest.FILE_NAME)).replace("position=10", "position=11"));
        assertThatThrownBy(() -> JournalBackup.verify(manifest.path())).isInstanceOf(BackupException.class)
            .hasMessageContaining("backup.manifest is damaged");
        assertThat(JournalBackup.list(dir.resolve("backups"))).isEmpty();
        assertThatThrownBy(() -> JournalBackup.restore(dir.resolve("nothing-here"), dir.resolve("t")))
            .isInstanceOf(BackupException.class).hasMessageContaining("not a backup");
    }

    @Test
    void shouldRefuseASnapshotFromAnotherHistory() throws IOException
    {
        try (Journal journal = Journal.open(config(dir.resolve("journal"))))
        {
            Fixtures.append(journal, 6, 1, PAYLOAD);
            final JournalBackup backup = JournalBackup.begin(dir.resolve("backups"));
            backup.snapshotStore().write(3, "ab".repeat(32), out -> out.writeLong(3));
            assertThatThrownBy(() -> backup.finish(journal, 6, null)).isInstanceOf(BackupException.class)
                .hasMessageContaining("records chain hash " + "ab".repeat(32) + " at position 3");
        }
        assertThat(JournalBackup.list(dir.resolve("backups"))).isEmpty();
    }
}
