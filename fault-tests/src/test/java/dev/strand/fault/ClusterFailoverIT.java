package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three cluster members as child JVMs on loopback; the leader {@code kill -9}ed again and again.
 *
 * <p>Leader kills under load: writers send Deposits to every member's gateway and retry each with its command id
 * until it is definite; the leader is killed at a random moment, restarted over its data directory 0-1.2 s later
 * (Aeron's archive mark file of the dead process must not stop it: docs/cluster.md, trap 1), and must catch up
 * before the next kill. For each kill: kill to the first acknowledged write sent after it (the failover time, what a
 * client sees), kill to a survivor saying it is the leader, kill to the restarted member caught up. After the run,
 * {@link ClusterAudit}: every acknowledged command exactly once on every member, the journals identical, balances the
 * sum of the acknowledged deposits, equal state hashes.
 *
 * <p>Idempotency across failover: commands sent to the leader's own gateway, the leader killed with them in flight,
 * each unanswered one retried with its command id on another member: one the cluster had committed must come back
 * as the original result ({@code Idempotent-Replayed: true}, the original position), one it had not is executed now,
 * once.
 */
class ClusterFailoverIT
{
    private static final int ACCOUNTS = 32;
    private static final int WRITERS = 4;
    /** Deposits per second over all writers: enough to have commands in flight at every kill, and CPU left on 2 cores for the restarts. */
    private static final int RATE = 400;
    private static final Duration ROUND_LIMIT = Duration.ofSeconds(30);

    @Test
    @Timeout(240)
    void shouldKeepEveryAcknowledgedCommandExactlyOnceOnEveryMemberAcrossLeaderKills(final TestInfo info)
    {
        leaderKills(info, 5);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void shouldSurviveFiftyLeaderKills(final TestInfo info)
    {
        leaderKills(info, 50);
    }

    private static void leaderKills(final TestInfo info, final int rounds)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("cluster-failover-" + name);
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final List<Long> failover = new ArrayList<>();
        final List<Long> newLeader = new ArrayList<>();
        final List<Long> restartDelay = new ArrayList<>();
        final List<Long> listening = new ArrayList<>();
        final List<Long> caughtUp = new ArrayList<>();
        try (StrandCluster cluster = StrandCluster.start(work, 3, seed))
        {
            final ClusterLoad load = new ClusterLoad(cluster, ACCOUNTS, seed);
            load.openAccounts();
            final ClusterLoad.Writers writers = load.start(WRITERS, RATE);
            for (int k = 1; k <= rounds; k++)
            {
                Waits.sleep(300 + random.nextInt(700));
                final int old = cluster.awaitLeader(ROUND_LIMIT);
                final long restartAfterMs = random.nextInt(1200);
                final long killedAt = load.mark();
                cluster.kill9(old);
                for (int i = 0; i < cluster.size(); i++)
                {
                    if (i != old)
                    {
                        load.probe(i);
                    }
                }
                // the restart on a thread of its own, so that a slow answer to the polls below cannot delay it
                final CompletableFuture<Long> restarted = new CompletableFuture<>();
                final Thread restarter = new Thread(() ->
                {
                    try
                    {
                        LockSupport.parkNanos(killedAt + TimeUnit.MILLISECONDS.toNanos(restartAfterMs) - System.nanoTime());
                        cluster.launch(old);
                        restarted.complete(System.nanoTime());
                    }
                    catch (final RuntimeException | Error ex)
                    {
                        restarted.completeExceptionally(ex);
                    }
                }, "restart-member-" + old);
                restarter.setDaemon(true);
                restarter.start();
                long electedAt = -1;
                while (!restarted.isDone() || electedAt < 0 || load.firstAckSinceMark() < 0)
                {
                    if (System.nanoTime() - killedAt > ROUND_LIMIT.toNanos())
                    {
                        throw new AssertionError("kill " + k + " of member " + old + ": no write accepted within " +
                            ROUND_LIMIT + " (" + load.summary() + "); members: " + Arrays.toString(cluster.views()));
                    }
                    if (electedAt < 0)
                    {
                        for (int i = 0; i < cluster.size(); i++)
                        {
                            final StrandCluster.View v = i == old ? null : cluster.view(i);
                            if (v != null && v.isLeader())
                            {
                                electedAt = System.nanoTime();
                            }
                        }
                    }
                    Waits.sleep(5);
                }
                final long restartedAt = restarted.join();
                failover.add(millis(load.firstAckSinceMark() - killedAt));
                newLeader.add(millis(electedAt - killedAt));
                restartDelay.add(millis(restartedAt - killedAt));
                assertThat(millis(restartedAt - killedAt)).as("restart delay after kill %d (ms)", k).isLessThan(2_000);
                cluster.awaitListening(old);
                listening.add(millis(System.nanoTime() - restartedAt));
                cluster.awaitCaughtUp(old, Duration.ofSeconds(60));
                caughtUp.add(millis(System.nanoTime() - killedAt));
                load.checkHealthy();
            }
            writers.stop();
            final ClusterAudit.Result result = ClusterAudit.check(cluster, load);
            final int markFilesRemoved = countInLogs(cluster, "removed the mark file left by", "archive-mark.dat");
            Work.figures(name, String.format(
                "leader kills=%d, kill to first acknowledged write (failover) ms %s, kill to a survivor saying leader ms %s, " +
                    "restart delay ms %s, restart to listening ms %s, kill to the restarted member caught up ms %s, %s, " +
                    "events=%d on each of 3 members, journals identical, state hash %s equal, acknowledged lost or doubled=0, " +
                    "restarts that removed a stale archive mark file=%d, seed=%d",
                rounds, distribution(failover), distribution(newLeader), distribution(restartDelay), distribution(listening),
                distribution(caughtUp), load.summary(), result.position(), result.stateHash(), markFilesRemoved, seed));
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work + " failover so far ms " + failover);
            throw ex;
        }
        Work.delete(work);
    }

    @Test
    @Timeout(180)
    void shouldAnswerARetryOnAnotherMemberWithTheOriginalResultAfterTheLeaderDiedWithItInFlight(final TestInfo info)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("cluster-failover-" + name);
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final int rounds = 2;
        int inFlightTotal = 0;
        int committedUnanswered = 0;
        int executedOnRetry = 0;
        try (StrandCluster cluster = StrandCluster.start(work, 3, seed))
        {
            final ClusterLoad load = new ClusterLoad(cluster, ACCOUNTS, seed);
            load.openAccounts();
            for (int round = 1; round <= rounds; round++)
            {
                final int old = cluster.awaitLeader(ROUND_LIMIT);
                final InFlight inFlight = new InFlight(cluster.http(old), load, new Random(random.nextLong()), 48);
                Waits.sleep(300 + random.nextInt(500));
                cluster.kill9(old);
                final Map<String, JsonObject> unanswered = inFlight.stopAndCollect();
                inFlightTotal += unanswered.size();

                // Once the new leader has committed a write of its own term, whatever of the old term it had is
                // committed and journaled before it, and nothing else of the old term ever will be.
                final int leader = cluster.awaitLeader(ROUND_LIMIT);
                final ClusterLoad.Outcome own = load.send(leader, load.nextDeposit(random));
                assertThat(own.statusCode()).as("a write through the new leader %d", leader).isEqualTo(200);
                final LedgerAudit journal = new LedgerAudit().full(cluster.http(leader));
                cluster.launch(old);

                int next = 0;
                for (final Map.Entry<String, JsonObject> e : unanswered.entrySet())
                {
                    final Long journaled = journal.lastPositionOf(e.getKey());
                    final int member = survivor(old, next++);
                    final ClusterLoad.Outcome outcome = load.send(member, e.getValue());
                    final Http.Response r = outcome.response();
                    assertThat(r.statusCode()).as("retry of %s on member %d: %s", e.getKey(), member, r).isEqualTo(200);
                    if (journaled != null)
                    {
                        committedUnanswered++;
                        assertThat(r.replayed()).as("retry of %s, committed before the kill: %s", e.getKey(), r).isEqualTo("true");
                        assertThat(r.json().getLong("position")).as("position of the replayed %s", e.getKey()).isEqualTo(journaled);
                    }
                    else
                    {
                        executedOnRetry++;
                        if (!outcome.ambiguousBefore())
                        {
                            assertThat(r.replayed()).as("retry of %s, not committed before the kill: %s", e.getKey(), r).isNull();
                        }
                    }
                }
                cluster.awaitCaughtUp(old, Duration.ofSeconds(60));
            }
            final ClusterAudit.Result result = ClusterAudit.check(cluster, load);
            Work.figures(name, String.format(
                "rounds=%d, commands to the leader's gateway unanswered at its kill=%d: committed (retry answered as a " +
                    "replay with the original position)=%d, not committed (executed once on retry)=%d; %s; events=%d, " +
                    "journals identical, each command once, state hash %s equal, seed=%d",
                rounds, inFlightTotal, committedUnanswered, executedOnRetry, load.summary(), result.position(),
                result.stateHash(), seed));
            assertThat(inFlightTotal).as("commands in flight at the kills (else the test proved nothing)").isPositive();
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        Work.delete(work);
    }

    /** The n-th of the two members other than {@code dead}, alternately. */
    private static int survivor(final int dead, final int n)
    {
        final int[] others = {(dead + 1) % 3, (dead + 2) % 3};
        return others[n % 2];
    }

    /**
     * Chains of Deposits sent to one gateway without waiting in between: each chain sends its next command when the
     * last is answered, so {@code chains} are in flight at any moment.
     */
    private static final class InFlight
    {
        private final Http http;
        private final ClusterLoad load;
        private final Random random;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<String, JsonObject> pending = new ConcurrentHashMap<>();
        private final Map<String, JsonObject> failed = new ConcurrentHashMap<>();
        private final List<CompletableFuture<Void>> chains = new ArrayList<>();

        InFlight(final Http http, final ClusterLoad load, final Random random, final int chains)
        {
            this.http = http;
            this.load = load;
            this.random = random;
            for (int i = 0; i < chains; i++)
            {
                final CompletableFuture<Void> done = new CompletableFuture<>();
                this.chains.add(done);
                next(done);
            }
        }

        private void next(final CompletableFuture<Void> done)
        {
            if (stop.get())
            {
                done.complete(null);
                return;
            }
            final JsonObject envelope;
            synchronized (random)
            {
                envelope = load.nextDeposit(random);
            }
            final String id = envelope.getString("commandId");
            pending.put(id, envelope);
            http.commandAsync(envelope).whenComplete((r, failure) ->
            {
                pending.remove(id);
                if (failure != null)
                {
                    failed.put(id, envelope);
                    done.complete(null);
                    return;
                }
                load.file(envelope, r);
                if (r.statusCode() != 200)
                {
                    failed.put(id, envelope);
                }
                next(done);
            });
        }

        /** After the kill: every chain ended; the commands that got no 200, to retry. */
        Map<String, JsonObject> stopAndCollect()
        {
            stop.set(true);
            CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
            final Map<String, JsonObject> all = new HashMap<>(failed);
            all.putAll(pending);
            all.keySet().removeAll(Set.copyOf(load.acked.keySet()));
            return all;
        }
    }

    static long millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** min / median / P90 / max of a list of figures. */
    static String distribution(final List<Long> values)
    {
        if (values.isEmpty())
        {
            return "(none)";
        }
        final List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return String.format("min %d / median %d / P90 %d / max %d (n=%d)", sorted.get(0), percentile(sorted, 50),
            percentile(sorted, 90), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static long percentile(final List<Long> sorted, final int p)
    {
        final int index = (int)Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** Lines of every launch's log that contain all of {@code texts}. */
    static int countInLogs(final StrandCluster cluster, final String... texts)
    {
        int n = 0;
        for (final Path log : cluster.logs())
        {
            n += (int)StrandProcess.readText(log).lines().filter(l -> Arrays.stream(texts).allMatch(l::contains)).count();
        }
        return n;
    }
}
