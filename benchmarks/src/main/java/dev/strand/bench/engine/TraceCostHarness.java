package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.TraceParent;
import dev.strand.journal.Durability;
import dev.strand.journal.EventRecord;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalReader;
import dev.strand.journal.JournalVerifier;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;

/**
 * What a W3C traceparent on every command costs on the write path, measured as {@link ChainCostHarness} measures the
 * chain (so a busy, shared machine cannot bias it): the two variants run in short alternating bursts in one process,
 * the order rotating each round, and the figure is the median over rounds of the per-round ratio.
 *
 * <ul>
 *   <li>journal: commits per second through {@link JournalAppender} on one thread, one ledger-sized event per commit
 *       (format 4, chained), with a traceparent on the event and without;</li>
 *   <li>engine: Deposits per second through the whole engine (ingress, ring, decide, journal, completion) from one
 *       producer keeping 1,024 in flight, each Deposit given a traceparent as the gateway does
 *       ({@link TraceParent#parse}, {@link Command#withTraceparent}) beside an engine given none.</li>
 * </ul>
 *
 * <p>Self-check: every journal ends at the number of commits made and verifies; the traced one holds a traceparent on
 * every event, the other none; every Deposit is accepted.
 *
 * <pre>benchmarks/run-harness TraceCostHarness [--rounds 20] [--warmup 5] [--commits 100000] [--deposits 50000]</pre>
 */
@picocli.CommandLine.Command(name = "TraceCostHarness", mixinStandardHelpOptions = true,
    description = "What a traceparent costs: journal commits and engine Deposits with and without one, interleaved.")
