package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.engine.api.CommandCallback;
import dev.strand.engine.api.CommandResult;
import dev.strand.journal.Durability;
import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalVerifier;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the journal's hash chain costs, measured so that a busy, shared machine cannot bias it: the variants run in
 * short alternating bursts in one process (the order rotating each round), so load that comes and goes hits each
 * alike, and the figure is the median over rounds of the per-round ratio.
 *
 * <ul>
 *   <li>journal: commits per second through {@link JournalAppender} on one thread, one ledger-sized event per commit,
 *       with the chain (format 3) and without it (format 2), beside raw Chronicle appends of the same record size;</li>
 *   <li>engine: Deposits per second through the whole engine (ingress, ring, decide, journal, completion) from one
 *       producer keeping 1,024 in flight, an engine journaling with the chain beside one journaling without it.</li>
 * </ul>
 *
 * <p>Self-check: every journal ends at the number of commits made and verifies (the chained one with its chain from
 * position 1); every Deposit is accepted.
 *
 * <pre>benchmarks/run-harness ChainCostHarness [--rounds 30] [--warmup 5] [--commits 100000] [--deposits 50000]</pre>
 */
@Command(name = "ChainCostHarness", mixinStandardHelpOptions = true,
    description = "What the hash chain costs: journal commits and engine Deposits with and without it, interleaved.")
public final class ChainCostHarness implements Callable<Integer>
{
    private static final int PAYLOAD = 16;
    private static final int RAW_RECORD = 182;
    private static final int ACCOUNTS = 10_000;
    private static final int WINDOW = 1_024;

