package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.journal.BackupManifest;
import dev.strand.journal.ClusterSeed;
import dev.strand.journal.JournalBackup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new cluster started from a backup of one member of another ({@code strand backup} of a member's data directory,
 * then {@code strand restore --cluster-seed} into every new member's): every member starts from the backup's state,
 * the new log's first command lands after the backup's last position, command ids from before the backup are still
 * remembered, and a member restarted, or wiped and restored from the same backup, rejoins identical.
 */
@Timeout(300)
class ClusterSeedIT
{
    @TempDir
    Path dir;

    @Test
    void shouldStartANewClusterFromABackupOfOneMember() throws Exception
    {
        final long last;
        final long[] oldHash;
        final List<String> oldJournal;
        final BackupManifest backup;
        try (ThreeNodeCluster old = new ThreeNodeCluster(dir.resolve("old")))
        {
            old.awaitLeader(30_000);
            final ClusterClient client = old.client();
            open(client, "acc-1");
            open(client, "acc-2");
            long position = 0;
            for (int i = 0; i < 20; i++)
            {
                position = deposit(client, "dep-" + i, i % 2 == 0 ? "acc-1" : "acc-2", 10 + i)
                    .get(30, TimeUnit.SECONDS).position();
            }
            last = position;
            old.awaitJournals(last, 30_000);
            oldHash = old.node(1).service().stateHash().get(10, TimeUnit.SECONDS);
            oldJournal = ThreeNodeCluster.journalOf(old.node(1));
            // a backup of one member's data directory beside the running member, as `strand backup` takes it
            backup = JournalBackup.ofDataDirectory(dir.resolve("old").resolve("node1"), dir.resolve("backups"));
        }
        assertThat(backup.position()).isEqualTo(last);
        assertThat(oldHash[0]).isEqualTo(last);

        final Path fresh = dir.resolve("new");
        for (int i = 0; i < 3; i++)
        {
            seed(backup, fresh.resolve("node" + i));
        }
        try (ThreeNodeCluster seeded = new ThreeNodeCluster(fresh))
        {
            seeded.awaitLeader(30_000);
            for (int i = 0; i < 3; i++)
            {
                assertThat(seeded.node(i).service().stateHash().get(10, TimeUnit.SECONDS)).as("member " + i + " at start")
                    .containsExactly(oldHash);
            }
            final ClusterClient client = seeded.client();
            final CommandResult next = deposit(client, "dep-new", "acc-1", 7).get(30, TimeUnit.SECONDS);
            assertThat(next.accepted()).isTrue();
            assertThat(next.position()).as("the new log's first command follows the backup").isEqualTo(last + 1);
            final CommandResult again = deposit(client, "dep-3", "acc-2", 13).get(30, TimeUnit.SECONDS);
            assertThat(again.replayed()).as("a command id from before the backup is remembered").isTrue();
            assertThat(again.position()).as("two opens, then dep-0 .. dep-3").isEqualTo(6);

            seeded.awaitJournals(last + 1, 30_000);
            final List<String> journal = ThreeNodeCluster.journalOf(seeded.node(0));
            assertThat(journal).hasSize((int)last + 1);
            assertThat(journal.subList(0, (int)last)).as("the seed is the old cluster's history").isEqualTo(oldJournal);
            assertIdentical(seeded, last + 1);

            // the leader asks for the cluster's first snapshot at once: every member takes it
            ThreeNodeCluster.await(30_000, () ->
            {
                for (int i = 0; i < 3; i++)
                {
                    if (seeded.node(i).service().snapshotsTaken() == 0)
                    {
                        return false;
                    }
                }
                return true;
            });

            // restarted from its own cluster snapshot, a member rejoins identical
            final int restarted = (indexOfLeader(seeded) + 1) % 3;
            seeded.stop(restarted);
            deposit(client, "dep-while-down", "acc-2", 3).get(30, TimeUnit.SECONDS);
            seeded.restart(restarted);
            seeded.awaitJournals(last + 2, 60_000);
            assertIdentical(seeded, last + 2);

            // wiped and restored from the same backup (a static cluster replays its whole log to a wiped member: the
            // seed is its base), it rebuilds the rest from the cluster and is identical again
            final int wiped = (indexOfLeader(seeded) + 2) % 3;
            seeded.stop(wiped);
            deleteTree(fresh.resolve("node" + wiped));
            seed(backup, fresh.resolve("node" + wiped));
            seeded.restart(wiped);
            seeded.awaitJournals(last + 2, 60_000);
            assertIdentical(seeded, last + 2);
        }
    }

    private static void seed(final BackupManifest backup, final Path dataDir)
    {
        JournalBackup.restore(backup.path(), dataDir);
        ClusterSeed.of(backup).writeTo(dataDir);
    }

    private static int indexOfLeader(final ThreeNodeCluster cluster)
    {
        final ClusterNode leader = cluster.awaitLeader(30_000);
        for (int i = 0; i < 3; i++)
        {
            if (cluster.node(i) == leader)
            {
                return i;
            }
        }
        throw new IllegalStateException("no leader");
    }

    private static void assertIdentical(final ThreeNodeCluster cluster, final long position) throws Exception
    {
        final List<String> reference = ThreeNodeCluster.journalOf(cluster.node(0));
        final long[] hash = cluster.node(0).service().stateHash().get(10, TimeUnit.SECONDS);
        assertThat(hash[0]).isEqualTo(position);
        for (int i = 1; i < 3; i++)
        {
            assertThat(ThreeNodeCluster.journalOf(cluster.node(i))).as("journal of member " + i).isEqualTo(reference);
            assertThat(cluster.node(i).service().stateHash().get(10, TimeUnit.SECONDS)).as("member " + i)
                .containsExactly(hash);
        }
    }

    private static void open(final ClusterClient client, final String account) throws Exception
    {
        assertThat(client.submit("open-" + account, "OpenAccount", account, -1, null, new MapFieldReader(Map.of()))
            .get(30, TimeUnit.SECONDS).accepted()).isTrue();
    }

    private static java.util.concurrent.CompletableFuture<CommandResult> deposit(final ClusterClient client,
        final String id, final String account, final long amount)
    {
        return client.submit(id, "Deposit", account, Command.ANY_VERSION, null, new MapFieldReader(Map.of("amount", amount)));
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }
}