public final class TraceCostHarness implements Callable<Integer>
{
    private static final int PAYLOAD = 16;
    private static final int ACCOUNTS = 10_000;
    private static final int WINDOW = 1_024;
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Option(names = "--rounds", defaultValue = "20", description = "measured rounds; default ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "rounds run first and not counted; default ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--commits", defaultValue = "100000", description = "journal commits per variant per round; default ${DEFAULT-VALUE}")
    int commits;

    @Option(names = "--deposits", defaultValue = "50000", description = "engine Deposits per variant per round; default ${DEFAULT-VALUE}")
    int deposits;

    @Option(names = "--skip-engine", description = "measure the journal only")
    boolean skipEngine;

    private TraceCostHarness()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("TraceCostHarness", new TraceCostHarness(), args));
    }

    @Override
    public Integer call()
    {
        journalLevel();
        if (!skipEngine)
        {
            engineLevel();
        }
        return 0;
    }

    private void journalLevel()
    {
        final Path tracedDir = BenchDirs.newDir("trace-on-");
        final Path plainDir = BenchDirs.newDir("trace-off-");
        final String[] commandIds = new String[4096];
        final String[] traceparents = new String[4096];
        for (int i = 0; i < commandIds.length; i++)
        {
            commandIds[i] = UUID.randomUUID().toString();
            final UUID traceId = UUID.randomUUID();
            traceparents[i] = String.format("00-%016x%016x-%016x-01", traceId.getMostSignificantBits(),
                traceId.getLeastSignificantBits(), (long)i + 1);
        }
        final String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++)
        {
            accounts[i] = "acc-" + i;
        }
        final List<double[]> perRound = new ArrayList<>();
        try (Journal traced = Journal.open(JournalConfig.builder(tracedDir).minFreeBytes(0).build());
             Journal plain = Journal.open(JournalConfig.builder(plainDir).minFreeBytes(0).build()))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            for (int round = 0; round < warmup + rounds; round++)
            {
                final double[] rates = new double[2];
                for (int k = 0; k < 2; k++)
                {
                    final int variant = (round + k) % 2;
                    final long start = System.nanoTime();
                    appendCommits(variant == 0 ? traced : plain, payload, commandIds, accounts,
                        variant == 0 ? traceparents : null);
                    rates[variant] = commits * 1e9 / (System.nanoTime() - start);
                }
                if (round >= warmup)
                {
                    perRound.add(rates);
                }
            }
            check(traced, (long)(warmup + rounds) * commits, true);
            check(plain, (long)(warmup + rounds) * commits, false);
        }
        final long tracedBytes = JournalVerifier.verify(tracedDir).recordBytes();
        final long plainBytes = JournalVerifier.verify(plainDir).recordBytes();
        BenchDirs.delete(tracedDir);
        BenchDirs.delete(plainDir);
        final double ratio = median(perRound, r -> r[0] / r[1]);
        final long total = (long)(warmup + rounds) * commits;
        System.out.printf(Locale.ROOT, "journal commits/s (median of %d rounds of %,d each, interleaved): traced %,.0f, " +
            "untraced %,.0f; record bytes per commit: traced %.1f, untraced %.1f%n", rounds, commits,
            median(perRound, r -> r[0]), median(perRound, r -> r[1]), (double)tracedBytes / total,
            (double)plainBytes / total);
        System.out.printf(Locale.ROOT, "journal: traced / untraced = %.3f (median of per-round ratios; P25 %.3f, P75 %.3f)%n",
            ratio, percentile(perRound, r -> r[0] / r[1], 25), percentile(perRound, r -> r[0] / r[1], 75));
    }

    private void appendCommits(final Journal journal, final UnsafeBuffer payload, final String[] commandIds,
        final String[] accounts, final String[] traceparents)
    {
        final JournalAppender appender = journal.appender();
        long p = journal.lastPosition();
        for (int i = 0; i < commits; i++)
        {
            p++;
            final int k = (int)(p & 4095);
            payload.putLong(0, 100);
            payload.putLong(8, p);
            appender.begin();
            appender.add(p, "account", accounts[(int)(p % ACCOUNTS)], p, "Deposited", 1, 1_764_547_200_000_000L + p,
                commandIds[k], null, commandIds[k], 0x5EED_0000_0000_0000L | p,
                traceparents == null ? null : traceparents[k], payload, 0, PAYLOAD);
            appender.commit();
        }
    }

    private void engineLevel()
    {
        final List<double[]> perRound = new ArrayList<>();
        try (EngineFixture traced = EngineFixture.start(Durability.ASYNC, ACCOUNTS, 1_000_000, true);
             EngineFixture plain = EngineFixture.start(Durability.ASYNC, ACCOUNTS, 1_000_000, true))
        {
            for (int round = 0; round < warmup + rounds; round++)
            {
                final double[] rates = new double[2];
                for (int k = 0; k < 2; k++)
                {
                    final int variant = (round + k) % 2;
                    rates[variant] = depositRate(variant == 0 ? traced : plain, variant == 0);
                }
                if (round >= warmup)
                {
                    perRound.add(rates);
                }
            }
            for (final EngineFixture f : List.of(traced, plain))
            {
                final long expected = ACCOUNTS + (long)(warmup + rounds) * deposits;
                if (f.engine().journalPosition() != expected)
                {
                    throw new IllegalStateException("journal at " + f.engine().journalPosition() + ", expected " + expected);
                }
            }
            final var last = traced.engine().readEvents(traced.engine().journalPosition(), 1,
                dev.strand.engine.api.EventFilter.ALL, 10).events();
            if (last.isEmpty() || !TRACEPARENT.equals(last.get(0).traceparent()))
            {
                throw new IllegalStateException("the traced engine's last event has no traceparent: " + last);
            }
        }
        final double ratio = median(perRound, r -> r[0] / r[1]);
        System.out.printf(Locale.ROOT, "engine Deposits/s (median of %d rounds of %,d each, interleaved, one producer, " +
            "%d in flight): traced %,.0f, untraced %,.0f%n", rounds, deposits, WINDOW, median(perRound, r -> r[0]),
            median(perRound, r -> r[1]));
        System.out.printf(Locale.ROOT, "engine: traced / untraced = %.3f (median of per-round ratios; P25 %.3f, P75 %.3f)%n",
            ratio, percentile(perRound, r -> r[0] / r[1], 25), percentile(perRound, r -> r[0] / r[1], 75));
    }

    private double depositRate(final EngineFixture fixture, final boolean traced)
    {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final CommandCallback callback = (CommandResult r) ->
        {
            if (!r.accepted())
            {
                failed.incrementAndGet();
            }
            completed.incrementAndGet();
        };
        final String[] accounts = fixture.accounts();
        final long start = System.nanoTime();
        for (int i = 0; i < deposits; i++)
        {
            while (i - completed.get() >= WINDOW)
            {
                LockSupport.parkNanos(20_000);
            }
            final Command deposit = fixture.deposit(accounts[i % accounts.length]);
            fixture.engine().submit(traced ? deposit.withTraceparent(TraceParent.parse(TRACEPARENT)) : deposit, callback);
        }
        while (completed.get() < deposits)
        {
            LockSupport.parkNanos(20_000);
        }
        final long took = System.nanoTime() - start;
        if (failed.get() > 0)
        {
            throw new IllegalStateException(failed.get() + " Deposits were not accepted");
        }
        return deposits * 1e9 / took;
    }

    private static void check(final Journal journal, final long expected, final boolean traced)
    {
        if (journal.lastPosition() != expected)
        {
            throw new IllegalStateException("journal at " + journal.lastPosition() + ", expected " + expected);
        }
        try (JournalReader reader = journal.newReader())
        {
            reader.seek(expected);
            final EventRecord record = new EventRecord();
            if (!reader.next(record) || record.hasTraceContext() != traced)
            {
                throw new IllegalStateException("the last event's trace context is not what was written");
            }
        }
    }

    private static double median(final List<double[]> rounds, final ToDoubleFunction<double[]> f)
    {
        return percentile(rounds, f, 50);
    }

    private static double percentile(final List<double[]> rounds, final ToDoubleFunction<double[]> f, final int percent)
    {
        final double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
        return values[Math.min(values.length - 1, (int)Math.round((values.length - 1) * percent / 100.0))];
    }
}
