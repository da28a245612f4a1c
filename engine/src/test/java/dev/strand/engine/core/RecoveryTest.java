package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.SnapshotSummary;
import dev.strand.engine.ledger.Account;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.strand.engine.EngineFixture.command;
import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveryTest
{
    @TempDir
    Path dir;

    private static void writeSomeHistory(final Engine engine, final int accounts, final int deposits)
    {
        for (int i = 0; i < accounts; i++)
        {
            run(engine, "OpenAccount", "acc-" + i);
        }
        for (int i = 0; i < deposits; i++)
        {
            run(engine, command(engine, "dep-" + i, "Deposit", "acc-" + (i % accounts), Command.ANY_VERSION,
                data("amount", (long)(i + 1))));
        }
    }

    private static long hash(final Engine engine) throws Exception
    {
        return engine.stateHash().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRecoverTheSameStateFromTheJournalAlone() throws Exception
    {
        final long hash;
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 5, 50);
            hash = hash(engine);
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.snapshots()).isEmpty();
            assertThat(hash(engine)).isEqualTo(hash);
            assertThat(engine.journalPosition()).isEqualTo(55);
        }
    }

    @Test
    void shouldKeepTheIdempotencyWindowAcrossRestart() throws Exception
    {
        final CommandResult original;
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 2, 4);
            original = run(engine, command(engine, "once", "Deposit", "acc-0", Command.ANY_VERSION, data("amount", 7L)));
        }
        for (int restart = 0; restart < 2; restart++)
        {
            try (Engine engine = EngineFixture.start(dir))
            {
                final CommandResult repeat = run(engine,
                    command(engine, "once", "Deposit", "acc-0", Command.ANY_VERSION, data("amount", 7L)));
                assertThat(repeat.replayed()).isTrue();
                assertThat(repeat.position()).isEqualTo(original.position());
                assertThat(repeat.events()).hasSize(1);
                assertThat(engine.journalPosition()).isEqualTo(original.position());
            }
        }
    }

    @Test
    void shouldForgetIdsOlderThanTheWindow()
    {
        try (Engine engine = EngineFixture.start(dir, b -> b.idempotencyWindow(3)))
        {
            run(engine, "OpenAccount", "a");
            for (int i = 0; i < 5; i++)
            {
                run(engine, command(engine, "d" + i, "Deposit", "a", Command.ANY_VERSION, data("amount", 1L)));
            }
            assertThat(run(engine, command(engine, "d4", "Deposit", "a", Command.ANY_VERSION, data("amount", 1L))).replayed()).isTrue();
            final CommandResult old = run(engine, command(engine, "d0", "Deposit", "a", Command.ANY_VERSION, data("amount", 1L)));
            assertThat(old.replayed()).as("d0 left the window: executed again").isFalse();
            assertThat(old.accepted()).isTrue();
        }
    }

    @Test
    void shouldRecoverFromSnapshotPlusTailWithTheSameHash() throws Exception
    {
        final long hash;
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 5, 40);
            final SnapshotSummary snapshot = engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            assertThat(snapshot.position()).isEqualTo(45);
            writeSomeHistory2(engine);
            hash = hash(engine);
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.snapshots()).extracting(SnapshotSummary::position).containsExactly(45L);
            assertThat(hash(engine)).isEqualTo(hash);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertThat(((StrandEngine)engine).readModelAggregatesHash()).isEqualTo(((StrandEngine)engine).aggregatesHash().get(10, TimeUnit.SECONDS));
            assertThat(((Account)engine.aggregate("acc-1").orElseThrow().state()).balance()).isGreaterThan(0);
        }
    }

    private static void writeSomeHistory2(final Engine engine)
    {
        run(engine, "Transfer", "acc-1", "to", "acc-2", "amount", 3L);
        run(engine, "Withdraw", "acc-3", "amount", 2L);
    }

    @Test
    void shouldWriteAFinalSnapshotAtCleanShutdownAndReplayNothingAfterIt() throws Exception
    {
        final long hash;
        try (Engine engine = EngineFixture.start(dir))
        {
            writeSomeHistory(engine, 3, 10);
            hash = hash(engine);
        }
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(engine.snapshots()).extracting(SnapshotSummary::position).containsExactly(13L);
            assertThat(hash(engine)).isEqualTo(hash);
        }
    }

    @Test
    void shouldFallBackToAnOlderSnapshotWhenTheNewestIsCorrupt() throws Exception
    {
        final long hash;
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 3, 10);
            engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            run(engine, "Deposit", "acc-0", "amount", 1000L);
            final SnapshotSummary newest = engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            assertThat(newest.position()).isEqualTo(14);
            run(engine, "Deposit", "acc-1", "amount", 5L);
            hash = hash(engine);
        }
        final Path newestFile;
        try (Stream<Path> files = Files.list(dir.resolve("snapshots")))
        {
            final List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(2);
            newestFile = all.stream().filter(p -> p.getFileName().toString().contains("14")).findFirst().orElse(all.get(all.size() - 1));
        }
        flipByteInTheMiddle(newestFile);
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(hash(engine)).as("older snapshot + longer replay gives the same state").isEqualTo(hash);
            assertThat(((Account)awaitView(engine, "acc-0")).balance()).isGreaterThan(1000);
        }
    }

    @Test
    void shouldFallBackCleanlyWhenTheNewestSnapshotFailsPartWayThroughItsBody() throws Exception
    {
        final long hash;
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 3, 10);
            engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            for (int i = 3; i < 10; i++)
            {
                run(engine, "OpenAccount", "acc-" + i);
            }
            engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            run(engine, "Deposit", "acc-9", "amount", 5L);
            hash = hash(engine);
        }
        final Path newestFile;
        try (Stream<Path> files = Files.list(dir.resolve("snapshots")))
        {
            newestFile = files.filter(Files::isRegularFile).sorted().reduce((a, b) -> b).orElseThrow();
        }
        // a valid container whose body names, for its last aggregate, a type no module registers: the reader has
        // put the aggregates before it (some of them opened after the older snapshot) into the state when it fails
        breakLastAggregateType(newestFile);
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThat(hash(engine)).as("older snapshot + longer replay gives the same state").isEqualTo(hash);
            assertThat(((Account)awaitView(engine, "acc-9")).balance()).as("the read model recovered too").isEqualTo(5);
        }
    }

    /** Renames the last "account" type string in a snapshot body and re-seals the container's CRC32C. */
    private static void breakLastAggregateType(final Path file) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final byte[] needle = {0, 7, 'a', 'c', 'c', 'o', 'u', 'n', 't'};
        int last = -1;
        for (int i = 72; i + needle.length <= bytes.length; i++)
        {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length))
            {
                last = i;
            }
        }
        assertThat(last).isPositive();
        bytes[last + needle.length - 1] = 'X';
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        final int length = (int)b.getLong(28);
        // container format 2: the CRC32C covers the version, position, time, chain hash and the body (journal/README.md)
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 8, 20);
        crc.update(bytes, 36, 32);
        crc.update(bytes, 72, length);
        b.putInt(72 + length + 4, (int)crc.getValue());
        Files.write(file, bytes);
    }

    private static Object awaitView(final Engine engine, final String id) throws Exception
    {
        engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        return engine.aggregate(id).orElseThrow().state();
    }

    private static void flipByteInTheMiddle(final Path file) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long at = raf.length() / 2;
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
    }

    @Test
    void shouldRefuseASnapshotWhoseChainHashIsNotTheJournalsAndFallBack() throws Exception
    {
        final Path other = dir.resolve("other");
        final Path mine = dir.resolve("mine");
        final long hash;
        try (Engine engine = EngineFixture.start(mine, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 3, 4);
            assertThat(engine.takeSnapshot().get(30, TimeUnit.SECONDS).position()).isEqualTo(7);
            run(engine, "Deposit", "acc-0", "amount", 10L);
            run(engine, "Deposit", "acc-0", "amount", 20L);
            hash = hash(engine);
        }
        // another history of the same length: its snapshot at position 9 has the right position, not the right past
        try (Engine engine = EngineFixture.start(other, b -> b.snapshotOnShutdown(false)))
        {
            writeSomeHistory(engine, 3, 4);
            run(engine, "Deposit", "acc-0", "amount", 999L);
            run(engine, "Deposit", "acc-1", "amount", 1L);
            assertThat(engine.takeSnapshot().get(30, TimeUnit.SECONDS).position()).isEqualTo(9);
        }
        final Path foreign = onlySnapshot(other);
        Files.copy(foreign, mine.resolve("snapshots").resolve(foreign.getFileName()));

        try (Engine engine = EngineFixture.start(mine, b -> b.snapshotOnShutdown(false)))
        {
            assertThat(engine.metrics().lastSnapshotPosition()).as("the older snapshot of its own journal").isEqualTo(7);
            assertThat(hash(engine)).isEqualTo(hash);
            assertThat(((Account)awaitView(engine, "acc-0")).balance()).isEqualTo(1 + 4 + 10 + 20);
        }
        for (final Path own : snapshotFiles(mine))
        {
            if (!own.getFileName().equals(foreign.getFileName()))
            {
                Files.delete(own);
            }
        }
        try (Engine engine = EngineFixture.start(mine))
        {
            assertThat(engine.metrics().lastSnapshotPosition()).as("a full replay").isZero();
            assertThat(hash(engine)).isEqualTo(hash);
        }
    }

    @Test
    void shouldSnapshotOnlyAtTheEndOfACommitWithItsChainHash() throws Exception
    {
        try (Engine engine = EngineFixture.start(dir, b -> b.snapshotEveryEvents(2).snapshotsKept(100)
            .snapshotOnShutdown(false)))
        {
            run(engine, "OpenAccount", "acc-0");
            for (int i = 0; i < 6; i++)
            {
                final java.util.concurrent.CompletableFuture<dev.strand.engine.api.BatchResult> batch =
                    new java.util.concurrent.CompletableFuture<>();
                engine.submitBatch(List.of(
                    command(engine, "Deposit", "acc-0", data("amount", 1L)),
                    command(engine, "Deposit", "acc-0", data("amount", 2L)),
                    command(engine, "Deposit", "acc-0", data("amount", 3L))), true, batch::complete);
                batch.get(10, TimeUnit.SECONDS);
            }
            run(engine, "Deposit", "acc-0", "amount", 4L);
            assertThat(engine.takeSnapshot().get(30, TimeUnit.SECONDS).position()).isEqualTo(20);
        }
        final List<dev.strand.journal.SnapshotInfo> infos =
            new dev.strand.journal.SnapshotStore(dir.resolve("snapshots"), 100).list();
        assertThat(infos).isNotEmpty();
        try (dev.strand.journal.Journal journal = dev.strand.journal.Journal.openReadOnly(dir.resolve("journal")))
        {
            for (final dev.strand.journal.SnapshotInfo info : infos)
            {
                assertThat((info.position() - 1) % 3).as("position %d ends a commit of three events (or the first)",
                    info.position()).isEqualTo(info.position() == 20 ? 1 : 0);
                assertThat(info.chainHash()).isEqualTo(journal.chainLinkAt(info.position()).hash()).isNotNull();
            }
        }
    }

    private static Path onlySnapshot(final Path dataDir) throws IOException
    {
        final List<Path> files = snapshotFiles(dataDir);
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    private static List<Path> snapshotFiles(final Path dataDir) throws IOException
    {
        try (Stream<Path> files = Files.list(dataDir.resolve("snapshots")))
        {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void shouldRefuseASecondEngineOnTheSameDirectory()
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            assertThatThrownBy(() -> EngineFixture.start(dir))
                .hasMessageContaining("is in use by another Strand server");
        }
    }
}
