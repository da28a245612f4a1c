package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss, simulated with a file system that keeps everything unsynced in memory ({@link LazyFs}, after Jepsen's
 * LazyFS): the server runs with its data directory on it, writers send Deposits with known amounts and commandIds,
 * and at a random (seeded) moment the server and the file system are killed together; the backing directory then
 * holds exactly what was fsynced (file data) and what a directory fsync made durable (directory entries). The file
 * system is mounted again over it, the server restarted, and audited:
 * <ul>
 * <li>the server starts, every time (a refusal is counted and fails the test);</li>
 * <li>in {@code sync} durability: every acknowledged command is there exactly once at its acknowledged position;
 * positions and versions gapless; each Deposit's journaled amount is the amount sent; balances equal the seed plus
 * the journaled deposits, and the read side serves them;</li>
 * <li>a snapshot written just before the loss is either whole and used, or ignored (torn, absent, or ahead of the
 * journal), never half-used.</li>
 * </ul>
 * Rounds use the {@code TEST_SECONDLY} roll cycle and snapshots only every few seconds, so the snapshotter's journal
 * follower (which reads only when a snapshot is due) lags behind rolls; rounds where a roll happened while it lagged
 * are counted from the cycle files in the backing directory. Two controls prove the harness sees a loss when there is
 * one: {@code async} durability loses acknowledged commands, and a file system that starts lying about fsync loses
 * exactly the commands acknowledged while it lied.
 *
 * <p>The sync rounds alternate the file system's model of directory entries ({@link #dirEntries}): strict (a new
 * file is durable once its directory is fsynced; the power-on recovery deletes the others) and immediate (entries
 * durable at once, only data lost). {@code -Dfault.powerloss.dirEntries=strict|immediate} runs one model only.
 * A round whose restart had to complete the end-of-cycle
 * marker of a roll that commands had already been acknowledged after fails ({@code -Dfault.powerloss.requireDurableRolls=false} only counts it);
 * {@code -Dfault.keepWork=true} keeps the logs and backing directories of a passing run; {@code -Dfault.seed=...}
 * replays a run's seed (the moments of the losses still depend on timing).
 *
 * <p>Skipped (with the reason) without root, {@code /dev/fuse} or {@code python3-fusepy}; {@code .ci/run} installs
 * {@code fuse3 python3-fusepy}. See docs/reliability.md for the model's limits.
 */
