package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of members other than a lone leader kill, three members as child JVMs on loopback:
 * <ul>
 * <li>a follower {@code kill -9}ed under load and restarted at once catches up (elections meanwhile are counted);
 * after a cluster snapshot, a follower whose data directory was wiped rejoins, rebuilds its journal from the cluster,
 * and ends identical; killed again after a second snapshot, it restarts from its own snapshot and the log after it;</li>
 * <li>two members down: the last one answers writes 503 with {@code Retry-After}: {@code OUTCOME_UNKNOWN} for
 * what its client still sent to the old leader, then {@code NO_LEADER} or {@code NO_QUORUM}, and {@code NO_QUORUM}
 * within 30 s and for the next write too; it journals none of those it refused, and keeps serving reads; a second member back,
 * writes go through again, and the unknown ones, resent with their ids, end acknowledged once. Both ways round: the
 * last one a follower, and the last one the leader.</li>
 * <li>a follower stopped (SIGSTOP) for 12 s, longer than Aeron's 10 s timeouts: when it runs again its Aeron client
 * closes; it must stay up and say it is out (readiness DOWN, writes 503 {@code HALTED}) while the others go on, and
 * rejoin when restarted.</li>
 * </ul>
 * Every test ends with {@link ClusterAudit} over the three members.
 */
class ClusterMembersIT
{
    private static final int ACCOUNTS = 16;
    /** Deposits per second under load: CPU left on 2 cores for the restarts. */
    private static final int RATE = 400;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Longer than Aeron's driver keepalive and client service timeouts (10 s each). */
    private static final Duration STALL = Duration.ofSeconds(12);

    @Test
    @Timeout(240)
    void shouldCatchUpAFollowerRestartedAtOnceAndRebuildAWipedOne(final TestInfo info)
    {
        followerKillsAndAWipe(info, 2);
    }

    @Test
    @Tag("slow")
    @Timeout(1200)
    void shouldCatchUpAfterTwentyFollowerKillsAndRebuildAWipedOne(final TestInfo info)
    {
        followerKillsAndAWipe(info, 20);
    }

    private static void followerKillsAndAWipe(final TestInfo info, final int kills)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("cluster-members-" + name);
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final List<Long> caughtUp = new ArrayList<>();
        try (StrandCluster cluster = StrandCluster.start(work, 3, seed))
        {
            final ClusterLoad load = new ClusterLoad(cluster, ACCOUNTS, seed);
            load.openAccounts();

            // A follower kill -9ed under load and restarted at once catches up.
            ClusterLoad.Writers writers = load.start(3, RATE);
            final int firstLeader = cluster.awaitLeader(LIMIT);
            final long electionsBefore = cluster.view(firstLeader).elections();
            int leaderChanges = 0;
            for (int k = 0; k < kills; k++)
            {
                Waits.sleep(300 + random.nextInt(700));
                final int leader = cluster.awaitLeader(LIMIT);
                final int follower = (leader + 1 + random.nextInt(2)) % 3;
                final long killedAt = System.nanoTime();
                cluster.kill9(follower);
                cluster.launch(follower);
                cluster.awaitCaughtUp(follower, LIMIT);
                caughtUp.add(ClusterFailoverIT.millis(System.nanoTime() - killedAt));
                leaderChanges += cluster.awaitLeader(LIMIT) == leader ? 0 : 1;
            }
            final int leader = cluster.awaitLeader(LIMIT);
            // Not asserted: a follower's kill costs no election, but a box whose run queue is far beyond its 2 cores
            // stalls a member past the 500 ms heartbeat timeout now and then (ClusterStabilityIT asserts none).
            final String elections = leader == firstLeader ? String.valueOf(cluster.view(leader).elections() - electionsBefore) :
                "(leader changed)";

            // A snapshot, then a follower's data directory wiped: it rebuilds its journal from the cluster.
            snapshot(cluster, leader);
            Waits.sleep(1_000);
            final int wiped = (leader + 1 + random.nextInt(2)) % 3;
            cluster.kill9(wiped);
            Work.delete(cluster.dataDir(wiped));
            final long restartedAt = System.nanoTime();
            cluster.launch(wiped);
            cluster.awaitCaughtUp(wiped, Duration.ofSeconds(90));
            final long rebuildMs = ClusterFailoverIT.millis(System.nanoTime() - restartedAt);
            writers.stop();
            final ClusterAudit.Result rebuilt = ClusterAudit.check(cluster, load);
            assertThat(cluster.process(wiped).log()).as("the wiped member's start").contains("clustered service started: no snapshot");

            // A snapshot the rebuilt member takes part in, then a kill: it restarts from its own snapshot.
            writers = load.start(3, RATE);
            Waits.sleep(1_000);
            snapshot(cluster, cluster.awaitLeader(LIMIT));
            Waits.sleep(500);
            cluster.kill9(wiped);
            cluster.launch(wiped);
            cluster.awaitCaughtUp(wiped, LIMIT);
            writers.stop();
            final ClusterAudit.Result result = ClusterAudit.check(cluster, load);
            assertThat(cluster.process(wiped).log()).as("the rebuilt member's restart").contains("clustered service started: snapshot");
            Work.figures(name, String.format("follower kills=%d (restarted at once), kill to caught up ms %s, elections " +
                    "meanwhile=%s, leader changes=%d; a wiped follower rebuilt %d events from the cluster (a snapshot taken " +
                    "before the wipe) in %d ms from its restart, identical; killed after a second snapshot, it restarted from " +
                    "its own snapshot and the log after it; %s, events=%d, journals identical, state hash %s equal, seed=%d",
                kills, ClusterFailoverIT.distribution(caughtUp), elections, leaderChanges, rebuilt.position(), rebuildMs,
                load.summary(), result.position(), result.stateHash(), seed));
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        Work.delete(work);
    }

