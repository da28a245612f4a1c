package dev.strand.engine.core;

import dev.strand.engine.EngineFixture;
import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.ProjectionException;
import dev.strand.engine.api.ProjectionRow;
import dev.strand.engine.api.ProjectionStatus;
import dev.strand.engine.api.RebuildResult;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.ledger.BalancesByCurrency;
import dev.strand.engine.ledger.BalancesByCurrency.CurrencyBalance;
import dev.strand.engine.ledger.LedgerEvents.AccountOpened;
import dev.strand.engine.ledger.LedgerEvents.Deposited;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.Projection;
import dev.strand.engine.spi.ProjectionErrorPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.strand.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Projections on a real engine and journal: fold, checkpoint and restart, error policies, rebuilds. */
class ProjectionTest
{
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};

    @TempDir
    Path dir;

    /** Deposits per account, times a factor: a fold that can change between two starts without changing version. */
    static final class DepositsPerAccount extends Projection<DepositsPerAccount.Deposits>
    {
        static volatile CountDownLatch gate;

        public record Deposits(long count, long amount)
        {
        }

        DepositsPerAccount(final long factor, final ProjectionErrorPolicy policy)
        {
            super("deposits", Deposits.class);
            errorPolicy(policy);
            on(AccountOpened.class, (e, meta) -> meta.aggregateId(), (row, e, meta) -> new Deposits(0, 0));
            on(Deposited.class, (e, meta) -> meta.aggregateId(), (row, e, meta) ->
            {
                if (e.amount() == 13)
                {
                    throw new IllegalArgumentException("unlucky amount");
                }
                final CountDownLatch g = gate;
                if (g != null)
                {
                    awaitQuietly(g);
                }
                return new Deposits(row.count() + 1, row.amount() + e.amount() * factor);
            });
        }

        private static void awaitQuietly(final CountDownLatch latch)
        {
            try
            {
                latch.await(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Engine start(final UnaryOperator<dev.strand.engine.api.EngineConfig.Builder> tweak)
    {
        return EngineFixture.start(dir, tweak);
    }

    private Engine startWith(final Projection<?>... projections)
    {
        return start(b -> b.modules(List.of(new LedgerModule())).projections(List.of(projections)));
    }

    private static ProjectionStatus caughtUp(final Engine engine, final String name)
    {
        await().atMost(Duration.ofSeconds(30)).until(() ->
        {
            final ProjectionStatus s = engine.projection(name).orElseThrow();
            return s.position() == engine.journalPosition() || s.status().equals(ProjectionStatus.FAILED);
        });
        return engine.projection(name).orElseThrow();
    }

    /** A fixed mix of opens, deposits, withdrawals, transfers and closes over three currencies. */
    private static void ledgerTraffic(final Engine engine, final int from, final int accounts)
    {
        for (int i = from; i < from + accounts; i++)
        {
            assertThat(run(engine, "OpenAccount", "acc-" + i, "owner", "o" + i, "currency",
                CURRENCIES[i % CURRENCIES.length], "overdraftLimit", 100L).accepted()).isTrue();
            run(engine, "Deposit", "acc-" + i, "amount", 1_000L + i);
        }
        for (int i = from; i < from + accounts; i++)
        {
            run(engine, "Withdraw", "acc-" + i, "amount", 7L * (i % 5) + 1);
            final int peer = from + (i - from + CURRENCIES.length) % accounts;
            run(engine, "Transfer", "acc-" + i, "to", "acc-" + peer, "amount", 11L + i % 3);
        }
        for (int i = from; i < from + accounts; i += 4)
        {
            run(engine, "CloseAccount", "acc-" + i);
        }
    }

    /** The projection's rows computed independently: from the accounts the read model holds. */
    private static Map<String, CurrencyBalance> expectedBalances(final Engine engine, final int accounts) throws Exception
    {
        engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        final Map<String, long[]> sums = new TreeMap<>();
        for (int i = 0; i < accounts; i++)
        {
            final AggregateView view = engine.aggregate("acc-" + i).orElseThrow();
            final Account a = (Account)view.state();
            final long[] sum = sums.computeIfAbsent(a.currency(), c -> new long[2]);
            sum[0] += a.balance();
            sum[1] += a.status() == Account.Status.open ? 1 : 0;
        }
        final Map<String, CurrencyBalance> expected = new TreeMap<>();
        sums.forEach((c, s) -> expected.put(c, new CurrencyBalance(s[0], s[1])));
        return expected;
    }

    private static Map<String, Object> rows(final Engine engine, final String name, final List<String> keys)
    {
        final Map<String, Object> rows = new TreeMap<>();
        for (final String key : keys)
        {
            engine.projectionRow(name, key).ifPresent(r -> rows.put(key, r.row()));
        }
        return rows;
    }

    @Test
    void shouldFoldBalancesPerCurrencyAsTheAccountsAdd() throws Exception
    {
        try (Engine engine = start(b -> b))
        {
            ledgerTraffic(engine, 0, 30);
            final ProjectionStatus status = caughtUp(engine, BalancesByCurrency.NAME);
            assertThat(status.status()).isEqualTo(ProjectionStatus.RUNNING);
            assertThat(status.lag()).isZero();
            assertThat(status.errors()).isZero();
            assertThat(status.rows()).isEqualTo(3);
            assertThat(rows(engine, BalancesByCurrency.NAME, List.of(CURRENCIES)))
                .isEqualTo(new TreeMap<>(expectedBalances(engine, 30)));
            assertThat(engine.projectionRow(BalancesByCurrency.NAME, "CHF")).isEmpty();
            assertThatThrownBy(() -> engine.projectionRow("no-such", "EUR"))
                .isInstanceOfSatisfying(ProjectionException.class, ex -> assertThat(ex.code()).isEqualTo(ProjectionException.NOT_FOUND));
        }
    }

    @Test
    void shouldResumeFromItsCheckpointAfterARestart() throws Exception
    {
        final long firstEnd;
        try (Engine engine = start(b -> b.snapshotEveryEvents(40)))
        {
            ledgerTraffic(engine, 0, 20);
            caughtUp(engine, BalancesByCurrency.NAME);
            firstEnd = engine.journalPosition();
        }
        try (Engine engine = start(b -> b.snapshotEveryEvents(40)))
        {
            final ProjectionStatus loaded = engine.projection(BalancesByCurrency.NAME).orElseThrow();
            assertThat(loaded.checkpoint()).isEqualTo(firstEnd);
            assertThat(loaded.position()).isEqualTo(firstEnd);
            assertThat(loaded.applied()).isZero();
            ledgerTraffic(engine, 20, 8);
            final ProjectionStatus after = caughtUp(engine, BalancesByCurrency.NAME);
            assertThat(after.applied()).isEqualTo(engine.journalPosition() - firstEnd);
            assertThat(rows(engine, BalancesByCurrency.NAME, List.of(CURRENCIES)))
                .isEqualTo(new TreeMap<>(expectedBalances(engine, 28)));
        }
    }

    @Test
    void shouldRebuildFromPositionOneWhenItsCheckpointIsDamaged() throws Exception
    {
        final long end;
        try (Engine engine = start(b -> b))
        {
            ledgerTraffic(engine, 0, 12);
            caughtUp(engine, BalancesByCurrency.NAME);
            end = engine.journalPosition();
        }
        try (Stream<Path> files = Files.list(dir.resolve("projections").resolve(BalancesByCurrency.NAME)))
        {
            for (final Path file : files.toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                bytes[bytes.length / 2] ^= 0x55;
                Files.write(file, bytes);
            }
        }
        try (Engine engine = start(b -> b))
        {
            final ProjectionStatus status = caughtUp(engine, BalancesByCurrency.NAME);
            assertThat(status.applied()).isEqualTo(end);
            assertThat(rows(engine, BalancesByCurrency.NAME, List.of(CURRENCIES)))
                .isEqualTo(new TreeMap<>(expectedBalances(engine, 12)));
        }
    }

    @Test
    void shouldStopAtTheFailingEventUnderTheStopPolicyAndKeepTakingCommands()
    {
        try (Engine engine = startWith(new DepositsPerAccount(1, ProjectionErrorPolicy.STOP)))
        {
            run(engine, "OpenAccount", "a", "currency", "EUR");
            run(engine, "Deposit", "a", "amount", 5L);
            final long failing = run(engine, "Deposit", "a", "amount", 13L).position();
            run(engine, "Deposit", "a", "amount", 7L);
            final ProjectionStatus s = caughtUp(engine, "deposits");
            assertThat(s.status()).isEqualTo(ProjectionStatus.FAILED);
            assertThat(s.errorPolicy()).isEqualTo("stop");
            assertThat(s.position()).isEqualTo(failing - 1);
            assertThat(s.errorPosition()).isEqualTo(failing);
            assertThat(s.errors()).isEqualTo(1);
            assertThat(s.error()).contains("unlucky amount").contains("position " + failing);
            assertThat(s.lag()).isEqualTo(engine.journalPosition() - (failing - 1));
            final CommandResult later = run(engine, "Deposit", "a", "amount", 1L);
            assertThat(later.accepted()).isTrue();
            assertThat(engine.projectionRow("deposits", "a").orElseThrow().row())
                .isEqualTo(new DepositsPerAccount.Deposits(1, 5));
        }
    }

    @Test
    void shouldSkipAndCountTheFailingEventUnderTheSkipPolicy()
    {
        try (Engine engine = startWith(new DepositsPerAccount(1, ProjectionErrorPolicy.SKIP)))
        {
            run(engine, "OpenAccount", "a", "currency", "EUR");
            run(engine, "Deposit", "a", "amount", 5L);
            run(engine, "Deposit", "a", "amount", 13L);
            run(engine, "Deposit", "a", "amount", 7L);
            final ProjectionStatus s = caughtUp(engine, "deposits");
            assertThat(s.status()).isEqualTo(ProjectionStatus.RUNNING);
            assertThat(s.position()).isEqualTo(engine.journalPosition());
            assertThat(s.errors()).isEqualTo(1);
            assertThat(s.error()).isNull();
            assertThat(run(engine, "Deposit", "a", "amount", 1L).accepted()).isTrue();
            caughtUp(engine, "deposits");
            assertThat(engine.projectionRow("deposits", "a").orElseThrow().row())
                .isEqualTo(new DepositsPerAccount.Deposits(3, 13));
        }
    }

    @Test
    void shouldReportDifferingRowsOnADryRunAndSwapOnARealRebuild() throws Exception
    {
        try (Engine engine = startWith(new DepositsPerAccount(1, ProjectionErrorPolicy.STOP)))
        {
            for (int i = 0; i < 5; i++)
            {
                run(engine, "OpenAccount", "a" + i, "currency", "EUR");
                run(engine, "Deposit", "a" + i, "amount", 20L + i);
            }
            caughtUp(engine, "deposits");
            final RebuildResult same = engine.rebuildProjection("deposits", true).get(30, TimeUnit.SECONDS);
            assertThat(same).isEqualTo(new RebuildResult(engine.journalPosition(), 5, 0, false));
        }
        // the fold changed (factor 2) but not its version: the old checkpoint is loaded, the live rows are stale
        try (Engine engine = startWith(new DepositsPerAccount(2, ProjectionErrorPolicy.STOP)))
        {
            run(engine, "OpenAccount", "b", "currency", "EUR");
            run(engine, "Deposit", "b", "amount", 100L);
            caughtUp(engine, "deposits");
            final ProjectionRow before = engine.projectionRow("deposits", "a1").orElseThrow();
            assertThat(before.row()).isEqualTo(new DepositsPerAccount.Deposits(1, 21));

            final RebuildResult dry = engine.rebuildProjection("deposits", true).get(30, TimeUnit.SECONDS);
            assertThat(dry.swapped()).isFalse();
            assertThat(dry.rowsCompared()).isEqualTo(6);
            assertThat(dry.rowsDiffering()).isEqualTo(5);
            assertThat(engine.projectionRow("deposits", "a1").orElseThrow().row()).isEqualTo(before.row());

            final RebuildResult real = engine.rebuildProjection("deposits", false).get(30, TimeUnit.SECONDS);
            assertThat(real.swapped()).isTrue();
            assertThat(real.rowsDiffering()).isEqualTo(5);
            assertThat(engine.projectionRow("deposits", "a1").orElseThrow().row())
                .isEqualTo(new DepositsPerAccount.Deposits(1, 42));
            run(engine, "Deposit", "a1", "amount", 1L);
            caughtUp(engine, "deposits");
            assertThat(engine.projectionRow("deposits", "a1").orElseThrow().row())
                .isEqualTo(new DepositsPerAccount.Deposits(2, 44));
            // determinism: a shadow rebuilt again from position 1 equals the live rows
            assertThat(engine.rebuildProjection("deposits", true).get(30, TimeUnit.SECONDS).rowsDiffering()).isZero();
        }
    }

    @Test
    void shouldRefuseASecondRebuildWhileOneRunsAndAnUnknownProjection() throws Exception
    {
        try (Engine engine = startWith(new DepositsPerAccount(1, ProjectionErrorPolicy.STOP)))
        {
            run(engine, "OpenAccount", "a", "currency", "EUR");
            run(engine, "Deposit", "a", "amount", 5L);
            caughtUp(engine, "deposits");
            final CountDownLatch gate = new CountDownLatch(1);
            DepositsPerAccount.gate = gate;
            try
            {
                final CompletableFuture<RebuildResult> first = engine.rebuildProjection("deposits", true);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                    engine.projection("deposits").orElseThrow().status().equals(ProjectionStatus.REBUILDING));
                assertThatThrownBy(() -> engine.rebuildProjection("deposits", true).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(ProjectionException.class,
                        ex -> assertThat(ex.code()).isEqualTo(ProjectionException.REBUILD_IN_PROGRESS));
                gate.countDown();
                assertThat(first.get(30, TimeUnit.SECONDS).rowsDiffering()).isZero();
            }
            finally
            {
                DepositsPerAccount.gate = null;
                gate.countDown();
            }
            assertThatThrownBy(() -> engine.rebuildProjection("nope", true).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(ProjectionException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ProjectionException.NOT_FOUND));
        }
    }

    @Test
    void shouldFailAProjectionWhoseStartIsArchivedAndKeepTheEngineRunning() throws Exception
    {
        final UnaryOperator<dev.strand.engine.api.EngineConfig.Builder> retention = b -> b
            .rollCycle(dev.strand.journal.JournalRollCycle.TEST_SECONDLY).retentionAge(Duration.ofMillis(1))
            .snapshotsKept(1).snapshotOnShutdown(false).modules(List.of(new LedgerModule()));
        final long first;
        try (Engine engine = start(retention))
        {
            run(engine, "OpenAccount", "old", "currency", "EUR");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cycleFiles(dir.resolve("journal")) < 4)
            {
                run(engine, "Deposit", "old", "amount", 1L);
                assertThat(System.nanoTime()).as("cycle files appear").isLessThan(deadline);
            }
            engine.takeSnapshot().get(30, TimeUnit.SECONDS);
            run(engine, "Deposit", "old", "amount", 1L);
            assertThat(engine.runRetention().ok()).isTrue();
            first = engine.journalHead().firstPosition();
            assertThat(first).isGreaterThan(1);
        }
        try (Engine engine = start(b -> retention.apply(b)
            .projections(List.of(new DepositsPerAccount(1, ProjectionErrorPolicy.SKIP)))))
        {
            final ProjectionStatus s = engine.projection("deposits").orElseThrow();
            assertThat(s.status()).isEqualTo(ProjectionStatus.FAILED);
            assertThat(s.error()).contains("archived prefix").contains("from " + first);
            assertThat(s.rows()).isZero();
            assertThat(run(engine, "Deposit", "old", "amount", 1L).accepted()).isTrue();
            assertThatThrownBy(() -> engine.rebuildProjection("deposits", true).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(ProjectionException.class,
                    ex -> assertThat(ex.code()).isEqualTo(ProjectionException.ARCHIVED));
        }
    }

    private static long cycleFiles(final Path journalDir) throws java.io.IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).count();
        }
    }

    @Test
    void shouldRefuseTwoProjectionsOfOneName()
    {
        assertThatThrownBy(() -> EngineFixture.config(dir).modules(List.of(new LedgerModule()))
            .projections(List.of(new BalancesByCurrency(), new BalancesByCurrency())).build())
            .isInstanceOf(dev.strand.config.ConfigException.class)
            .hasMessageContaining("projection name " + BalancesByCurrency.NAME + " is registered twice");
    }
}
