package dev.strand.engine.core;

import dev.strand.journal.Journal;
import dev.strand.journal.JournalArchive;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.RetentionReport;
import dev.strand.journal.SnapshotInfo;
import dev.strand.journal.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Runs the journal's retention policy ({@link JournalArchive}) on thread {@code journal-retention}: at start, after each
 * snapshot (the bound may have moved) and every {@value #CHECK_EVERY_SECONDS} seconds (cycles age without snapshots),
 * and on request. The bound it gives is the oldest position recovery could start from: the oldest snapshot on disk
 * whose container checks out and that recovery would accept (so recovery can still fall back to it), and never past
 * what the read model and every projection (and a projection's rebuild) have applied. Off (no thread) while {@code --retention-age} is 0.
 *
 * <p>Error policy: a failed run is reported (result, log line, metrics) and retried at the next trigger; nothing is
 * moved that was not safely copied first, so a failure loses nothing.
 */
final class Retention implements AutoCloseable
{
    /** How often the policy is checked without a snapshot to trigger it. */
    static final long CHECK_EVERY_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Journal journal;
    private final SnapshotStore snapshots;
    private final JournalArchive archive;
    private final boolean enabled;
    private final LongSupplier readModelPosition;
    private final Object maintenance;
    private final Counters counters;
    private final AtomicBoolean pending = new AtomicBoolean();
    private ScheduledExecutorService executor;

    /**
     * @param maintenance the lock retention shares with online backups (a backup must not copy a cycle file as it is
     *                    moved).
     */
    Retention(final Journal journal, final SnapshotStore snapshots, final JournalConfig config,
        final LongSupplier readModelPosition, final Object maintenance, final Counters counters)
    {
        this.journal = journal;
        this.snapshots = snapshots;
        this.archive = new JournalArchive(journal, config.archiveDirectory(), config.retentionAction(),
            config.retentionAge(), Clock.systemUTC());
        this.enabled = !config.retentionAge().isZero();
        this.readModelPosition = readModelPosition;
        this.maintenance = maintenance;
        this.counters = counters;
        counters.archive = archive;
    }

    void start()
    {
        if (!enabled)
        {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "journal-retention");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::runQuietly, 0, CHECK_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** A snapshot was written: the bound may have moved. */
    void afterSnapshot()
    {
        if (executor != null && pending.compareAndSet(false, true))
        {
            executor.execute(() ->
            {
                pending.set(false);
                runQuietly();
            });
        }
    }

    /** Runs the policy now (on the retention thread when it runs, else on the caller's) and returns what it did. */
    RetentionReport runNow()
    {
        if (!enabled)
        {
            return new RetentionReport(System.currentTimeMillis(), true, "retention is off (--retention-age 0)", 0, 0, 0,
                journal.firstPosition(), 0);
        }
        final Future<RetentionReport> run = executor.submit(this::run);
        try
        {
            return run.get(1, TimeUnit.HOURS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retention ran", ex);
        }
        catch (final ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            throw new IllegalStateException("retention did not complete: " + ex, ex);
        }
    }

    private void runQuietly()
    {
        try
        {
            run();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("retention run failed", ex);
        }
    }

    private RetentionReport run()
    {
        final RetentionReport report;
        synchronized (maintenance)
        {
            report = archive.run(bound());
        }
        counters.lastRetention = report;
        counters.retentionCyclesMoved.addAndGet(report.cyclesMoved());
        return report;
    }

    /**
     * The oldest snapshot recovery would use (container whole, and accepted: its chain hash is the journal's), not
     * past the read model; 0 when there is none (then nothing is moved: recovery needs the whole journal).
     */
    long bound()
    {
        long oldest = -1;
        for (final SnapshotInfo info : snapshots.list())
        {
            if (snapshots.problem(info) == null && Recovery.refusal(journal, info) == null)
            {
                oldest = oldest < 0 ? info.position() : Math.min(oldest, info.position());
            }
        }
        return Math.max(0, Math.min(oldest, readModelPosition.getAsLong()));
    }

    @Override
    public void close()
    {
        if (executor != null)
        {
            // a run in progress finishes (an interrupted copy would leave work for the next start, never a loss)
            executor.shutdown();
            try
            {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS))
                {
                    executor.shutdownNow();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
