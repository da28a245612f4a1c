package dev.strand.cluster;

import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.spi.MapFieldReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Three real Aeron Cluster members in this JVM on loopback; each test bounded in time. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterIT
{
    @TempDir
    Path dir;

    @Test
    void shouldJournalIdenticallyOnEveryMemberAndReplayARepeatedCommand() throws Exception
    {
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir))
        {
            cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            open(client, "acc-2");
            final List<CompletableFuture<CommandResult>> deposits = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                deposits.add(deposit(client, "dep-" + i, i % 2 == 0 ? "acc-1" : "acc-2", 10));
            }
            for (final CompletableFuture<CommandResult> f : deposits)
            {
                assertThat(f.get(30, TimeUnit.SECONDS).accepted()).isTrue();
            }
            final BatchResult batch = client.submitBatch(List.of(
                new ClusterClient.Item("t-1", "Transfer", "acc-1", Command.ANY_VERSION, null,
                    new MapFieldReader(Map.of("to", "acc-2", "amount", 5L))),
                new ClusterClient.Item("w-1", "Withdraw", "acc-2", Command.ANY_VERSION, null,
                    new MapFieldReader(Map.of("amount", 1_000_000L)))), true).get(30, TimeUnit.SECONDS);
            assertThat(batch.failedIndex()).as("the overdraft fails the atomic batch").isEqualTo(1);

            final CommandResult first = deposit(client, "dep-0", "acc-1", 10).get(30, TimeUnit.SECONDS);
            assertThat(first.replayed()).isTrue();
            assertThat(first.events()).hasSize(1);
            final CommandResult original = deposits.get(0).get();
            assertThat(first.position()).isEqualTo(original.position());
            assertThat(first.events().get(0).data()).isEqualTo(original.events().get(0).data());

            cluster.awaitJournals(deposits.get(199).get().position(), 30_000);
            assertIdentical(cluster);
        }
    }

    @Test
    void shouldJournalEachCommandsTraceparentOnEveryMember() throws Exception
    {
        final String tp1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        final String tp2 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir))
        {
            cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            open(client, "acc-2");
            final CommandResult traced = client.send(client.newCommand("dep-t", null, "Deposit", "acc-1", Command.ANY_VERSION,
                null, new MapFieldReader(Map.of("amount", 5L))).withTraceparent(tp1)).get(30, TimeUnit.SECONDS);
            assertThat(traced.events()).extracting(RecordedEvent::traceparent).as("the leader's reply").containsExactly(tp1);
            final BatchResult batch = client.send(List.of(
                client.newCommand("tr-t", null, "Transfer", "acc-1", Command.ANY_VERSION, null,
                    new MapFieldReader(Map.of("to", "acc-2", "amount", 2L))).withTraceparent(tp2),
                client.newCommand("dep-u", null, "Deposit", "acc-2", Command.ANY_VERSION, null,
                    new MapFieldReader(Map.of("amount", 1L)))), true).get(30, TimeUnit.SECONDS);
            assertThat(batch.failedIndex()).isEqualTo(-1);
            assertThat(batch.results().get(0).events()).extracting(RecordedEvent::traceparent).containsOnly(tp2);
            assertThat(batch.results().get(1).events()).extracting(RecordedEvent::traceparent).containsOnly((String)null);
            final CommandResult replay = client.send(client.newCommand("dep-t", null, "Deposit", "acc-1", Command.ANY_VERSION,
                null, new MapFieldReader(Map.of("amount", 5L))).withTraceparent(tp2)).get(30, TimeUnit.SECONDS);
            assertThat(replay.replayed()).isTrue();
            assertThat(replay.events()).extracting(RecordedEvent::traceparent).as("a replay: the original's trace")
                .containsExactly(tp1);

            final long last = batch.results().get(1).position();
            cluster.awaitJournals(last, 30_000);
            for (int i = 0; i < 3; i++)
            {
                final List<String> journal = ThreeNodeCluster.journalOf(cluster.node(i));
                assertThat(journal).as("member " + i).hasSize((int)last);
                assertThat(journal.get((int)traced.position() - 1)).as("member " + i).endsWith(" " + tp1);
                for (final var e : batch.results().get(0).events())
                {
                    assertThat(journal.get((int)e.position() - 1)).as("member " + i).endsWith(" " + tp2);
                }
                assertThat(journal.get((int)last - 1)).as("member " + i).endsWith(" null");
            }
            assertIdentical(cluster);
        }
    }

    @Test
    void shouldReplayARestartedMemberWithoutWritingItsJournalTwiceAndLoadASnapshot() throws Exception
    {
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir))
        {
            final ClusterNode leader = cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            long last = 0;
            for (int i = 0; i < 100; i++)
            {
                last = deposit(client, "a-" + i, "acc-1", 1).get(30, TimeUnit.SECONDS).position();
            }
            cluster.awaitJournals(last, 30_000);
            final int follower = (leader.memberId() + 1) % 3;
            final List<String> before = ThreeNodeCluster.journalOf(cluster.node(follower));

            cluster.stop(follower);
            cluster.restart(follower);
            cluster.awaitJournals(last, 30_000);
            final StrandClusteredService restarted = cluster.node(follower).service();
            assertThat(restarted.snapshotLoadedPosition()).as("no snapshot yet: the log replays from its start")
                .isEqualTo(-1);
            assertThat(restarted.skippedJournalEvents()).as("every replayed event was already journaled")
                .isEqualTo(last);
            assertThat(ThreeNodeCluster.journalOf(cluster.node(follower))).isEqualTo(before);

            assertThat(leader.requestSnapshot()).isTrue();
            ThreeNodeCluster.await(30_000, () ->
            {
                for (int i = 0; i < 3; i++)
                {
                    if (cluster.node(i).service().snapshotsTaken() == 0)
                    {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < 20; i++)
            {
                last = deposit(client, "b-" + i, "acc-1", 1).get(30, TimeUnit.SECONDS).position();
            }
            cluster.awaitJournals(last, 30_000);
            cluster.stop(follower);
            cluster.restart(follower);
            cluster.awaitJournals(last, 30_000);
            final StrandClusteredService fromSnapshot = cluster.node(follower).service();
            assertThat(fromSnapshot.snapshotLoadedPosition()).as("the snapshot was taken after 101 events")
                .isEqualTo(101);
            assertThat(fromSnapshot.skippedJournalEvents()).as("only the tail after the snapshot replays")
                .isEqualTo(last - 101);
            final CommandResult repeat = deposit(client, "a-7", "acc-1", 1).get(30, TimeUnit.SECONDS);
            assertThat(repeat.replayed()).as("the idempotency window came back with the snapshot").isTrue();
            assertIdentical(cluster);
        }
    }

    @Test
    void shouldRestartAtOnceOverTheArchiveMarkFileACrashLeaves() throws Exception
    {
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir))
        {
            final ClusterNode leader = cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            final int follower = (leader.memberId() + 1) % 3;
            final Path mark = dir.resolve("node" + follower).resolve("cluster/archive/archive-mark.dat");
            Thread.sleep(1_500);
            final byte[] live = java.nio.file.Files.readAllBytes(mark);
            cluster.stop(follower);
            // what kill -9 leaves: the mark file as the running archive last wrote it (its activity time is fresh)
            java.nio.file.Files.write(mark, live);
            cluster.restart(follower);
            final long last = deposit(client, "after-restart", "acc-1", 5).get(30, TimeUnit.SECONDS).position();
            cluster.awaitJournals(last, 30_000);
            assertIdentical(cluster);
        }
    }

    @Test
    void shouldStopTheServiceOfAMemberWhoseJournalIsNotFromThisCluster() throws Exception
    {
        // a journal with no cluster log beside it is refused at start (ClusterDataDirectoryTest); one swapped in under
        // a member that has its cluster log is found when the log replays over it
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir))
        {
            final ClusterNode leader = cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            final int member = cluster.node(1) == leader ? 2 : 1;
            cluster.stop(member);
            final java.nio.file.Path journalDir = dir.resolve("node" + member + "/journal");
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(journalDir))
            {
                for (final java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList())
                {
                    java.nio.file.Files.delete(p);
                }
            }
            try (dev.strand.journal.Journal foreign = dev.strand.journal.Journal.open(dev.strand.journal.JournalConfig
                .builder(journalDir).preallocate(false).minFreeBytes(0).build()))
            {
                final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[16]);
                foreign.appender().begin();
                foreign.appender().add(1, "account", "elsewhere", 1, "Deposited", 1, 1, "foreign", null, "foreign", 9,
                    payload, 0, 16);
                foreign.appender().commit();
            }
            cluster.restart(member);
            final long last = deposit(client, "d-1", "acc-1", 3).get(30, TimeUnit.SECONDS).position();
            ThreeNodeCluster.await(30_000, () -> cluster.node(member).service().failure() != null);
            assertThat(cluster.node(member).service().failure()).hasMessageContaining("disagree at position 1");
            assertThat(cluster.node(member).journal().lastPosition()).as("nothing written over it").isEqualTo(1);
            final int[] others = member == 1 ? new int[] {0, 2} : new int[] {0, 1};
            for (final int m : others)
            {
                ThreeNodeCluster.await(30_000, () -> cluster.node(m).service().journalPosition() >= last);
            }
            assertThat(ThreeNodeCluster.journalOf(cluster.node(others[0])))
                .isEqualTo(ThreeNodeCluster.journalOf(cluster.node(others[1])));
        }
    }

    @Test
    void shouldTakeSnapshotsByTheEngineSettingsAndLoadTheNewestOnRestart() throws Exception
    {
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir, ClusterNodeConfig.DEFAULT_IDLE_STRATEGY, 50))
        {
            final ClusterNode leader = cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            long last = 0;
            for (int i = 0; i < 130; i++)
            {
                last = deposit(client, "s-" + i, "acc-1", 1).get(30, TimeUnit.SECONDS).position();
                Thread.sleep(2);
            }
            cluster.awaitJournals(last, 30_000);
            ThreeNodeCluster.await(30_000, () ->
            {
                for (int i = 0; i < 3; i++)
                {
                    if (cluster.node(i).service().snapshotsTaken() < 2)
                    {
                        return false;
                    }
                }
                return true;
            });
            final int follower = (leader.memberId() + 2) % 3;
            cluster.stop(follower);
            cluster.restart(follower);
            cluster.awaitJournals(last, 30_000);
            assertThat(cluster.node(follower).service().snapshotLoadedPosition()).isGreaterThanOrEqualTo(100);
            assertIdentical(cluster);
        }
    }

    @Test
    void shouldElectANewLeaderThatLosesNothingAcknowledged() throws Exception
    {
        try (ThreeNodeCluster cluster = new ThreeNodeCluster(dir))
        {
            final ClusterNode leader = cluster.awaitLeader(30_000);
            final ClusterClient client = cluster.client();
            open(client, "acc-1");
            final List<CompletableFuture<CommandResult>> sent = new ArrayList<>();
            final long[] answeredAt = new long[300];
            long closedAt = 0;
            for (int i = 0; i < 300; i++)
            {
                final int index = i;
                sent.add(deposit(client, "x-" + i, "acc-1", 1).whenComplete((r, t) -> answeredAt[index] = System.nanoTime()));
                if (i == 150)
                {
                    closedAt = System.nanoTime();
                    cluster.stop(leader.memberId());
                }
                Thread.sleep(5);
            }
            final ClusterNode next = cluster.awaitLeader(30_000);
            assertThat(next.memberId()).isNotEqualTo(leader.memberId());
            final CommandResult after = deposit(client, "after", "acc-1", 1).get(30, TimeUnit.SECONDS);
            assertThat(after.accepted()).isTrue();

            long acknowledged = 0;
            for (final CompletableFuture<CommandResult> f : sent)
            {
                try
                {
                    if (f.get(30, TimeUnit.SECONDS).accepted())
                    {
                        acknowledged++;
                    }
                }
                catch (final ExecutionException | TimeoutException ex)
                {
                    // not acknowledged: allowed to be lost or applied, never both applied twice
                }
            }
            cluster.awaitJournals(after.position(), 30_000);
            final List<String> journal = ThreeNodeCluster.journalOf(next);
            final long applied = journal.stream().filter(l -> l.contains(" x-")).count();
            final long distinct = journal.stream().filter(l -> l.contains(" x-")).map(l -> l.split(" ")[4]).distinct().count();
            assertThat(distinct).as("no command applied twice").isEqualTo(applied);
            assertThat(applied).as("every acknowledged command is journaled").isGreaterThanOrEqualTo(acknowledged);
            for (final CompletableFuture<CommandResult> f : sent)
            {
                final CommandResult r = f.isDone() && !f.isCompletedExceptionally() ? f.get() : null;
                if (r != null && r.accepted())
                {
                    assertThat(journal).anyMatch(l -> l.contains(" " + r.commandId() + " "));
                }
            }
            assertIdentical(cluster);
            long firstAfter = Long.MAX_VALUE;
            for (int i = 151; i < 300; i++)
            {
                final CompletableFuture<CommandResult> f = sent.get(i);
                if (!f.isCompletedExceptionally() && f.get().accepted() && !f.get().replayed())
                {
                    firstAfter = Math.min(firstAfter, answeredAt[i]);
                }
            }
            System.out.printf("failover: %d acknowledged of 300 (%d re-sent by the client), new leader %d, first " +
                "accepted write %d ms after the leader's close began%n", acknowledged, client.resentMessages(),
                next.memberId(), TimeUnit.NANOSECONDS.toMillis(firstAfter - closedAt));
        }
    }

    private static void assertIdentical(final ThreeNodeCluster cluster) throws Exception
    {
        List<String> reference = null;
        long[] referenceHash = null;
        for (int i = 0; i < 3; i++)
        {
            final ClusterNode node = cluster.node(i);
            if (node == null)
            {
                continue;
            }
            final List<String> journal = ThreeNodeCluster.journalOf(node);
            final long[] hash = node.service().stateHash().get(10, TimeUnit.SECONDS);
            if (reference == null)
            {
                reference = journal;
                referenceHash = hash;
                continue;
            }
            assertThat(journal).as("journal of member " + i).isEqualTo(reference);
            assertThat(hash).as("position and state hash of member " + i).containsExactly(referenceHash);
        }
    }

    private static void open(final ClusterClient client, final String account) throws Exception
    {
        assertThat(client.submit("open-" + account, "OpenAccount", account, -1, null, new MapFieldReader(Map.of()))
            .get(30, TimeUnit.SECONDS).accepted()).isTrue();
    }

    private static CompletableFuture<CommandResult> deposit(final ClusterClient client, final String id,
        final String account, final long amount)
    {
        return client.submit(id, "Deposit", account, Command.ANY_VERSION, null, new MapFieldReader(Map.of("amount", amount)));
    }
}
