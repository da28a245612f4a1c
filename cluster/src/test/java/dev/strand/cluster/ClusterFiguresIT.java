package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.spi.MapFieldReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Figures of three members in one JVM (slow: run with {@code -Dgroups=slow -Dit.test=ClusterFiguresIT}): the CPU an
 * idle cluster takes and the closed-loop throughput through one client, for the idle strategy given by
 * {@code -Dstrand.cluster.idle} (backoff, sleep-100us, sleep-1ms).
 */
@Tag("slow")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterFiguresIT
{
    private static final int ACCOUNTS = 1_000;

    @TempDir
    Path dir;

    @Test
    void shouldReportIdleCpuAndThroughput() throws Exception
    {
        final String idle = System.getProperty("strand.cluster.idle", ClusterNodeConfig.DEFAULT_IDLE_STRATEGY);
        final int inFlight = Integer.getInteger("strand.cluster.inFlight", 256);
        final long seconds = Long.getLong("strand.cluster.seconds", 10);
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir, idle, dev.strand.engine.api.EngineConfig.SNAPSHOT_EVERY_EVENTS.defaultValue()))
        {
            cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            for (int a = 0; a < ACCOUNTS; a++)
            {
                client.submit("open-" + a, "OpenAccount", "acc-" + a, -1, null, new MapFieldReader(Map.of()));
            }
            Thread.sleep(3_000);
            final long termsBefore = cluster.node(0).service().leadershipTerms();
            final long idleSeconds = Long.getLong("strand.cluster.idleSeconds", seconds);
            final double idleCores = cpuCores(idleSeconds);
            final long idleElections = cluster.node(0).service().leadershipTerms() - termsBefore;

            final Semaphore window = new Semaphore(inFlight);
            final AtomicLong accepted = new AtomicLong();
            final AtomicLong failed = new AtomicLong();
            final long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long n = 0;
            long measuredFrom = 0;
            long startNs = 0;
            final long cpuStart;
            while (System.nanoTime() < warmupEnd)
            {
                n = send(client, window, accepted, failed, n);
            }
            measuredFrom = accepted.get();
            startNs = System.nanoTime();
            cpuStart = processCpuNanos();
            final long end = startNs + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end)
            {
                n = send(client, window, accepted, failed, n);
            }
            final long count = accepted.get() - measuredFrom;
            final double elapsed = (System.nanoTime() - startNs) / 1e9;
            final double loadCores = (processCpuNanos() - cpuStart) / 1e9 / elapsed;
            window.acquire(inFlight);
            window.release(inFlight);
            final int rate = Integer.getInteger("strand.cluster.rate", 5_000);
            final org.HdrHistogram.Histogram latency = new org.HdrHistogram.Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            final long openCpu = processCpuNanos();
            final long openStart = System.nanoTime();
            final long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            final long total = rate * seconds;
            final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch((int)total);
            for (long i = 0; i < total; i++)
            {
                final long intended = openStart + i * interval;
                long wait;
                while ((wait = intended - System.nanoTime()) > 0)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                client.submit("o-" + i, "Deposit", "acc-" + (i % ACCOUNTS), Command.ANY_VERSION, null,
                    new MapFieldReader(Map.of("amount", 1L))).whenComplete((r, t) ->
                    {
                        if (t == null && r.accepted())
                        {
                            synchronized (latency)
                            {
                                latency.recordValue(Math.min(System.nanoTime() - intended, latency.getHighestTrackableValue()));
                            }
                        }
                        else
                        {
                            failed.incrementAndGet();
                        }
                        done.countDown();
                    });
            }
            done.await(60, TimeUnit.SECONDS);
            final double openCores = (processCpuNanos() - openCpu) / 1e9 / ((System.nanoTime() - openStart) / 1e9);
            System.out.printf("cluster figures (%s): open loop %d deposits/s: P50 %.2f ms, P99 %.2f ms, max %.1f ms, " +
                "CPU %.0f%% of one core%n", idle, rate, latency.getValueAtPercentile(50) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6, openCores * 100);
            System.out.printf("cluster figures (%s, %d in flight): idle CPU %.1f%% of one core for the JVM (three " +
                "members and the client), %.1f%% per member, %d elections in %d s idle; closed loop %.0f deposits/s, " +
                "CPU under load %.0f%% of one core; %d failed; %d leadership terms in the whole run%n", idle, inFlight,
                idleCores * 100, idleCores * 100 / 3, idleElections, idleSeconds, count / elapsed, loadCores * 100,
                failed.get(), cluster.node(0).service().leadershipTerms());
            assertThat(failed.get()).isZero();
            assertThat(count).isPositive();
        }
    }

    private static long send(final ClusterClient client, final Semaphore window, final AtomicLong accepted,
        final AtomicLong failed, final long n) throws InterruptedException
    {
        window.acquire();
        client.submit("d-" + n, "Deposit", "acc-" + (n % ACCOUNTS), Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 1L))).whenComplete((CommandResult r, Throwable t) ->
            {
                if (t == null && r.accepted())
                {
                    accepted.incrementAndGet();
                }
                else
                {
                    failed.incrementAndGet();
                }
                window.release();
            });
        return n + 1;
    }

    private static double cpuCores(final long seconds) throws InterruptedException
    {
        final long cpu = processCpuNanos();
        final long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        return (double)(processCpuNanos() - cpu) / (System.nanoTime() - start);
    }

    private static long processCpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