@Timeout(600)
class PowerLossIT
{
    private static final int WRITERS = 4;
    private static final int ACCOUNTS = 16;
    private static final long SEED_BALANCE = 10_000;
    private static final Pattern READY = Pattern.compile("engine ready: journal at position (\\d+), snapshot at (\\d+)");
    private static final Pattern MARKER_COMPLETED = Pattern.compile(
        "cycle file (\\S+) had no end-of-cycle marker, though its records end cleanly at position (\\d+)");
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{13})\\.snap");
    private static final Pattern SECONDLY = Pattern.compile("(\\d{8}-\\d{6})T\\.cq4");
    private static final DateTimeFormatter SECONDLY_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private Path work;
    private final List<LazyFs> fileSystems = new ArrayList<>();
    private final List<StrandProcess> servers = new ArrayList<>();

    @BeforeEach
    void requireFuse(final TestInfo info)
    {
        final String missing = LazyFs.unavailable();
        if (missing != null)
        {
            System.err.println("PowerLossIT skipped: " + missing);
        }
        Assumptions.assumeTrue(missing == null, () -> "power-loss tests skipped: " + missing);
        work = Work.fresh("power-loss-" + info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void cleanUp()
    {
        servers.forEach(StrandProcess::close);
        fileSystems.forEach(LazyFs::close);
        servers.clear();
        fileSystems.clear();
    }

    /** Unmounts, then deletes the test's directory (kept when the test fails, or with -Dfault.keepWork=true). */
    private void passed()
    {
        cleanUp();
        if (!Boolean.getBoolean("fault.keepWork"))
        {
            Work.delete(work);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // sync: nothing acknowledged is lost, the server always starts
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void shouldKeepEveryAcknowledgedCommandAcrossPowerLossesInSyncMode(final TestInfo info)
    {
        syncRounds(info, 12, 3);
    }

    @Test
    @Tag("slow")
    @Timeout(2400)
    void shouldKeepEveryAcknowledgedCommandAcrossSixtyPowerLossesInSyncMode(final TestInfo info)
    {
        syncRounds(info, 60, 15);
    }

    private void syncRounds(final TestInfo info, final int rounds, final int minLaggingRolls)
    {
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final String dirEntries = System.getProperty("fault.powerloss.dirEntries", "alternate");
        final Stats stats = new Stats();
        final List<String> refusals = new ArrayList<>();
        try
        {
            int epoch = 0;
            Epoch e = newEpoch(++epoch, dirEntries(dirEntries, 1), "sync", "TEST_SECONDLY", seed);
            for (int round = 1; round <= rounds; round++)
            {
                final StrandProcess server;
                try
                {
                    server = e.start();
                }
                catch (final AssertionError refused)
                {
                    final String log = e.lastLog();
                    if (!log.contains("strand failed to start") && !log.contains("journal corrupted"))
                    {
                        throw refused;
                    }
                    refusals.add("round " + round + " (epoch " + epoch + "): " + firstLine(log, "failed to start"));
                    stats.refused++;
                    e.fs.kill();
                    // the journal is left as it was (for reading); the rounds go on over a fresh one
                    e = newEpoch(++epoch, dirEntries(dirEntries, round + 1), "sync", "TEST_SECONDLY", seed + epoch);
                    continue;
                }
                e.auditAfterRestart(server, round, stats, true);
                stats.rounds.merge(e.fs.dirEntries().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
                e.writeAndLosePower(server, random, round, stats, dirEntries(dirEntries, round + 1));
            }
            final StrandProcess last = e.start();
            e.auditAfterRestart(last, rounds + 1, stats, true);
            assertThat(last.stop()).isZero();
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        final String name = info.getTestMethod().orElseThrow().getName();
        Work.figures(name, String.format(Locale.ROOT,
            "mode=sync rounds=%d (by directory-entry model: %s) restarts refused=%d, commands acknowledged=%d lost=0 in flight at a " +
                "loss=%d (journaled, replayed on resend=%d), rounds with a roll while a reader lagged=%d (cycle rolls " +
                "after the follower's last read=%d, cycle files=%d), snapshots requested just before a loss=%d " +
                "(durable and used=%d, ignored=%s, not durable=%d), directory entries never made durable and deleted at " +
                "power-on=%s, end-of-cycle markers completed at a restart=%d (of which the roll had been acknowledged " +
                "before it was durable=%d%s), header-less cycle files removed=%d, torn tails dropped=%d, throughput on " +
                "lazyfs=%.0f cmds/s, seed=%d%s",
            rounds, stats.rounds, stats.refused, stats.acked, stats.inFlight,
            stats.replayed, stats.laggingRollRounds, stats.laggingRolls, stats.cycleFiles, stats.snapshotsAimed,
            stats.snapshotsUsed,
            stats.snapshotsIgnored.size() + (stats.snapshotsIgnored.isEmpty() ? "" : " " + stats.snapshotsIgnored), stats.snapshotsNotDurable, deletedAtRecovery(),
            stats.markersCompleted, stats.rollsAckedUndurable,
            stats.undurableRollExamples.isEmpty() ? "" : ", e.g. " + stats.undurableRollExamples, stats.unbornRemoved, stats.tornTails, stats.throughput(), seed,
            refusals.isEmpty() ? "" : "; refusals: " + refusals));
        assertThat(refusals).as("restarts refused after a power loss (sync mode); seed %d", seed).isEmpty();
        assertThat(stats.laggingRollRounds).as("rounds that rolled a cycle while a reader lagged").isGreaterThanOrEqualTo(minLaggingRolls);
        passed();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // controls: the harness sees a loss when there is one
    // ---------------------------------------------------------------------------------------------------------------

    /** Control (a): {@code async} durability survives a process crash, not a power loss. */
    @Test
    void shouldLoseAcknowledgedCommandsInAsyncMode(final TestInfo info)
    {
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Stats stats = new Stats();
        final int rounds = 3;
        final Epoch e = newEpoch(1, dirEntries(System.getProperty("fault.powerloss.dirEntries", "strict"), 1), "async",
            "FAST_DAILY", seed);
        for (int round = 1; round <= rounds; round++)
        {
            final StrandProcess server = e.start();
            e.auditAfterRestart(server, round, stats, false);
            e.writeAndLosePower(server, random, round, stats, e.fs.dirEntries());
        }
        final StrandProcess last = e.start();
        e.auditAfterRestart(last, rounds + 1, stats, false);
        assertThat(last.stop()).isZero();
        Work.figures(info.getTestMethod().orElseThrow().getName(), String.format(Locale.ROOT,
            "mode=async rounds=%d restarts refused=0, commands acknowledged=%d lost=%d (every round lost what it " +
                "acknowledged: %s), throughput on lazyfs=%.0f cmds/s, seed=%d",
            rounds, stats.acked, stats.lost, stats.lostPerRound, stats.throughput(), seed));
        assertThat(stats.lost).as("acknowledged commands an async server loses at a power loss").isPositive();
        passed();
    }

    /**
     * Control (b): in {@code sync} mode, writers pause (acknowledged set S1), the file system starts lying about
     * fsync, writers resume (set S2), the power goes: all of S1 is there, exactly S2 is lost.
     */
    @Test
    void shouldLoseExactlyTheCommandsAcknowledgedWhileFsyncLied(final TestInfo info)
    {
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Stats stats = new Stats();
        final int rounds = 2;
        final Epoch e = newEpoch(1, dirEntries(System.getProperty("fault.powerloss.dirEntries", "strict"), 1), "sync",
            "FAST_DAILY", seed);
        long s1Total = 0;
        long s2Total = 0;
        for (int round = 1; round <= rounds; round++)
        {
            final StrandProcess server = e.start();
            e.auditAfterRestart(server, round, stats, true);
            final Http http = server.http();
            Deposits writers = e.deposits(http, random);
            Waits.sleep(500 + random.nextInt(700));
            writers.stop();
            final Set<String> s1 = new HashSet<>(e.load.acked.keySet());
            final long s1End = e.load.acked.values().stream().mapToLong(LedgerLoad.Ack::position).max().orElse(0);
            assertThat(e.load.unknown).as("commands without an answer while the server was up").isEmpty();
            final JsonObject lying = e.fs.lie();
            final long start = System.nanoTime();
            writers = e.deposits(http, random);
            Waits.sleep(300 + random.nextInt(500));
            e.fs.powerLoss(server);
            writers.stop();
            stats.writeNanos += System.nanoTime() - start;
            e.fs.mount();
            final Set<String> s2 = new HashSet<>(e.load.acked.keySet());
            s2.removeAll(s1);
            stats.acked += s2.size();
            assertThat(s2).as("commands acknowledged while fsync lied").isNotEmpty();
            final Set<String> inFlight = new HashSet<>(e.load.unknown.keySet());

            final StrandProcess after = e.start();
            final LedgerAudit audit = new LedgerAudit().full(after.http());
            assertThat(audit.size()).as("the journal ends where the last command before the lie ended").isEqualTo(s1End);
            for (final String id : s1)
            {
                assertThat(audit.lastPositionOf(id)).as("command %s acknowledged before the lie", id)
                    .isEqualTo(e.load.acked.get(id).position());
            }
            final List<String> s2Present = s2.stream().filter(id -> audit.lastPositionOf(id) != null).toList();
            assertThat(s2Present).as("commands acknowledged while fsync lied that survived the loss").isEmpty();
            assertThat(inFlight.stream().filter(id -> audit.lastPositionOf(id) != null).toList())
                .as("commands in flight while fsync lied that survived").isEmpty();
            s1Total += s1.size();
            s2Total += s2.size();
            stats.lost += s2.size();
            stats.lostPerRound.add(s2.size());
            s2.forEach(e.load.acked::remove);
            e.audit = audit;
            e.load.resendUnknown(after.http(), audit);
            audit.read(after.http()).checkAgainst(e.load).checkReadSide(after.http(), e.load.accounts);
            e.checkAmounts(audit);
            Work.figures("lie round " + round, "lazyfs lied after " + lying.getLong("fsyncs") + " honest fsyncs; " +
                s1.size() + " acknowledged before (all present, journal ends at " + s1End + "), " + s2.size() +
                " acknowledged while it lied (all lost), " + inFlight.size() + " in flight (absent)");
            assertThat(after.stop()).isZero();
        }
        Work.figures(info.getTestMethod().orElseThrow().getName(), String.format(Locale.ROOT,
            "mode=sync with a lying fsync, rounds=%d restarts refused=0, acknowledged before the lie=%d (lost 0), " +
                "acknowledged while it lied=%d (lost %d: exactly those), seed=%d", rounds, s1Total, s2Total, stats.lost, seed));
        assertThat(stats.lost).isEqualTo(s2Total);
        passed();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // one data directory on one lazyfs, with its load and audit
    // ---------------------------------------------------------------------------------------------------------------

    private Epoch newEpoch(final int epoch, final LazyFs.DirEntries dirEntries, final String durability,
                           final String rollCycle, final long seed)
    {
        final LazyFs fs = new LazyFs(work, "fs-" + epoch, dirEntries).mount();
        fileSystems.add(fs);
        final Epoch e = new Epoch(epoch, fs, durability, rollCycle, new LedgerLoad(ACCOUNTS, seed));
        // a fresh install: the server creates its directories and journal, a clean stop, then sync(1): the durable
        // baseline every later power loss falls back to at worst
        final StrandProcess first = e.start();
        if (!"FAST_DAILY".equals(rollCycle))
        {
            assertThat(first.log()).contains("roll cycle " + rollCycle);
        }
        e.load.openAccounts(first.http());
        assertThat(first.stop()).isZero();
        fs.sync();
        return e;
    }

    private final class Epoch
    {
        final int number;
        final LazyFs fs;
        final String durability;
        final String rollCycle;
        final LedgerLoad load;
        final Map<String, Long> amounts = new ConcurrentHashMap<>();
        LedgerAudit audit = new LedgerAudit();
        StrandProcess current;
        int runs;
        List<SnapshotSeen> snapshotsAtStart = List.of();
        List<Path> tempsAtStart = List.of();
        /** The highest position acknowledged when the power went. */
        long maxAckedAtLoss;
        /** Snapshot files just before the last loss, when a snapshot was requested right before it. */
        Set<String> snapshotsBeforeAimedLoss;

        Epoch(final int number, final LazyFs fs, final String durability, final String rollCycle, final LedgerLoad load)
        {
            this.number = number;
            this.fs = fs;
            this.durability = durability;
            this.rollCycle = rollCycle;
            this.load = load;
        }

        Path data()
        {
            return fs.root().resolve("data");
        }

        Path backingData()
        {
            return fs.backing().resolve("data");
        }

        StrandProcess start()
        {
            final int run = runs++;
            lookAtSnapshots();
            if (!fs.mounted())
            {
                throw new IllegalStateException("lazyfs is not mounted on " + fs.root());
            }
            final StrandProcess.Builder b = StrandProcess.builder(data())
                .log(work.resolve("server-" + number + "-" + run + ".log"))
                .flag("durability", durability)
                .flag("roll-cycle", rollCycle)
                .flag("snapshot-every-events", 0)
                .flag("snapshot-every-seconds", 3)
                .flag("snapshots-kept", 3)
                .jvm("-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"));
            final StrandProcess p = b.launch();
            servers.add(p);
            current = p;
            p.awaitReady(java.time.Duration.ofSeconds(90));
            return p;
        }

        String lastLog()
        {
            return current == null ? "" : current.log();
        }

        Deposits deposits(final Http http, final Random random)
        {
            return new Deposits(http, load, amounts, WRITERS, random.nextLong());
        }

        /** After a restart: reads the journal and checks it; resends what was in flight; checks the snapshot. */
        void auditAfterRestart(final StrandProcess server, final int round, final Stats stats, final boolean mustKeepAcked)
        {
            final Http http = server.http();
            final String startLog = server.log();
            checkRollsWereDurable(startLog, round, stats);
            stats.unbornRemoved += KillNineIT.lines(startLog, "removing cycle file").size();
            stats.tornTails += KillNineIT.lines(startLog, "dropping torn-tail record").size();
            if (!mustKeepAcked)
            {
                audit = new LedgerAudit();
            }
            try
            {
                audit.read(http);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("round " + round + " (" + durability + "): " + ex.getMessage(), ex);
            }
            final List<String> lost = load.acked.keySet().stream().filter(id -> audit.lastPositionOf(id) == null).toList();
            if (!lost.isEmpty())
            {
                if (mustKeepAcked)
                {
                    throw new AssertionError("round " + round + " (" + durability + "): " + lost.size() + " of " +
                        load.acked.size() + " acknowledged commands lost at the power loss, e.g. " +
                        load.acked.get(lost.get(0)) + "; journal ends at " + audit.size() + "; dir-entry recovery: " +
                        fs.recoveries());
                }
                stats.lost += lost.size();
                stats.lostPerRound.add(lost.size());
                lost.forEach(load.acked::remove);
            }
            else if (!mustKeepAcked && round > 1)
            {
                stats.lostPerRound.add(0);
            }
            audit.checkAgainst(load);
            final int ackedBeforeResend = load.acked.size();
            stats.replayed += load.resendUnknown(http, audit);
            stats.acked += load.acked.size() - ackedBeforeResend;
            audit.read(http).checkAgainst(load).checkReadSide(http, load.accounts);
            checkAmounts(audit);
            if (round > 1 || snapshotsBeforeAimedLoss != null)
            {
                checkSnapshot(server, stats);
            }
        }

        /**
         * A cycle file whose end-of-cycle marker the restart had to complete (the roll signature) is fine when the
         * power went between the roll and the flush that makes it durable; but if a command at a later position was
         * acknowledged, the roll was acknowledged before it was durable (issue 9, part 1).
         */
        void checkRollsWereDurable(final String startLog, final int round, final Stats stats)
        {
            final Matcher m = MARKER_COMPLETED.matcher(startLog);
            while (m.find())
            {
                stats.markersCompleted++;
                final long end = Long.parseLong(m.group(2));
                if (maxAckedAtLoss > end)
                {
                    stats.rollsAckedUndurable++;
                    final String what = "round " + round + ": cycle " + m.group(1) + " ends at position " + end +
                        " without its end-of-cycle marker on disk, but position " + maxAckedAtLoss +
                        " (in a later cycle) had been acknowledged";
                    if (stats.undurableRollExamples.size() < 3)
                    {
                        stats.undurableRollExamples.add(what);
                    }
                    if (!"false".equals(System.getProperty("fault.powerloss.requireDurableRolls", "true")))
                    {
                        throw new AssertionError(what);
                    }
                }
            }
        }

        /** Each journaled Deposit carries the amount sent; balances are the seed plus the journaled deposits. */
        void checkAmounts(final LedgerAudit audit)
        {
            final Map<String, Long> expected = new HashMap<>();
            for (final LedgerAudit.Event e : audit.events())
            {
                if ("Deposited".equals(e.type()))
                {
                    final Long sent = amounts.get(e.commandId());
                    final long amount = sent != null ? sent : SEED_BALANCE;
                    if (sent == null && !e.commandId().startsWith("seed-"))
                    {
                        throw new AssertionError("a Deposit nobody sent: " + e);
                    }
                    assertThat(e.amount()).as("amount of %s", e.commandId()).isEqualTo(amount);
                    expected.merge(e.aggregateId(), amount, Long::sum);
                }
            }
            for (final String account : load.accounts)
            {
                assertThat(audit.balances().getOrDefault(account, 0L)).as("balance of %s", account)
                    .isEqualTo(expected.getOrDefault(account, 0L));
            }
        }

        /**
         * The newest snapshot file after recovery is either whole (container and CRC check out) and used, or ignored:
         * the server recovered from an older one (torn, or ahead of the journal). Counts the outcome of a snapshot
         * requested just before the loss.
         */
        void checkSnapshot(final StrandProcess server, final Stats stats)
        {
            final String log = server.log();
            final Matcher m = READY.matcher(log);
            assertThat(m.find()).as("engine ready line").isTrue();
            final long journalEnd = Long.parseLong(m.group(1));
            final long from = Long.parseLong(m.group(2));
            // what the server found at start (it may write a timed snapshot of its own while we audit)
            for (final Path temp : tempsAtStart)
            {
                assertThat(log).as("an unfinished snapshot file found at start").contains("deleting unfinished snapshot " + temp);
                assertThat(temp).doesNotExist();
            }
            String outcome = "none";
            if (!snapshotsAtStart.isEmpty())
            {
                final SnapshotSeen newest = snapshotsAtStart.get(0);
                if (newest.damage() == null && newest.position() <= journalEnd)
                {
                    assertThat(from).as("recovery must start from the newest whole snapshot %s", newest).isEqualTo(newest.position());
                    outcome = "used";
                }
                else
                {
                    assertThat(from).as("recovery must not use %s (%s)", newest,
                        newest.damage() == null ? "ahead of the journal" : newest.damage()).isLessThan(newest.position());
                    assertThat(log).contains("skipping snapshot " + newest.file());
                    outcome = newest.damage() == null ? "ahead of the journal" : newest.damage();
                }
                if (from > 0)
                {
                    assertThat(snapshotsAtStart.stream().filter(x -> x.damage() == null).map(SnapshotSeen::position).toList())
                        .as("recovery started from a whole snapshot").contains(from);
                }
            }
            if (snapshotsBeforeAimedLoss != null)
            {
                final boolean newOne = !snapshotsAtStart.isEmpty() &&
                    !snapshotsBeforeAimedLoss.contains(snapshotsAtStart.get(0).file().getFileName().toString());
                if (!newOne)
                {
                    stats.snapshotsNotDurable++;
                }
                else if ("used".equals(outcome))
                {
                    stats.snapshotsUsed++;
                }
                else if (!"none".equals(outcome))
                {
                    stats.snapshotsIgnored.add(outcome);
                }
                snapshotsBeforeAimedLoss = null;
            }
        }

        /** The snapshot files as the server will find them: newest first, each checked as the server checks it. */
        private void lookAtSnapshots()
        {
            final Path dir = data().resolve("snapshots");
            final List<SnapshotSeen> seen = new ArrayList<>();
            final List<Path> temps = new ArrayList<>();
            if (Files.isDirectory(dir))
            {
                for (final Path file : SnapshotFiles.list(dir))
                {
                    final Matcher name = SNAPSHOT_NAME.matcher(file.getFileName().toString());
                    assertThat(name.matches()).as("snapshot file name %s", file).isTrue();
                    seen.add(new SnapshotSeen(file, Long.parseLong(name.group(1)), SnapshotFiles.damage(file)));
                }
                temps.addAll(tempFiles(dir));
            }
            snapshotsAtStart = seen;
            tempsAtStart = temps;
        }

        /** Writers for a random while (some rounds end with a snapshot request), then the power goes. */
        void writeAndLosePower(final StrandProcess server, final Random random, final int round, final Stats stats,
                               final LazyFs.DirEntries next)
        {
            final Http http = server.http();
            final int ackedBefore = load.acked.size();
            maxAckedAtLoss = 0;
            final long start = System.nanoTime();
            final Deposits writers = deposits(http, random);
            Waits.sleep(1000 + random.nextInt(1500));
            CompletableFuture<?> request = null;
            if (random.nextInt(3) == 0)
            {
                snapshotsBeforeAimedLoss = names(data().resolve("snapshots"));
                stats.snapshotsAimed++;
                request = CompletableFuture.runAsync(() -> postSnapshot(http));
                // the snapshotter first catches up on the journal, then writes, fsyncs, renames, fsyncs the directory
                Waits.sleep(random.nextInt(60));
            }
            final String logBefore = server.log();
            fs.powerLoss(server);
            writers.stop();
            if (request != null)
            {
                request.exceptionally(t -> null);
            }
            stats.writeNanos += System.nanoTime() - start;
            stats.acked += load.acked.size() - ackedBefore;
            maxAckedAtLoss = load.acked.values().stream().mapToLong(LedgerLoad.Ack::position).max().orElse(0);
            stats.inFlight += load.unknown.size();
            if (rollCycle.equals("TEST_SECONDLY"))
            {
                final Instant lastRead = lastFollowerRead(logBefore);
                final List<Instant> cycles = cycleStarts(backingData().resolve("journal"));
                stats.cycleFiles = Math.max(stats.cycleFiles, cycles.size());
                final long after = cycles.stream().filter(c -> c.getEpochSecond() > lastRead.getEpochSecond()).count();
                stats.laggingRolls += after;
                if (after > 0)
                {
                    stats.laggingRollRounds++;
                }
            }
            fs.mount(next);
        }
    }

    /** The snapshotter's follower reads only when a snapshot is due: its last read is the last snapshot or the start. */
    private static Instant lastFollowerRead(final String log)
    {
        Instant last = Instant.EPOCH;
        for (final String line : log.lines().toList())
        {
            if (line.contains("engine ready: journal at position") || line.contains("snapshot at position"))
            {
                try
                {
                    last = max(last, Instant.parse(line.substring(0, line.indexOf(' '))));
                }
                catch (final RuntimeException ex)
                {
                    // not a timestamped line
                }
            }
        }
        return last;
    }

    private static Instant max(final Instant a, final Instant b)
    {
        return a.isAfter(b) ? a : b;
    }

    private static List<Instant> cycleStarts(final Path journal)
    {
        final List<Instant> starts = new ArrayList<>();
        for (final Path file : CycleFiles.list(journal))
        {
            final Matcher m = SECONDLY.matcher(file.getFileName().toString());
            if (m.matches())
            {
                starts.add(LocalDateTime.parse(m.group(1), SECONDLY_NAME).toInstant(ZoneOffset.UTC));
            }
        }
        return starts;
    }

    private static Set<String> names(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<Path> tempFiles(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void postSnapshot(final Http http)
    {
        try
        {
            http.post("/admin/snapshots", null, "");
        }
        catch (final UncheckedIOException ex)
        {
            // the power went under it
        }
    }

    private static String firstLine(final String log, final String containing)
    {
        return log.lines().filter(l -> l.contains(containing)).findFirst().orElse(log.lines().reduce((a, b) -> b).orElse(""));
    }

    /** What the power-on recoveries deleted: how many cycle files, snapshot files, others. */
    private String deletedAtRecovery()
    {
        final List<String> all = fileSystems.stream().flatMap(f -> f.deletedAtRecovery().stream()).toList();
        final long cycles = all.stream().filter(p -> p.endsWith(".cq4")).count();
        final long snapshots = all.stream().filter(p -> p.contains("/snapshots/")).count();
        return all.size() + " (cycle files " + cycles + ", snapshot files " + snapshots + ", other " +
            (all.size() - cycles - snapshots) + ")";
    }

    /**
     * The directory-entry model of the mount a round runs on: {@code strict}, {@code immediate}, or {@code alternate}
     * (odd rounds strict, even rounds immediate). Strict rounds check that new entries (cycle files, snapshots) are
     * made durable by a directory fsync; immediate rounds keep every entry, so a power loss right after a roll
     * leaves the new cycle file and the old one without its end-of-cycle marker on disk, which strict rounds cannot
     * produce (the new file vanishes with its unsynced directory entry).
     */
    private static LazyFs.DirEntries dirEntries(final String model, final int round)
    {
        final String m = "alternate".equals(model) ? (round % 2 == 1 ? "strict" : "immediate") : model;
        return LazyFs.DirEntries.valueOf(m.toUpperCase(Locale.ROOT));
    }

    /** A snapshot file as found before a start: its position (from the name) and what is wrong with it, if anything. */
    private record SnapshotSeen(Path file, long position, String damage)
    {
    }

    /** Counters of one test. */
    private static final class Stats
    {
        int refused;
        final Map<String, Integer> rounds = new java.util.TreeMap<>();
        int markersCompleted;
        int rollsAckedUndurable;
        final List<String> undurableRollExamples = new ArrayList<>();
        int unbornRemoved;
        int tornTails;
        long acked;
        long lost;
        final List<Integer> lostPerRound = new ArrayList<>();
        long inFlight;
        long replayed;
        int laggingRollRounds;
        long laggingRolls;
        int cycleFiles;
        int snapshotsAimed;
        int snapshotsUsed;
        final List<String> snapshotsIgnored = new ArrayList<>();
        int snapshotsNotDurable;
        long writeNanos;

        double throughput()
        {
            return writeNanos == 0 ? 0 : acked * 1e9 / writeNanos;
        }
    }

    /** Closed-loop writers of Deposits with known amounts; they stop on their own when the server is gone. */
    private static final class Deposits
    {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Deposits(final Http http, final LedgerLoad load, final Map<String, Long> amounts, final int count, final long seed)
        {
            final Random seeds = new Random(seed);
            for (int w = 0; w < count; w++)
            {
                final Random random = new Random(seeds.nextLong());
                final Thread t = new Thread(() ->
                {
                    while (!stop.get())
                    {
                        final long amount = 1 + random.nextInt(1000);
                        final JsonObject envelope = Http.deposit(load.accounts.get(random.nextInt(load.accounts.size())), amount);
                        final String id = envelope.getString("commandId");
                        amounts.put(id, amount);
                        load.send(http, envelope);
                        if (load.unknown.containsKey(id))
                        {
                            return; // the server is gone
                        }
                    }
                }, "deposit-writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void stop()
        {
            stop.set(true);
            for (final Thread t : threads)
            {
                try
                {
                    t.join(30_000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive())
                {
                    throw new AssertionError(t.getName() + " did not stop");
                }
            }
        }
    }
}
