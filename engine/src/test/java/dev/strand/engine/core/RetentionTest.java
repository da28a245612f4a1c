package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EventFilter;
import dev.strand.engine.api.SubscriptionSink;
import dev.strand.engine.ledger.Account;
import dev.strand.journal.JournalArchivedException;
import dev.strand.journal.JournalRollCycle;
import dev.strand.journal.RetentionReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.strand.engine.EngineFixture.command;
import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention in the engine: cycle files older than the age and before the oldest snapshot recovery could use leave the
 * journal; queries that need them say they are archived; a restart recovers from the snapshot onto the shorter journal
 * at the same state hash.
 */
class RetentionTest
{
    @TempDir
    Path dir;

    private Engine start(final int keep)
    {
        return EngineFixture.start(dir, b -> b.rollCycle(JournalRollCycle.TEST_SECONDLY).retentionAge(Duration.ofMillis(1))
            .snapshotsKept(keep).snapshotOnShutdown(false));
    }

    /** Deposits to two accounts until the journal has at least {@code files} cycle files (one a second). */
    private static void writeAcross(final Engine engine, final Path journalDir, final int files)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int i = 0;
        while (cycleFiles(journalDir) < files)
        {
            run(engine, command(engine, "Deposit", "old-" + (i % 2), data("amount", 1L)));
            i++;
            assertThat(System.nanoTime()).as("cycle files appear").isLessThan(deadline);
        }
    }

    private static long cycleFiles(final Path journalDir)
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).count();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    @Test
    void shouldArchiveWhatRecoveryNoLongerNeedsAndSayWhatIsArchived() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final long hash;
        final long first;
        try (Engine engine = start(1))
        {
            run(engine, "OpenAccount", "old-0");
            run(engine, "OpenAccount", "old-1");
            final CommandResult early = run(engine, command(engine, "early-1", "Deposit", "old-0", Command.ANY_VERSION,
                data("amount", 7L)));
            writeAcross(engine, journalDir, 3);
            assertThat(engine.runRetention().cyclesMoved()).as("no snapshot yet: recovery needs everything").isZero();
            assertThat(engine.journalHead().firstPosition()).isEqualTo(1);
            writeAcross(engine, journalDir, 5);
            // the snapshot moves the bound; its own trigger may run retention before the request below does
            engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            run(engine, "OpenAccount", "new-0");
            run(engine, "Deposit", "new-0", "amount", 5L);

            final RetentionReport report = engine.runRetention();
            assertThat(report.ok()).as(report.detail()).isTrue();
            first = engine.journalHead().firstPosition();
            assertThat(first).as(report.detail()).isEqualTo(report.firstPosition()).isGreaterThan(1);
            assertThat(engine.metrics().retentionCyclesMoved()).isPositive();
            assertThat(engine.metrics().journalFirstPosition()).isEqualTo(first);
            assertThat(engine.metrics().journalArchivedBytes()).isPositive();
            assertThat(engine.metrics().retentionLastRunOk()).isEqualTo(1);
            assertThat(Files.list(dir.resolve("archive")).filter(p -> p.toString().endsWith(".cq4")).count())
                .isEqualTo(engine.metrics().retentionCyclesMoved());

            assertThatThrownBy(() -> engine.readEvents(1, 10, EventFilter.ALL, 100))
                .isInstanceOf(JournalArchivedException.class).hasMessageContaining("the journal starts at position " + first);
            assertThat(engine.readEvents(first, 1, EventFilter.ALL, 100).events()).singleElement()
                .satisfies(e -> assertThat(e.position()).isEqualTo(first));
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get();
            assertThatThrownBy(() -> engine.aggregateAt("old-0", 1, 0)).isInstanceOf(JournalArchivedException.class)
                .hasMessageContaining("aggregate old-0's events before position " + first + " are archived");
            assertThatThrownBy(() -> engine.aggregateEvents("old-0", 1, 10)).isInstanceOf(JournalArchivedException.class);
            assertThat(engine.aggregateAt("new-0", 1, 0)).isPresent();
            assertThat(engine.aggregateEvents("new-0", 1, 10).events()).hasSize(2);
            final SubscriptionSink ignore = new SubscriptionSink()
            {
                @Override
                public boolean offer(final dev.strand.engine.api.RecordedEvent event)
                {
                    return true;
                }

                @Override
                public void onClose(final long lastDelivered, final String reason)
                {
                }
            };
            assertThatThrownBy(() -> engine.subscribe(1, EventFilter.ALL, ignore))
                .isInstanceOf(JournalArchivedException.class);
            // a repeat of a command whose events were archived: still a replay (the window's hash and fingerprint
            // stand alone), never executed twice, and the engine goes on
            final long balance = ((Account)engine.aggregate("old-0").orElseThrow().state()).balance();
            final CommandResult again = run(engine, command(engine, "early-1", "Deposit", "old-0", Command.ANY_VERSION,
                data("amount", 7L)));
            assertThat(early.position()).isLessThan(first);
            assertThat(again.replayed()).as("%s", again).isTrue();
            assertThat(again.position()).isEqualTo(early.position());
            assertThat(again.events()).as("its events are archived").isEmpty();
            assertThat(run(engine, "Deposit", "old-1", "amount", 1L).rejection()).as("the engine takes writes").isNull();
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get();
            assertThat(((Account)engine.aggregate("old-0").orElseThrow().state()).balance()).isEqualTo(balance);
            assertThat(engine.status().ready()).isTrue();
            hash = engine.stateHash().get(10, TimeUnit.SECONDS);
        }
        try (Engine engine = start(1))
        {
            assertThat(engine.journalHead().firstPosition()).isEqualTo(first);
            assertThat(engine.stateHash().get(10, TimeUnit.SECONDS)).as("recovered from the snapshot onto the shorter " +
                "journal").isEqualTo(hash);
            engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get();
            assertThat(((Account)engine.aggregate("new-0").orElseThrow().state()).balance()).isEqualTo(5);
            assertThatThrownBy(() -> engine.aggregateAt("old-1", 0, first + 1)).isInstanceOf(JournalArchivedException.class);
            assertThat(engine.aggregateEvents("new-0", 2, 10).events()).singleElement()
                .satisfies(e -> assertThat(e.version()).isEqualTo(2));
            run(engine, command(engine, "again", "Deposit", "new-0", Command.ANY_VERSION, data("amount", 1L)));
        }
        // the snapshot it relied on gone: the state cannot be rebuilt from what is left, and the start says so
        try (Stream<Path> snapshots = Files.list(dir.resolve("snapshots")))
        {
            for (final Path p : snapshots.toList())
            {
                Files.delete(p);
            }
        }
        assertThatThrownBy(() -> start(1)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("the journal starts at position " + first)
            .hasMessageContaining("restore a backup");
    }

    @Test
    void shouldNotRunWhenTheAgeIsZero()
    {
        try (Engine engine = EngineFixture.start(dir))
        {
            run(engine, "OpenAccount", "a");
            assertThat(engine.runRetention().detail()).isEqualTo("retention is off (--retention-age 0)");
        }
    }
}
