package dev.strand.fault;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * No spurious elections: three members on loopback (this 2-core box shared with the tests' own JVM), first idle, then
 * under a steady open-loop load, each phase watched every 500 ms. Every member must answer every time, name the same
 * leader, the leader must say it is the leader and the others followers, and no member's election count may move.
 * The figures give each phase's CPU per member and, since a starved box times out the 500 ms heartbeat as surely as
 * a bug would, the longest scheduling stall the test's own JVM saw and the load average. CI runs 30 s per phase,
 * {@code slow} 5 minutes.
 */
class ClusterStabilityIT
{
    private static final int ACCOUNTS = 16;
    private static final int WRITERS = 4;
    private static final int RATE = 400;

    @Test
    @Timeout(180)
    void shouldKeepOneLeaderIdleAndUnderSteadyLoad(final TestInfo info)
    {
        run(info, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @Test
    @Tag("slow")
    @Timeout(1200)
    void shouldKeepOneLeaderForFiveMinutesIdleAndFiveUnderLoad(final TestInfo info)
    {
        run(info, Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    private static void run(final TestInfo info, final Duration idle, final Duration loaded)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("cluster-stability-" + name);
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        try (StrandCluster cluster = StrandCluster.start(work, 3, seed))
        {
            final ClusterLoad load = new ClusterLoad(cluster, ACCOUNTS, seed);
            load.openAccounts();
            cluster.awaitConverged(Duration.ofSeconds(30));
            final int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            final long[] elections = new long[cluster.size()];
            final StrandCluster.View[] first = cluster.views();
            for (int i = 0; i < elections.length; i++)
            {
                elections[i] = first[i].elections();
            }

            final Phase idlePhase = watch(cluster, leader, elections, idle, "idle");
            final long before = load.commands.get();
            final ClusterLoad.Writers writers = load.start(WRITERS, RATE);
            final Phase loadedPhase = watch(cluster, leader, elections, loaded, "under load");
            writers.stop();
            final long sent = load.commands.get() - before;
            final ClusterAudit.Result result = ClusterAudit.check(cluster, load);
            Work.figures(name, String.format("idle %d s then %d s at %d deposits/s target (%.0f/s sent): one leader " +
                    "(member %d) throughout, elections per member %s unchanged, CPU per member %.1f%% of a core idle, " +
                    "%.1f%% under load; longest stall of a 10 ms sleep in the test JVM %d ms idle, %d ms under load; load " +
                    "average %s after idle, %s after load; %s, events=%d, journals identical, state hash %s equal, seed=%d",
                idle.toSeconds(), loaded.toSeconds(), RATE, sent / (double)loaded.toSeconds(), leader,
                Arrays.toString(elections), idlePhase.cpu(), loadedPhase.cpu(), idlePhase.maxStallMs(), loadedPhase.maxStallMs(),
                idlePhase.loadAverage(), loadedPhase.loadAverage(), load.summary(), result.position(), result.stateHash(), seed));
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        Work.delete(work);
    }

    /** The first three fields of /proc/loadavg. */
    static String loadAverage()
    {
        try
        {
            final String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final java.io.IOException ex)
        {
            return "(unknown)";
        }
    }

    /**
     * How late a thread of the test's JVM wakes from a 10 ms sleep, at most: the box's scheduling stalls, which a
     * member's consensus module suffers too (its heartbeat timeout is 500 ms).
     */
    private static final class Stalls
    {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long maxNs;

        Stalls()
        {
            thread = new Thread(() ->
            {
                while (running)
                {
                    final long t = System.nanoTime();
                    Waits.sleep(10);
                    maxNs = Math.max(maxNs, System.nanoTime() - t - 10_000_000L);
                }
            }, "stall-meter");
            thread.setDaemon(true);
            thread.start();
        }

        void stop()
        {
            running = false;
        }

        long maxMs()
        {
            return maxNs / 1_000_000;
        }
    }

    /**
     * Checks every 500 ms for {@code duration} that every member answers with the same leader, the right roles and
     * unchanged election counts.
     *
     * @return the mean CPU per member over the phase, in % of one core.
     */
    /** What a phase measured: CPU per member (% of a core), the longest stall, the load average at its end. */
    record Phase(double cpu, long maxStallMs, String loadAverage)
    {
    }

    private static Phase watch(final StrandCluster cluster, final int leader, final long[] elections, final Duration duration,
                               final String phase)
    {
        final Stalls stalls = new Stalls();
        try
        {
            final double cpu = watch(cluster, leader, elections, duration, phase, stalls);
            return new Phase(cpu, stalls.maxMs(), loadAverage());
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "; meanwhile the longest stall of a 10 ms sleep in the test's JVM " +
                "was " + stalls.maxMs() + " ms, load average " + loadAverage() + " (the heartbeat timeout is 500 ms)", ex);
        }
        finally
        {
            stalls.stop();
        }
    }

    private static double watch(final StrandCluster cluster, final int leader, final long[] elections, final Duration duration,
                                final String phase, final Stalls stalls)
    {
        final long start = System.nanoTime();
        final long[] cpuBefore = new long[cluster.size()];
        for (int i = 0; i < cpuBefore.length; i++)
        {
            cpuBefore[i] = cluster.process(i).cpu().toNanos();
        }
        final long end = start + duration.toNanos();
        while (System.nanoTime() < end)
        {
            final StrandCluster.View[] views = cluster.views();
            for (int i = 0; i < views.length; i++)
            {
                final StrandCluster.View v = views[i];
                final String at = String.format("%s, %d ms in: member %d: ", phase,
                    ClusterFailoverIT.millis(System.nanoTime() - start), i);
                if (v == null)
                {
                    throw new AssertionError(at + "does not answer GET /admin/cluster; " + Arrays.toString(views));
                }
                if (v.leaderMemberId() != leader || !v.role().equals(i == leader ? "leader" : "follower"))
                {
                    throw new AssertionError(at + "leadership changed: " + Arrays.toString(views));
                }
                if (v.elections() != elections[i])
                {
                    throw new AssertionError(at + "its election count moved from " + elections[i] + ": " + Arrays.toString(views));
                }
            }
            Waits.sleep(500);
        }
        final long wall = System.nanoTime() - start;
        long cpu = 0;
        for (int i = 0; i < cpuBefore.length; i++)
        {
            cpu += cluster.process(i).cpu().toNanos() - cpuBefore[i];
        }
        return 100.0 * cpu / cluster.size() / wall;
    }
}
