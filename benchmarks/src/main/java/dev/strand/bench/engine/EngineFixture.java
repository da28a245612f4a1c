package dev.strand.bench.engine;

import dev.strand.bench.support.BenchDirs;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.journal.Durability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-process engine for the benchmarks, built and driven through the public API only ({@code engine.api} and
 * {@code engine.spi.MapFieldReader}): a fresh data directory, periodic snapshots off unless asked for (they would
 * land in the middle of a measurement), and the ledger accounts the commands work over.
 */
public final class EngineFixture implements AutoCloseable
{
    /** Accounts opened per batch while setting up. */
    static final int OPEN_BATCH = 1_000;
    /** The amount of every benchmark Deposit. */
    public static final long DEPOSIT_AMOUNT = 100;
    /** The Deposit's data, immutable and shared by every command. */
    public static final MapFieldReader DEPOSIT_DATA = new MapFieldReader(Map.of("amount", DEPOSIT_AMOUNT));
    private static final MapFieldReader OPEN_DATA = new MapFieldReader(Map.of("currency", "EUR"));
    private static final long SETUP_TIMEOUT_SECONDS = 600;

    private final Path dir;
    private final boolean ownsDir;
    private final Engine engine;
    private final String[] accounts;

    private EngineFixture(final Path dir, final boolean ownsDir, final Engine engine, final String[] accounts)
    {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.engine = engine;
        this.accounts = accounts;
    }

    /** The engine settings every benchmark uses: snapshots only when asked, none at shutdown. */
    public static EngineConfig.Builder config(final Path dir, final Durability durability)
    {
        return EngineConfig.builder(dir)
            .durability(durability)
            .snapshotEveryEvents(0)
            .snapshotEverySeconds(0)
            .snapshotOnShutdown(false);
    }

    /** Starts an engine on a new directory and opens {@code accountCount} accounts. */
    public static EngineFixture start(final Durability durability, final int accountCount)
    {
        return start(durability, accountCount, EngineConfig.IDEMPOTENCY_WINDOW.defaultValue());
    }

    /** As {@link #start(Durability, int)} with another idempotency window (accepted command ids remembered). */
    public static EngineFixture start(final Durability durability, final int accountCount, final int idempotencyWindow)
    {
        return start(durability, accountCount, idempotencyWindow, true);
    }

    /**
     * As {@link #start(Durability, int, int)}; {@code hashChain} false journals without the hash chain (format 2), to
     * measure the chain's cost in the same run.
     */
    public static EngineFixture start(final Durability durability, final int accountCount, final int idempotencyWindow,
        final boolean hashChain)
    {
        final Path dir = BenchDirs.newDir("strand-engine-");
        final Engine engine = Engine.start(config(dir, durability).idempotencyWindow(idempotencyWindow)
            .unchainedJournalForMeasurement(!hashChain).build());
        final String[] ids = openAccounts(engine, "acc-", accountCount);
        return new EngineFixture(dir, true, engine, ids);
    }

    /** Starts an engine on an existing directory (recovery); the directory is not deleted on close. */
    public static EngineFixture restart(final EngineConfig config, final int accountCount)
    {
        final Engine engine = Engine.start(config);
        final String[] ids = new String[accountCount];
        for (int i = 0; i < accountCount; i++)
        {
            ids[i] = "acc-" + i;
        }
        return new EngineFixture(config.dataDir(), false, engine, ids);
    }

    /** Opens {@code count} accounts {@code prefix0..}, in batches, and returns their ids. */
    public static String[] openAccounts(final Engine engine, final String prefix, final int count)
    {
        final String[] ids = new String[count];
        for (int first = 0; first < count; first += OPEN_BATCH)
        {
            final int end = Math.min(count, first + OPEN_BATCH);
            final List<Command> batch = new ArrayList<>(end - first);
            for (int i = first; i < end; i++)
            {
                ids[i] = prefix + i;
                batch.add(engine.newCommand(null, "OpenAccount", ids[i], Command.NO_AGGREGATE, null, OPEN_DATA));
            }
            final BatchResult result = awaitBatch(engine, batch);
            for (final CommandResult r : result.results())
            {
                if (!r.accepted())
                {
                    throw new IllegalStateException("OpenAccount rejected while setting up: " + r.rejection());
                }
            }
        }
        return ids;
    }

    /** Submits {@code count} Deposits in batches (to build a journal), round-robin over the accounts. */
    public void depositInBatches(final long count, final int batchSize)
    {
        long done = 0;
        int next = 0;
        while (done < count)
        {
            final int n = (int)Math.min(batchSize, count - done);
            final List<Command> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                batch.add(deposit(accounts[next]));
                next = next + 1 == accounts.length ? 0 : next + 1;
            }
            final BatchResult result = awaitBatch(engine, batch);
            if (result.results().get(n - 1).rejection() != null)
            {
                throw new IllegalStateException("Deposit rejected while setting up: " + result.results().get(n - 1).rejection());
            }
            done += n;
        }
    }

    private static BatchResult awaitBatch(final Engine engine, final List<Command> batch)
    {
        while (true)
        {
            final CompletableFuture<BatchResult> future = new CompletableFuture<>();
            engine.submitBatch(batch, false, future::complete);
            final BatchResult result;
            try
            {
                result = future.get(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while setting up", ex);
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                throw new IllegalStateException("batch did not complete while setting up", ex);
            }
            final CommandResult first = result.results().get(0);
            if (first.rejection() == null || !"OVERLOADED".equals(first.rejection().code()))
            {
                return result;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** A new Deposit of {@link #DEPOSIT_AMOUNT} to {@code accountId}, with an engine-generated command id. */
    public Command deposit(final String accountId)
    {
        return engine.newCommand(null, "Deposit", accountId, Command.ANY_VERSION, null, DEPOSIT_DATA);
    }

    public Engine engine()
    {
        return engine;
    }

    public String[] accounts()
    {
        return accounts;
    }

    public Path dir()
    {
        return dir;
    }

    /** Closes the engine and keeps its data directory (to restart from it); the caller deletes it. */
    public Path closeKeepingData()
    {
        engine.close();
        return dir;
    }

    @Override
    public void close()
    {
        engine.close();
        if (ownsDir)
        {
            BenchDirs.delete(dir);
        }
    }
}