    @Test
    @Timeout(180)
    void shouldRefuseWritesWithoutAMajorityKeepServingReadsAndRecover(final TestInfo info)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("cluster-members-" + name);
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        final Map<String, JsonObject> unknown = new LinkedHashMap<>();
        final List<String> figures = new ArrayList<>();
        try (StrandCluster cluster = StrandCluster.start(work, 3, seed))
        {
            final ClusterLoad load = new ClusterLoad(cluster, ACCOUNTS, seed);
            load.openAccounts();
            final ClusterLoad.Writers writers = load.start(3, RATE);
            Waits.sleep(1_500);
            writers.stop();
            cluster.awaitConverged(LIMIT);

            for (final boolean lastIsLeader : new boolean[] {false, true})
            {
                final int leader = cluster.awaitLeader(LIMIT);
                final int last = lastIsLeader ? leader : (leader + 1) % 3;
                final List<Integer> down = new ArrayList<>();
                for (int i = 0; i < 3; i++)
                {
                    if (i != last)
                    {
                        down.add(i);
                    }
                }
                final long position = cluster.view(last).journalPosition();
                down.forEach(cluster::kill9);
                final long killedAt = System.nanoTime();
                final Http http = cluster.http(last);

                // Writes, one every 250 ms without waiting for the answers: each 503 with Retry-After. OUTCOME_UNKNOWN
                // while this member's client still sends to the old leader (it cannot know that one died before it got
                // the command, so it may have been committed); then NO_LEADER or NO_QUORUM, and NO_QUORUM for every
                // write sent from the first one that got it on. Sending stops at the first NO_QUORUM answer.
                final List<Write> writes = new ArrayList<>();
                while (writes.stream().noneMatch(w -> w.isAnswered("NO_QUORUM")))
                {
                    if (System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(30))
                    {
                        throw new AssertionError("the last member (" + (lastIsLeader ? "the leader" : "a follower") +
                            ") answered no write NO_QUORUM within 30 s: " + timeline(writes, killedAt));
                    }
                    final JsonObject envelope = load.nextDeposit(random);
                    writes.add(new Write(envelope, http));
                    Waits.sleep(250);
                }
                long firstNoQuorumSent = Long.MAX_VALUE;
                for (final Write w : writes)
                {
                    final Http.Response r = w.answer.orTimeout(30, TimeUnit.SECONDS).join();
                    final String id = w.envelope.getString("commandId");
                    assertThat(r.statusCode()).as("a write to the last member with two of three down: %s; %s", r,
                        timeline(writes, killedAt)).isEqualTo(503);
                    assertThat(r.retryAfter()).as("Retry-After of %s", r).isNotNull();
                    assertThat(r.code()).as("the code of %s", r).isIn("OUTCOME_UNKNOWN", "NO_LEADER", "NO_QUORUM");
                    if ("OUTCOME_UNKNOWN".equals(r.code()))
                    {
                        unknown.put(id, w.envelope);
                    }
                    else
                    {
                        refused.add(id);
                    }
                    if ("NO_QUORUM".equals(r.code()))
                    {
                        firstNoQuorumSent = Math.min(firstNoQuorumSent, w.sentAt);
                    }
                }
                for (final Write w : writes)
                {
                    if (w.sentAt > firstNoQuorumSent)
                    {
                        assertThat(w.answer.join().code()).as("a write sent after the first that got NO_QUORUM: %s",
                            timeline(writes, killedAt)).isEqualTo("NO_QUORUM");
                    }
                }

                // Reads go on, from the member's own journal.
                final Http.Response events = http.get("/events?fromPosition=1&limit=10");
                assertThat(events.statusCode()).as("GET /events without a majority: %s", events).isEqualTo(200);
                assertThat(events.json().getJsonArray("events")).hasSize(10);
                final LedgerAudit audit = new LedgerAudit().full(http).checkAgainst(load.acked, load.rejected)
                    .checkReadSide(http, load.accounts);
                assertThat(audit.size()).as("events served without a majority").isEqualTo(position);
                figures.add(String.format("last member %s: writes (answer: sent ms after the kills, ms to answer) %s; " +
                        "reads served (%d events, read side equal to the replay)",
                    lastIsLeader ? "the leader" : "a follower", timeline(writes, killedAt), audit.size()));

                // A second member back: writes through the last one go through again.
                final long backAt = System.nanoTime();
                cluster.launch(down.get(0));
                final ClusterLoad.Outcome recovered = load.send(last, load.nextDeposit(random));
                assertThat(recovered.statusCode()).as("a write once a second member is back: %s", recovered.response()).isEqualTo(200);
                figures.add(String.format("a second member back: first write acknowledged %d ms after its restart",
                    ClusterFailoverIT.millis(System.nanoTime() - backAt)));
                cluster.launch(down.get(1));
                cluster.awaitCaughtUp(down.get(0), LIMIT);
                cluster.awaitCaughtUp(down.get(1), LIMIT);
            }
            // The writes whose outcome was unknown, resent with their ids: each ends acknowledged, once.
            int replayed = 0;
            for (final JsonObject envelope : unknown.values())
            {
                final ClusterLoad.Outcome outcome = load.send(0, envelope);
                assertThat(outcome.statusCode()).as("resending %s: %s", envelope, outcome.response()).isEqualTo(200);
                replayed += "true".equals(outcome.response().replayed()) ? 1 : 0;
            }
            figures.add(String.format("writes answered OUTCOME_UNKNOWN=%d, resent after recovery: %d of them had been " +
                "committed (answered as replays)", unknown.size(), replayed));
            final ClusterAudit.Result result = ClusterAudit.check(cluster, load);
            final LedgerAudit journal = new LedgerAudit().full(cluster.http(0));
            final List<String> journaledRefused = refused.stream().filter(id -> journal.lastPositionOf(id) != null).toList();
            assertThat(journaledRefused).as("writes answered NO_LEADER/NO_QUORUM that were journaled after all").isEmpty();
            Work.figures(name, String.join("; ", figures) + String.format("; refused writes=%d, none journaled; %s, events=%d, " +
                "journals identical, state hash %s equal, seed=%d", refused.size(), load.summary(), result.position(),
                result.stateHash(), seed));
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        Work.delete(work);
    }

