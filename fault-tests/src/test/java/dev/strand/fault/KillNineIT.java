package dev.strand.fault;

import dev.strand.journal.Journal;
import dev.strand.journal.JournalConfig;
import dev.strand.journal.JournalRollCycle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of the real server at random moments while writers send Deposits and Transfers, over one data
 * directory, again and again. After every restart the audit checks: every acknowledged command exactly once at its
 * acknowledged position, rejected ones absent, positions and versions gapless, no half transfer, balances equal to
 * the replay of the events (and served so by the read side); commands in flight at the kill are resent with their
 * commandId and must be answered from the journal exactly when the journal holds them.
 *
 * <p>Three kinds of kill points: under plain load; while snapshots are being written (a tiny snapshot interval plus
 * {@code POST /admin/snapshots} in a loop, and kills aimed just after a snapshot request); and at Chronicle roll-cycle
 * changes (a journal created with the {@code TEST_SECONDLY} roll cycle, which the server adopts because an existing
 * queue's stored cycle wins over the configured one, and kills aimed at the second boundary).
 */
class KillNineIT
{
    private static final int WRITERS = 4;
    private static final int ACCOUNTS = 16;

    enum Mode
    {
        LOAD, SNAPSHOTS, ROLL_CYCLE
    }

    @Test
    @Timeout(240)
    void shouldKeepEveryAcknowledgedCommandExactlyOnceAcrossKillsUnderLoad(final TestInfo info)
    {
        run(info, Mode.LOAD, 8);
    }

    @Test
    @Timeout(240)
    void shouldRecoverCorrectStateAfterKillsDuringSnapshots(final TestInfo info)
    {
        run(info, Mode.SNAPSHOTS, 8);
    }

    @Test
    @Timeout(240)
    void shouldRecoverAfterKillsAtRollCycleChanges(final TestInfo info)
    {
        run(info, Mode.ROLL_CYCLE, 6);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void shouldSurviveEightyKillsUnderLoad(final TestInfo info)
    {
        run(info, Mode.LOAD, 80);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void shouldSurviveSixtyKillsDuringSnapshots(final TestInfo info)
    {
        run(info, Mode.SNAPSHOTS, 60);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void shouldSurviveSixtyKillsAtRollCycleChanges(final TestInfo info)
    {
        run(info, Mode.ROLL_CYCLE, 60);
    }

    private static void run(final TestInfo info, final Mode mode, final int kills)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("kill9-" + name);
        final Path data = work.resolve("data");
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        if (mode == Mode.ROLL_CYCLE)
        {
            seedJournal(data.resolve("journal"), "TEST_SECONDLY");
        }
        final LedgerLoad load = new LedgerLoad(ACCOUNTS, seed);
        final LedgerAudit audit = new LedgerAudit();
        int duringSnapshot = 0;
        int unbornCycleFiles = 0;
        int replayedAfterRestart = 0;
        int unknownTotal = 0;
        long maxRecoveryMs = 0;

        StrandProcess server = start(mode, data, work, 0);
        try
        {
            if (mode == Mode.ROLL_CYCLE)
            {
                assertThat(server.log()).contains("roll cycle TEST_SECONDLY");
            }
            load.openAccounts(server.http());
            for (int k = 1; k <= kills; k++)
            {
                final Http http = server.http();
                final LedgerLoad.Writers writers = load.start(http, WRITERS);
                final AtomicBoolean snapshotting = new AtomicBoolean(mode == Mode.SNAPSHOTS);
                final Thread snapshots = mode == Mode.SNAPSHOTS ? snapshotLoop(http, snapshotting) : null;

                Waits.sleep(200 + random.nextInt(600));
                switch (mode)
                {
                    case LOAD -> server.kill9();
                    case SNAPSHOTS ->
                    {
                        if (random.nextBoolean())
                        {
                            // aim at the write itself: request one, then kill 0-3 ms later
                            final CompletableFuture<?> request = CompletableFuture.runAsync(() -> postSnapshot(http));
                            Waits.sleep(random.nextInt(4));
                            server.kill9();
                            request.exceptionally(t -> null);
                        }
                        else
                        {
                            server.kill9();
                        }
                    }
                    case ROLL_CYCLE ->
                    {
                        // Chronicle rolls on the first append after a second boundary: kill 0-4 ms after one
                        final long now = System.currentTimeMillis();
                        Waits.sleep(1000 - now % 1000 + random.nextInt(5));
                        server.kill9();
                    }
                    default -> throw new IllegalStateException();
                }
                snapshotting.set(false);
                writers.stop();
                if (snapshots != null)
                {
                    join(snapshots);
                }
                if (hasUnfinishedSnapshot(data.resolve("snapshots")))
                {
                    duringSnapshot++;
                }
                unknownTotal += load.unknown.size();

                server = start(mode, data, work, k);
                unbornCycleFiles += lines(server.log(), "removing cycle file").size();
                maxRecoveryMs = Math.max(maxRecoveryMs, recoveryMillis(server));
                assertThat(recoveryMillis(server)).as("recovery time after kill %d (ms)", k).isLessThan(15_000);
                final Http after = server.http();
                audit.read(after).checkAgainst(load);
                replayedAfterRestart += load.resendUnknown(after, audit);
                audit.read(after).checkAgainst(load).checkReadSide(after, load.accounts);
            }

            // A clean stop (final snapshot), a restart from it, and a full re-read of the journal.
            assertThat(server.stop()).as("exit status of a SIGTERM stop").isZero();
            server = start(mode, data, work, kills + 1);
            audit.full(server.http()).checkAgainst(load).checkReadSide(server.http(), load.accounts);
            final int cycleFiles = cycleFiles(data.resolve("journal"));
            assertThat(server.stop()).isZero();

            Work.figures(name, String.format(
                "mode=%s kill points=%d survived=%d, commands sent=%d acknowledged=%d rejected=%d in flight at a kill=%d " +
                    "(of which journaled and answered as replays on resend=%d), events=%d, acknowledged events lost=0, " +
                    "kills that left an unfinished snapshot file=%d, cycle files=%d, kills that left a cycle file " +
                    "without header=%d, max recovery=%d ms, seed=%d",
                mode, kills, kills, load.sent.get(), load.acked.size(), load.rejected.size(), unknownTotal,
                replayedAfterRestart, audit.size(), duringSnapshot, cycleFiles, unbornCycleFiles, maxRecoveryMs, seed));
            if (mode == Mode.ROLL_CYCLE)
            {
                assertThat(cycleFiles).as("cycle files written by a TEST_SECONDLY journal").isGreaterThan(kills);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        finally
        {
            server.close();
        }
        Work.delete(work);
    }

    private static StrandProcess start(final Mode mode, final Path data, final Path work, final int run)
    {
        final StrandProcess.Builder b = StrandProcess.builder(data).log(work.resolve("server-" + run + ".log"));
        if (mode == Mode.SNAPSHOTS)
        {
            b.flag("snapshot-every-events", 500).flag("snapshots-kept", 2);
        }
        return b.start();
    }

    /** Creates an empty journal with the given roll cycle; the server adopts it (a stored roll cycle wins). */
    static void seedJournal(final Path journalDir, final String rollCycle)
    {
        try (Journal journal = Journal.open(JournalConfig.builder(journalDir).rollCycle(JournalRollCycle.valueOf(rollCycle)).preallocate(false)
            .minFreeBytes(0).build()))
        {
            assertThat(journal.rollCycle()).isEqualTo(rollCycle);
        }
    }

    private static Thread snapshotLoop(final Http http, final AtomicBoolean running)
    {
        final Thread t = new Thread(() ->
        {
            while (running.get())
            {
                if (!postSnapshot(http))
                {
                    return;
                }
            }
        }, "snapshot-loop");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean postSnapshot(final Http http)
    {
        try
        {
            http.post("/admin/snapshots", null, "");
            return true;
        }
        catch (final UncheckedIOException ex)
        {
            return false;
        }
    }

    private static void join(final Thread t)
    {
        try
        {
            t.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean hasUnfinishedSnapshot(final Path snapshots)
    {
        if (!Files.isDirectory(snapshots))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(snapshots))
        {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static int cycleFiles(final Path journal)
    {
        try (Stream<Path> files = Files.list(journal))
        {
            return (int)files.filter(p -> p.toString().endsWith(".cq4")).count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static long recoveryMillis(final StrandProcess server)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("recovery=(\\d+) ms").matcher(server.log());
        long last = 0;
        while (m.find())
        {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    static List<String> lines(final String log, final String containing)
    {
        return log.lines().filter(l -> l.contains(containing)).toList();
    }
}