    @Option(names = "--rounds", defaultValue = "30", description = "measured rounds; default ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "rounds run first and not counted; default ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--commits", defaultValue = "100000", description = "journal commits per variant per round; default ${DEFAULT-VALUE}")
    int commits;

    @Option(names = "--deposits", defaultValue = "50000", description = "engine Deposits per variant per round; default ${DEFAULT-VALUE}")
    int deposits;

    @Option(names = "--skip-engine", description = "measure the journal only")
    boolean skipEngine;

    private ChainCostHarness()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("ChainCostHarness", new ChainCostHarness(), args));
    }

    @Override
    public Integer call() throws Exception
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
        final Path chainedDir = BenchDirs.newDir("chain-on-");
        final Path plainDir = BenchDirs.newDir("chain-off-");
        final Path rawDir = BenchDirs.newDir("chain-raw-");
        final String[] commandIds = new String[4096];
        for (int i = 0; i < commandIds.length; i++)
        {
            commandIds[i] = UUID.randomUUID().toString();
        }
        final String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++)
        {
            accounts[i] = "acc-" + i;
        }
        final List<double[]> perRound = new ArrayList<>();
        try (Journal chained = Journal.open(JournalConfig.builder(chainedDir).minFreeBytes(0).build());
             Journal plain = Journal.open(JournalConfig.builder(plainDir).minFreeBytes(0).unchainedForMeasurement(true).build());
             ChronicleQueue raw = ChronicleQueue.singleBuilder(rawDir).rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender rawAppender = raw.createAppender())
        {
            final Bytes<?> record = Bytes.allocateDirect(RAW_RECORD);
            for (int i = 0; i < RAW_RECORD; i++)
            {
                record.writeByte((byte)('a' + i % 26));
            }
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            for (int round = 0; round < warmup + rounds; round++)
            {
                final double[] rates = new double[3];
                for (int k = 0; k < 3; k++)
                {
                    final int variant = (round + k) % 3;
                    final long start = System.nanoTime();
                    switch (variant)
                    {
                        case 0 -> appendCommits(chained, payload, commandIds, accounts);
                        case 1 -> appendCommits(plain, payload, commandIds, accounts);
                        default ->
                        {
                            for (int i = 0; i < commits; i++)
                            {
                                record.readPosition(0);
                                rawAppender.writeBytes(record);
                            }
                        }
                    }
                    rates[variant] = commits * 1e9 / (System.nanoTime() - start);
                }
                if (round >= warmup)
                {
                    perRound.add(rates);
                }
            }
            record.releaseLast();
            check(chained, (long)(warmup + rounds) * commits);
            check(plain, (long)(warmup + rounds) * commits);
        }
        verify(chainedDir, 1);
        verify(plainDir, 0);
        BenchDirs.delete(chainedDir);
        BenchDirs.delete(plainDir);
        BenchDirs.delete(rawDir);
        final double chainedRate = median(perRound, r -> r[0]);
        final double plainRate = median(perRound, r -> r[1]);
        final double rawRate = median(perRound, r -> r[2]);
        final double ratio = median(perRound, r -> r[0] / r[1]);
        System.out.printf(Locale.ROOT, "journal commits/s (median of %d rounds of %,d each, interleaved): " +
            "chained %,.0f, unchained %,.0f, raw Chronicle %,.0f (%d-byte records)%n", rounds, commits, chainedRate,
            plainRate, rawRate, RAW_RECORD);
        System.out.printf(Locale.ROOT, "journal: chained / unchained = %.3f (median of per-round ratios; P25 %.3f, " +
            "P75 %.3f): the chain costs %.1f%% of the appending thread's throughput; chained / raw = %.3f%n", ratio,
            percentile(perRound, r -> r[0] / r[1], 25), percentile(perRound, r -> r[0] / r[1], 75), 100 * (1 - ratio),
            median(perRound, r -> r[0] / r[2]));
    }

    private void appendCommits(final Journal journal, final UnsafeBuffer payload, final String[] commandIds,
        final String[] accounts)
    {
        final JournalAppender appender = journal.appender();
        long p = journal.lastPosition();
        for (int i = 0; i < commits; i++)
        {
            p++;
            final String commandId = commandIds[(int)(p & 4095)];
            payload.putLong(0, 100);
            payload.putLong(8, p);
            appender.begin();
            appender.add(p, "account", accounts[(int)(p % ACCOUNTS)], p, "Deposited", 1, 1_764_547_200_000_000L + p,
                commandId, null, commandId, 0x5EED_0000_0000_0000L | p, payload, 0, PAYLOAD);
            appender.commit();
        }
    }

    private void engineLevel()
    {
        final List<double[]> perRound = new ArrayList<>();
        try (EngineFixture chained = EngineFixture.start(Durability.ASYNC, ACCOUNTS, 1_000_000, true);
             EngineFixture plain = EngineFixture.start(Durability.ASYNC, ACCOUNTS, 1_000_000, false))
        {
            for (int round = 0; round < warmup + rounds; round++)
            {
                final double[] rates = new double[2];
                for (int k = 0; k < 2; k++)
                {
                    final int variant = (round + k) % 2;
                    rates[variant] = depositRate(variant == 0 ? chained : plain);
                }
                if (round >= warmup)
                {
                    perRound.add(rates);
                }
            }
            for (final EngineFixture f : List.of(chained, plain))
            {
                final long expected = ACCOUNTS + (long)(warmup + rounds) * deposits;
                if (f.engine().journalPosition() != expected)
                {
                    throw new IllegalStateException("journal at " + f.engine().journalPosition() + ", expected " + expected);
                }
            }
        }
        final double ratio = median(perRound, r -> r[0] / r[1]);
        System.out.printf(Locale.ROOT, "engine Deposits/s (median of %d rounds of %,d each, interleaved, one producer, " +
            "%d in flight): chained %,.0f, unchained %,.0f%n", rounds, deposits, WINDOW, median(perRound, r -> r[0]),
            median(perRound, r -> r[1]));
        System.out.printf(Locale.ROOT, "engine: chained / unchained = %.3f (median of per-round ratios; P25 %.3f, " +
            "P75 %.3f): the chain costs %.1f%% of the engine's throughput%n", ratio,
            percentile(perRound, r -> r[0] / r[1], 25), percentile(perRound, r -> r[0] / r[1], 75), 100 * (1 - ratio));
    }

    private double depositRate(final EngineFixture fixture)
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
            fixture.engine().submit(fixture.deposit(accounts[i % accounts.length]), callback);
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

    private static void check(final Journal journal, final long expected)
    {
        if (journal.lastPosition() != expected)
        {
            throw new IllegalStateException("journal at " + journal.lastPosition() + ", expected " + expected);
        }
    }

    private static void verify(final Path dir, final long chainStart)
    {
        final var report = JournalVerifier.verify(dir);
        if (report.isCorrupt() || report.chainStart() != chainStart)
        {
            throw new IllegalStateException("journal " + dir + " does not verify: " + report.summary());
        }
    }

    private static double median(final List<double[]> rounds, final java.util.function.ToDoubleFunction<double[]> f)
    {
        return percentile(rounds, f, 50);
    }

    private static double percentile(final List<double[]> rounds, final java.util.function.ToDoubleFunction<double[]> f,
        final int percent)
    {
        final double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
        return values[Math.min(values.length - 1, (int)Math.round((values.length - 1) * percent / 100.0))];
    }
}