    @Test
    @Timeout(180)
    void shouldHaltAMemberStalledPastAeronsTimeoutsAndTakeItBackAfterARestart(final TestInfo info)
    {
        final String name = info.getTestMethod().orElseThrow().getName();
        final Path work = Work.fresh("cluster-members-" + name);
        final long seed = Long.getLong("fault.seed", System.nanoTime());
        final Random random = new Random(seed);
        try (StrandCluster cluster = StrandCluster.start(work, 3, seed))
        {
            final ClusterLoad load = new ClusterLoad(cluster, ACCOUNTS, seed);
            load.openAccounts();
            final ClusterLoad.Writers writers = load.start(3, 150);
            final int leader = cluster.awaitLeader(LIMIT);
            final int stalled = (leader + 1 + random.nextInt(2)) % 3;

            // SIGSTOP for longer than Aeron's 10 s driver and client timeouts (a VM paused, a laptop asleep, a box so
            // loaded the process is not scheduled): when it runs again, Aeron finds its own timeouts passed and closes.
            signal(cluster.process(stalled), "STOP");
            Waits.sleep(STALL.toMillis());
            signal(cluster.process(stalled), "CONT");

            // The member must not crash (reading Aeron's counters after that close was a SIGSEGV) but say it is out:
            // readiness DOWN and writes 503 HALTED, saying why; the other two go on taking writes.
            final Http http = cluster.http(stalled);
            final Http.Response[] ready = new Http.Response[1];
            Waits.await("the stalled member to report itself halted").atMost(Duration.ofSeconds(30))
                .ignoreException(UncheckedIOException.class).failFast(() -> !cluster.isUp(stalled))
                .until(() -> (ready[0] = http.get("/health/ready")).statusCode() == 503 &&
                    "HALTED".equals(ready[0].json().getString("state")));
            assertThat(ready[0].json().getString("detail")).as("%s", ready[0]).contains("restart the process");
            final JsonObject refused = load.nextDeposit(random);
            final Http.Response write = http.command(refused);
            assertThat(write.statusCode()).as("a write to the halted member: %s", write).isEqualTo(503);
            assertThat(write.code()).as("a write to the halted member: %s", write).isEqualTo("HALTED");
            assertThat(write.retryAfter()).as("Retry-After of %s", write).isNotNull();
            final ClusterLoad.Outcome other = load.send((stalled + 1) % 3, load.nextDeposit(random));
            assertThat(other.statusCode()).as("a write through another member: %s", other.response()).isEqualTo(200);
            assertThat(cluster.isUp(stalled)).as("the stalled member's process is alive").isTrue();

            // Restarted, it rejoins and catches up.
            cluster.kill9(stalled);
            cluster.launch(stalled);
            cluster.awaitCaughtUp(stalled, LIMIT);
            writers.stop();
            final ClusterAudit.Result result = ClusterAudit.check(cluster, load);
            assertThat(new LedgerAudit().full(cluster.http(0)).lastPositionOf(refused.getString("commandId")))
                .as("the write the halted member refused, in the journal").isNull();
            Work.figures(name, String.format("a follower stopped (SIGSTOP) for %d s: alive afterwards, readiness %s, " +
                    "writes to it 503 HALTED; killed and restarted it caught up; %s, events=%d, journals identical, " +
                    "state hash %s equal, seed=%d", STALL.toSeconds(), ready[0].json().getString("detail"), load.summary(),
                result.position(), result.stateHash(), seed));
        }
        catch (final RuntimeException | Error ex)
        {
            System.err.println("seed=" + seed + " work=" + work);
            throw ex;
        }
        Work.delete(work);
    }

