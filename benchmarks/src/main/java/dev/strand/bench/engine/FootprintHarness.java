package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.bench.support.Cli;
import dev.strand.bench.support.UnitConverters;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.journal.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Memory per account: heap in use (after full collections) before and after opening N accounts, divided by N.
 * The engine keeps three copies of the state (the writer's, the read model's and the snapshotter's), so the figure
 * is what an account costs the process; it is measured once with the idempotency window off and once with the
 * default window, whose difference is the cost of remembering one accepted command id.
 *
 * <pre>java -Xmx8g [Chronicle flags] -cp benchmarks.jar dev.strand.bench.engine.FootprintHarness [accounts=1000000]</pre>
 */
@Command(name = "FootprintHarness", mixinStandardHelpOptions = true,
    description = "Memory per account and per remembered command id (run with a large -Xmx).")
public final class FootprintHarness implements Callable<Integer>
{
    private FootprintHarness()
    {
    }

    @Parameters(index = "0", arity = "0..1", defaultValue = "1000000", converter = UnitConverters.IntCount.class,
        paramLabel = "<accounts>", description = "accounts to open, e.g. 1m; default ${DEFAULT-VALUE}")
    int accounts;

    public static void main(final String[] args)
    {
        System.exit(Cli.execute("FootprintHarness", new FootprintHarness(), args));
    }

    @Override
    public Integer call() throws Exception
    {
        System.out.printf(Locale.ROOT, "footprint of %,d accounts (max heap %,d MiB)%n", accounts,
            Runtime.getRuntime().maxMemory() >> 20);
        final double withoutWindow = measure(accounts, 0);
        final double withWindow = measure(accounts, EngineConfig.IDEMPOTENCY_WINDOW.defaultValue());
        System.out.printf(Locale.ROOT, "bytes per account, idempotency window 0:         %,.0f%n", withoutWindow);
        System.out.printf(Locale.ROOT, "bytes per account, idempotency window %,d: %,.0f%n",
            EngineConfig.IDEMPOTENCY_WINDOW.defaultValue(), withWindow);
        System.out.printf(Locale.ROOT, "so one remembered command id costs about %,.0f bytes (all copies together)%n",
            withWindow - withoutWindow);
        return 0;
    }

    private static double measure(final int accounts, final int window) throws Exception
    {
        final Path dir = BenchDirs.newDir("strand-footprint-");
        try (Engine engine = Engine.start(EngineFixture.config(dir, Durability.ASYNC).idempotencyWindow(window).build()))
        {
            final long before = usedAfterGc();
            EngineFixture.openAccounts(engine, "acc-", accounts);
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (engine.readModelPosition() < engine.journalPosition() && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(10_000_000);
            }
            // the snapshotter follows the journal too; a snapshot request waits for it to reach the end
            engine.takeSnapshot().get(5, TimeUnit.MINUTES);
            final long after = usedAfterGc();
            final double perAccount = (after - before) / (double)accounts;
            System.out.printf(Locale.ROOT, "window %,d: heap %,d -> %,d bytes: %,.0f bytes per account%n",
                window, before, after, perAccount);
            return perAccount;
        }
        finally
        {
            BenchDirs.delete(dir);
        }
    }

    private static long usedAfterGc()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            LockSupport.parkNanos(200_000_000);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