    /** {@code kill -SIGNAL pid} of a member this test started. */
    private static void signal(final StrandProcess process, final String signal)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
            {
                throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A write sent without waiting: when, its answer to come, and when that came. */
    private static final class Write
    {
        final JsonObject envelope;
        final long sentAt;
        final CompletableFuture<Http.Response> answer;
        private volatile long answeredAt;

        Write(final JsonObject envelope, final Http http)
        {
            this.envelope = envelope;
            this.sentAt = System.nanoTime();
            this.answer = http.commandAsync(envelope).whenComplete((r, t) -> answeredAt = System.nanoTime());
        }

        long answeredAt()
        {
            return answeredAt;
        }

        boolean isAnswered(final String code)
        {
            return answer.isDone() && !answer.isCompletedExceptionally() && code.equals(answer.join().code());
        }
    }

    /** The writes' answers in the order sent, runs of one code together: {@code NO_LEADER x4 (+250..+1000 ms, 5003-5010 ms)}. */
    private static String timeline(final List<Write> writes, final long killedAt)
    {
        final StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < writes.size())
        {
            final String code = code(writes.get(i));
            int j = i;
            long minTook = Long.MAX_VALUE;
            long maxTook = 0;
            while (j < writes.size() && code(writes.get(j)).equals(code))
            {
                final Write w = writes.get(j);
                if (w.answer.isDone() && !w.answer.isCompletedExceptionally())
                {
                    final long took = ClusterFailoverIT.millis(w.answeredAt() - w.sentAt);
                    minTook = Math.min(minTook, took);
                    maxTook = Math.max(maxTook, took);
                }
                j++;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(code).append(" x").append(j - i).append(" (sent +")
                .append(ClusterFailoverIT.millis(writes.get(i).sentAt - killedAt)).append("..+")
                .append(ClusterFailoverIT.millis(writes.get(j - 1).sentAt - killedAt)).append(" ms");
            if (minTook != Long.MAX_VALUE)
            {
                sb.append(", answered in ").append(minTook).append("-").append(maxTook).append(" ms");
            }
            sb.append(')');
            i = j;
        }
        return "[" + sb + "]";
    }

    private static String code(final Write w)
    {
        if (!w.answer.isDone())
        {
            return "(no answer yet)";
        }
        if (w.answer.isCompletedExceptionally())
        {
            return "(failed)";
        }
        final Http.Response r = w.answer.join();
        return r.code() != null ? r.code() : String.valueOf(r.statusCode());
    }

    /** Asks the leader for a cluster snapshot and waits until every member has logged taking it. */
    private static void snapshot(final StrandCluster cluster, final int leader)
    {
        final int[] before = new int[cluster.size()];
        for (int i = 0; i < before.length; i++)
        {
            before[i] = count(cluster.process(i).log(), "cluster snapshot taken");
        }
        final Http.Response r = cluster.http(leader).post("/admin/snapshots", null, "");
        assertThat(r.statusCode()).as("POST /admin/snapshots on the leader: %s", r).isEqualTo(200);
        Waits.await("every member to take the snapshot").atMost(LIMIT).ignoreException(UncheckedIOException.class).until(() ->
        {
            for (int i = 0; i < before.length; i++)
            {
                if (count(cluster.process(i).log(), "cluster snapshot taken") <= before[i])
                {
                    return false;
                }
            }
            return true;
        });
    }

    private static int count(final String log, final String text)
    {
        return (int)log.lines().filter(l -> l.contains(text)).count();
    }
}
